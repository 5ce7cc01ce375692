import { levelOfDetail, type LodOptions, type LodResult, type LodRow } from './lod';
import type { DenseWeights, NodeKindName, WeightedTrie } from './weighted-trie';

/**
 * The flame graphs the server sends, each a view of the one weighted trie through the one
 * level-of-detail pass: a single column (one node), a differential of two sides, and the
 * merged cluster. Short keys keep payloads small (d3-flame-graph reads n, v, c natively).
 */

/** Sum of a dense array over some nodes. */
function sumOver(values: Float64Array, nodes: readonly number[]): number {
  let s = 0;
  for (const n of nodes) s += values[n] as number;
  return s;
}

/** One flame frame: n name, v total value, s self value, k samples, l kind; x/m on aggregates. */
export interface FlameNode extends LodRow<FlameNode> {
  v: number;
  s: number;
  k: number;
}

export type FlameResult = LodResult<FlameNode> & { total: number };

/** The flame graph of one column (a node, or a time range of one). */
export function columnFlame(trie: WeightedTrie, column: number, opts: LodOptions = {}): FlameResult {
  return weightsFlame(trie, trie.weights(column), opts);
}

/** The flame graph of dense weights (one column, or several summed). */
export function weightsFlame(trie: WeightedTrie, w: DenseWeights, opts: LodOptions = {}): FlameResult {
  const lod = levelOfDetail<FlameNode>(
    trie,
    {
      value: (n) => w.total[n] as number,
      present: (n) => (w.totalCount[n] as number) > 0,
      row: (n) => ({ n: n === 0 ? 'all' : trie.name(n), v: w.total[n] as number, s: w.self[n] as number, k: w.totalCount[n] as number, l: trie.kind(n) }),
      aggregate: (nodes, label) => {
        const v = sumOver(w.total, nodes);
        return { n: label, v, s: v, k: sumOver(w.totalCount, nodes), l: 'other', x: nodes.length };
      },
    },
    opts,
  );
  return { ...lod, total: w.total[0] as number };
}

/** One side of a comparison: its columns' summed values, and their mean shares (each column weighs the same). */
export interface Side {
  readonly columns: readonly number[];
  readonly value: Float64Array;
  readonly self: Float64Array;
  readonly count: Float64Array;
  readonly share: Float64Array;
  readonly selfShare: Float64Array;
  readonly total: number;
}

/**
 * Sums and mean shares of a set of columns (columns without samples count in sums, not in
 * means). Shares are of each column's own total, or, given `denominator` (absolute mode), of that
 * one value for every column: then a side with half the weight has half the share.
 */
export function side(trie: WeightedTrie, columns: readonly number[], denominator?: number): Side {
  const n = trie.size;
  const value = new Float64Array(n);
  const self = new Float64Array(n);
  const count = new Float64Array(n);
  const share = new Float64Array(n);
  const selfShare = new Float64Array(n);
  let counted = 0;
  let total = 0;
  for (const k of columns) {
    const w = trie.weights(k);
    const own = w.total[0] as number;
    total += own;
    const tot = own > 0 ? (denominator ?? own) : 0;
    for (let i = 0; i < n; i++) {
      value[i] = (value[i] as number) + (w.total[i] as number);
      self[i] = (self[i] as number) + (w.self[i] as number);
      count[i] = (count[i] as number) + (w.totalCount[i] as number);
    }
    if (tot > 0) {
      counted++;
      for (let i = 0; i < n; i++) {
        share[i] = (share[i] as number) + (w.total[i] as number) / tot;
        selfShare[i] = (selfShare[i] as number) + (w.self[i] as number) / tot;
      }
    }
  }
  if (counted > 0) {
    for (let i = 0; i < n; i++) {
      share[i] = (share[i] as number) / counted;
      selfShare[i] = (selfShare[i] as number) / counted;
    }
  }
  return { columns, value, self, count, share, selfShare, total };
}

/**
 * Differential frame: `v` is the drawn width (A's total, or B's when drawing B's shape), a/b raw
 * totals, sa/sb shares of each side's total (B: mean over its columns), ssa/ssb self shares,
 * `d` = sa - sb (what the colour shows).
 */
export interface DiffNode extends LodRow<DiffNode> {
  v: number;
  s: number;
  k: number;
  a: number;
  b: number;
  sa: number;
  sb: number;
  ssa: number;
  ssb: number;
  d: number;
}

export interface ShareRow {
  name: string;
  sa: number;
  sb: number;
  delta: number;
}

export interface DiffResult extends LodResult<DiffNode> {
  totalA: number;
  totalB: number;
  /** Functions with the largest change in self and in total share (by name, all paths summed). */
  topSelf: ShareRow[];
  topTotal: ShareRow[];
}

