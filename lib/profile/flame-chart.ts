/**
 * The time-ordered flame chart of one source (speedscope's "Time Order", Perfetto's and the
 * Firefox Profiler's stack chart): samples left to right in time order, each frame a cell as
 * long as consecutive samples keep it on their stack. Cells sit at real time: a sample lasts
 * until the next one, or, when that is more than twice the median gap away, one median gap, so
 * a thread that stopped running leaves a hole instead of stretching its last stack.
 */
import { StackMapper, type CollapseOptions } from './collapse';
import { forEachSample } from './select';
import type { Profile } from './types';
import { WeightedTrie, type NodeKindName } from './weighted-trie';

export interface FlameChartOptions extends CollapseOptions {
  /** Only this thread (its tid), or the one with the most samples; undefined: every thread, interleaved. */
  readonly thread?: number | 'busiest';
  /** Cells narrower than this many ns are left out (a pixel of the chart's range). */
  readonly minCellNs?: number;
  /** Most cells in the answer; past it the narrowest go and `truncated` is set. */
  readonly maxCells?: number;
}

export interface ChartThread {
  readonly tid: number;
  readonly pid: number;
  readonly comm: string;
  readonly samples: number;
}

export interface FlameChart {
  /** Time range of the samples shown (ns since the source's first record). */
  readonly fromNs: number;
  readonly toNs: number;
  readonly samples: number;
  /** Distinct frame names; cells point into it. */
  readonly names: string[];
  /** Cells as columns: depth (0 = process), name index, node kind, start and end ns. */
  readonly depth: number[];
  readonly name: number[];
  readonly kind: NodeKindName[];
  readonly start: number[];
  readonly end: number[];
  /** Cells left out as narrower than a pixel, or past the cell budget. */
  readonly hidden: number;
  readonly truncated: boolean;
  /** The busiest threads of the selection (before the thread filter), most samples first. */
  readonly threads: ChartThread[];
  /** The thread shown (its tid), null for all of them. */
  readonly tid: number | null;
}

export const MAX_CHART_CELLS = 100_000;
const MAX_THREADS_LISTED = 40;

export function flameChart(profile: Profile, opts: FlameChartOptions): FlameChart {
  const { samples, threads } = profile;
  // The samples in time order (the table is sorted by time), and the threads they are on.
  let picked: number[] = [];
  const perThread = new Map<number, number>();
  forEachSample(profile, opts, (i) => {
    const th = samples.thread[i] as number;
    perThread.set(th, (perThread.get(th) ?? 0) + 1);
    picked.push(i);
  });
  const ranked = [...perThread.entries()].sort((a, b) => b[1] - a[1]);
  const threadList = ranked
    .slice(0, MAX_THREADS_LISTED)
    .map(([th, n]) => ({ tid: threads.tid[th] as number, pid: threads.pid[th] as number, comm: profile.strings[threads.comm[th] as number] as string, samples: n }));
  const tid = opts.thread === 'busiest' ? (threadList[0]?.tid ?? null) : (opts.thread ?? null);
  if (tid !== null) picked = picked.filter((i) => threads.tid[samples.thread[i] as number] === tid);

  const time = (k: number) => samples.timeNs[picked[k] as number] as number;
  const gaps = new Float64Array(Math.max(0, picked.length - 1));
  for (let k = 1; k < picked.length; k++) gaps[k - 1] = time(k) - time(k - 1);
  gaps.sort();
  const median = Math.max(1, gaps.length > 0 ? (gaps[(gaps.length - 1) >> 1] as number) : 1_000_000);

  const trie = new WeightedTrie();
  const mapper = new StackMapper(trie, profile, opts);
  const names: string[] = [];
  const nameIndex = new Map<number, number>();
  const out = { depth: [] as number[], name: [] as number[], kind: [] as NodeKindName[], start: [] as number[], end: [] as number[] };
  const minCell = opts.minCellNs ?? 0;
  const maxCells = opts.maxCells ?? MAX_CHART_CELLS;
  let hidden = 0;
  let truncated = false;
  const emit = (node: number, d: number, s: number, e: number) => {
    // Samples stamped with one time (several CPUs at once, or no times at all) span nothing.
    if (e <= s || e - s < minCell) return void hidden++;
    if (out.depth.length >= maxCells) {
      truncated = true;
      return void hidden++;
    }
    let ni = nameIndex.get(trie.nameId(node));
    if (ni === undefined) {
      ni = names.length;
      names.push(trie.name(node));
      nameIndex.set(trie.nameId(node), ni);
    }
    out.depth.push(d);
    out.name.push(ni);
    out.kind.push(trie.kind(node));
    out.start.push(s);
    out.end.push(e);
  };

  // Open cells, one per depth: the node, and where it started.
  const openNode: number[] = [];
  const openStart: number[] = [];
  let lastEnd = -Infinity;
  const path: number[] = [];
  const closeFrom = (d: number) => {
    for (let k = openNode.length - 1; k >= d; k--) emit(openNode[k] as number, k, openStart[k] as number, lastEnd);
    openNode.length = d;
    openStart.length = d;
  };
  for (let k = 0; k < picked.length; k++) {
    const t = time(k);
    // Until the next sample, unless that is a hole away: then one usual gap.
    const next = k + 1 < picked.length ? time(k + 1) : Infinity;
    const end = next - t <= 2 * median ? next : t + median;
    path.length = 0;
    for (let n = mapper.nodeOfSample(picked[k] as number); n > 0; n = trie.parent(n)) path.push(n);
    path.reverse();
    // A hole (the thread was not sampled) ends every open cell.
    let keep = 0;
    if (t <= lastEnd) while (keep < path.length && keep < openNode.length && openNode[keep] === path[keep]) keep++;
    closeFrom(keep);
    for (let d = keep; d < path.length; d++) {
      openNode.push(path[d] as number);
      openStart.push(t);
    }
    lastEnd = Math.max(lastEnd, end);
  }
  closeFrom(0);
  const fromNs = picked.length > 0 ? time(0) : (opts.fromNs ?? 0);
  return { fromNs, toNs: Number.isFinite(lastEnd) ? lastEnd : fromNs, samples: picked.length, names, ...out, hidden, truncated, threads: threadList, tid };
}