/** Differential tree of side A against side B, in A's shape or B's ("vanished" frames). */
export function diffFlame(trie: WeightedTrie, A: Side, B: Side, opts: LodOptions & { shape?: 'a' | 'b' } = {}): DiffResult {
  const drawn = (opts.shape ?? 'a') === 'a' ? A : B;
  const lod = levelOfDetail<DiffNode>(
    trie,
    {
      value: (n) => drawn.value[n] as number,
      importance: (n) => Math.max(A.share[n] as number, B.share[n] as number),
      row: (n) => {
        const sa = A.share[n] as number;
        const sb = B.share[n] as number;
        return {
          n: trie.name(n),
          l: trie.kind(n),
          v: drawn.value[n] as number,
          s: drawn.self[n] as number,
          k: drawn.count[n] as number,
          a: A.value[n] as number,
          b: B.value[n] as number,
          sa,
          sb,
          ssa: A.selfShare[n] as number,
          ssb: B.selfShare[n] as number,
          d: sa - sb,
        };
      },
      aggregate: (nodes, label) => {
        // Drawn as a leaf: its self is its total.
        const sa = sumOver(A.share, nodes);
        const sb = sumOver(B.share, nodes);
        const v = sumOver(drawn.value, nodes);
        return { n: label, l: 'other', v, s: v, k: sumOver(drawn.count, nodes), a: sumOver(A.value, nodes), b: sumOver(B.value, nodes), sa, sb, ssa: sa, ssb: sb, d: sa - sb, x: nodes.length };
      },
    },
    opts,
  );
  const { topSelf, topTotal } = shareChanges(trie, A, B);
  return { ...lod, totalA: A.value[0] as number, totalB: B.value[0] as number, topSelf, topTotal };
}

/** Per function name: change of self share and of total share (total counted once per path). */
function shareChanges(trie: WeightedTrie, A: Side, B: Side, top = 20): { topSelf: ShareRow[]; topTotal: ShareRow[] } {
  const byName = new Map<string, { sa: number; sb: number; ta: number; tb: number }>();
  forEachByName(trie, (node, name, firstOnPath) => {
    let r = byName.get(name);
    if (!r) byName.set(name, (r = { sa: 0, sb: 0, ta: 0, tb: 0 }));
    r.sa += A.selfShare[node] as number;
    r.sb += B.selfShare[node] as number;
    if (firstOnPath) {
      r.ta += A.share[node] as number;
      r.tb += B.share[node] as number;
    }
  });
  const rows = [...byName.entries()];
  const pick = (get: (r: { sa: number; sb: number; ta: number; tb: number }) => [number, number]) =>
    rows
      .map(([name, r]) => {
        const [a, b] = get(r);
        return { name, sa: a, sb: b, delta: a - b };
      })
      .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta))
      .slice(0, top);
  return { topSelf: pick((r) => [r.sa, r.sb]), topTotal: pick((r) => [r.ta, r.tb]) };
}

/**
 * Visits every node below the root depth-first (children in creation order) with its name and
 * whether it is the outermost frame of that name on its path (recursion counted once).
 */
export function forEachByName(trie: WeightedTrie, visit: (node: number, name: string, firstOnPath: boolean) => void): void {
  const onPath = new Map<string, number>();
  // Explicit stack of (node, entering) so deep trees cannot overflow the call stack.
  const stack: [number, boolean][] = [];
  const kids = trie.children(0);
  for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i] as number, true]);
  while (stack.length > 0) {
    const [node, entering] = stack.pop() as [number, boolean];
    const name = trie.name(node);
    if (!entering) {
      const left = (onPath.get(name) as number) - 1;
      if (left === 0) onPath.delete(name);
      else onPath.set(name, left);
      continue;
    }
    const depthOfName = onPath.get(name) ?? 0;
    visit(node, name, depthOfName === 0);
    onPath.set(name, depthOfName + 1);
    stack.push([node, false]);
    const children = trie.children(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i] as number, true]);
  }
}

/** Merged frame: all columns summed, with each column's total (`per`, in column order). */
export interface MergedNode extends LodRow<MergedNode> {
  v: number;
  s: number;
  k: number;
  per: number[];
}

export type MergedResult = LodResult<MergedNode> & { total: number };

export function mergedFlame(trie: WeightedTrie, columns: readonly number[], opts: LodOptions = {}): MergedResult {
  const all = side(trie, columns);
  // Per-column totals are filled in afterwards for the rows sent only, one dense column at a
  // time: K dense columns at once would cost K × trie size.
  const sent: { row: MergedNode; nodes: readonly number[] }[] = [];
  const lod = levelOfDetail<MergedNode>(
    trie,
    {
      value: (n) => all.value[n] as number,
      present: (n) => (all.count[n] as number) > 0,
      row: (n) => {
        const row: MergedNode = { n: trie.name(n), l: trie.kind(n), v: all.value[n] as number, s: all.self[n] as number, k: all.count[n] as number, per: [] };
        sent.push({ row, nodes: [n] });
        return row;
      },
      aggregate: (nodes, label) => {
        const v = sumOver(all.value, nodes);
        const row: MergedNode = { n: label, l: 'other', v, s: v, k: sumOver(all.count, nodes), per: [], x: nodes.length };
        sent.push({ row, nodes });
        return row;
      },
    },
    opts,
  );
  for (const k of columns) {
    const total = trie.weights(k).total;
    for (const { row, nodes } of sent) row.per.push(sumOver(total, nodes));
  }
  return { ...lod, total: all.value[0] as number };
}

export type { NodeKindName };
