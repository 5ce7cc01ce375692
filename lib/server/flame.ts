import type { ResponseOf } from '../api/endpoints';
import type { endpoints } from '../api/endpoints';
import { MAX_FUNCTION_ROWS, type ClusterSandwichQuery, type FlameChartQuery, type CompareQuery, type SourceKind, type DiffQuery, type ExportQuery, type FlameQuery, type MergedQuery, type SandwichQuery, type StackQuery } from '../api/schemas';
import type { z } from 'zod';
import { gzipSync } from 'node:zlib';
import { foldedLines } from '../profile/collapse';
import { toFlameSvg, toPprof, toSpeedscope } from '../profile/export';
import { functionRows } from '../profile/functions';
import { sandwich } from '../profile/sandwich';
import { flameChart } from '../profile/flame-chart';
import { columnFlame, diffFlame, mergedFlame, side } from '../profile/flame-views';
import { DEFAULT_MAX_NODES } from '../profile/lod';
import { rankColumns, rankColumnsAbsolute } from '../profile/ranking';
import { comparability, type ComparabilityWarning, type HostFacts } from '../profile/comparability';
import { sourceOfKind } from '../api/sources';
import type { Profile, ValueUnit } from '../profile/types';
import { NotFoundError } from '../store';
import { HttpError } from './http';
import { collapseOptions, getCapture, loadSource, sourcesOfKind } from './profiles';
import { captureTrie, sourceColumn, type CaptureTrie } from './tries';

type Params = { id: string };

/** Most per-host totals in a merged tree's answer (frames × hosts). */
const MAX_MERGED_CELLS = 1_000_000;
type NodeParams = { id: string; node: string };

/** What a flame graph's values count: the unit the parser gave the event shown (lib/profile EventType). */
export function valueUnit(profile: Profile, event: string | undefined): ValueUnit {
  const type = event !== undefined ? profile.eventTypes.find((e) => e.name === event) : profile.eventTypes[profile.defaultEvent];
  return type?.unit ?? 'samples';
}

/** GET …/nodes/{node}/flamegraph: the level-of-detail tree of one node. */
export async function nodeFlamegraph(p: NodeParams, q: z.output<typeof FlameQuery>): Promise<ResponseOf<typeof endpoints.flamegraph>> {
  const { trie, column, loaded } = await sourceColumn(p.id, p.node, q.source, q);
  const lod = columnFlame(trie, column, { focus: q.focus, search: q.search, maxNodes: q.maxNodes, minShare: q.minShare });
  return flameAnswer(lod, valueUnit(loaded.profile, q.event));
}

/** A flame tree answer (FlameTree) from a level-of-detail result. */
function flameAnswer(lod: ReturnType<typeof columnFlame>, unit: ValueUnit): ResponseOf<typeof endpoints.flamegraph> {
  return { root: lod.root, total: lod.total, focus: lod.focus, focusFound: lod.focusFound, truncated: lod.truncated, nodes: lod.nodes, search: lod.search, unit };
}

/** GET …/nodes/{node}/folded: stackcollapse-perf.pl's lines for the node. */
export async function nodeFolded(p: NodeParams, q: z.output<typeof StackQuery>): Promise<string[]> {
  const { trie, column } = await sourceColumn(p.id, p.node, q.source, q);
  return foldedLines(trie, column);
}

/** GET …/nodes/{node}/sandwich: one side of a function's sandwich, as a level-of-detail tree. */
export async function nodeSandwich(p: NodeParams, q: z.output<typeof SandwichQuery>): Promise<ResponseOf<typeof endpoints.sandwich>> {
  const { fn, side, focus, search, maxNodes, minShare, ...stack } = q;
  const { trie, column, loaded } = await sourceColumn(p.id, p.node, stack.source, stack);
  const s = sandwich(trie, column, fn);
  const lod = columnFlame(side === 'callers' ? s.callers : s.callees, 0, { focus, search, maxNodes, minShare });
  return flameAnswer(lod, valueUnit(loaded.profile, stack.event));
}

/** GET /api/captures/{id}/sandwich: a function's sandwich over the merged cluster (every host of the kind summed). */
export async function clusterSandwich(p: Params, q: z.output<typeof ClusterSandwichQuery>): Promise<ResponseOf<typeof endpoints.clusterSandwich>> {
  const { fn, side, focus, search, maxNodes, minShare, ...stack } = q;
  const { trie, nodes, kind } = await captureTrie(p.id, stack);
  const s = sandwich(trie, nodes.map((_, k) => k), fn);
  const lod = columnFlame(side === 'callers' ? s.callers : s.callees, 0, { focus, search, maxNodes, minShare });
  return flameAnswer(lod, await clusterUnit(p.id, kind, stack.event));
}

/** What a cluster view's values count: the event's unit in the first host's source of the kind (a cached profile). */
async function clusterUnit(id: string, kind: SourceKind, event: string | undefined): Promise<ValueUnit> {
  const first = sourcesOfKind(await getCapture(id), kind).find((x) => x.source !== null);
  const loaded = first?.source ? await loadSource(id, first.node, first.source.name, 'stacks') : null;
  return loaded ? valueUnit(loaded.profile, event) : 'samples';
}

/** GET …/nodes/{node}/flamechart: samples in time order, one thread (the busiest by default) or all. */
export async function nodeFlameChart(p: NodeParams, q: z.output<typeof FlameChartQuery>): Promise<ResponseOf<typeof endpoints.flameChart>> {
  const { thread, width, ...stack } = q;
  const { profile } = await loadSource(p.id, p.node, stack.source, 'stacks');
  const opts = collapseOptions(stack);
  const span = Math.max(1, (stack.toNs ?? profile.meta.durationNs) - (stack.fromNs ?? 0));
  const minCellNs = span / (width ?? 1500);
  const chart = flameChart(profile, { ...opts, thread: thread === 'all' ? undefined : (thread ?? 'busiest'), minCellNs });
  return { ...chart, unit: valueUnit(profile, stack.event) };
}

/** GET …/nodes/{node}/functions: self and total per function of the node's flame graph. */
export async function nodeFunctions(p: NodeParams, q: z.output<typeof StackQuery>): Promise<ResponseOf<typeof endpoints.functions>> {
  const { trie, column, loaded } = await sourceColumn(p.id, p.node, q.source, q);
  const c = trie.columns[column];
  const rows = functionRows(trie, trie.weights(column));
  return { unit: valueUnit(loaded.profile, q.event), total: c?.total ?? 0, totalSamples: c?.totalCount ?? 0, rows: rows.slice(0, MAX_FUNCTION_ROWS), more: Math.max(0, rows.length - MAX_FUNCTION_ROWS) };
}

/** GET /api/captures/{id}/functions: the cluster's functions (every host of the kind summed), with each one's self share per host. */
export async function clusterFunctions(p: Params, q: z.output<typeof CompareQuery>): Promise<ResponseOf<typeof endpoints.clusterFunctions>> {
  const { trie, nodes, kind, missing } = await captureTrie(p.id, q);
  const columns = nodes.map((_, k) => k);
  const all = functionRows(trie, trie.sum(columns));
  // rows × hosts share cells, bounded like the merged tree's: fewer rows as hosts grow.
  const rows = all.slice(0, Math.min(MAX_FUNCTION_ROWS, Math.max(100, Math.floor(MAX_MERGED_CELLS / Math.max(1, nodes.length)))));
  // Each host's self weight per function name, as a share of the host's total.
  const index = new Map(rows.map((r, i) => [r.name, i]));
  const shares = rows.map(() => columns.map(() => 0));
  columns.forEach((k) => {
    const c = trie.columns[k];
    if (!c || c.total <= 0) return;
    for (let i = 0; i < c.node.length; i++) {
      const row = index.get(trie.name(c.node[i] as number));
      if (row === undefined) continue;
      const perHost = shares[row] as number[];
      perHost[k] = (perHost[k] as number) + (c.self[i] as number) / c.total;
    }
  });
  const total = columns.reduce((t, k) => t + (trie.columns[k]?.total ?? 0), 0);
  const totalSamples = columns.reduce((t, k) => t + (trie.columns[k]?.totalCount ?? 0), 0);
  return { kind, nodes: [...nodes], missing: [...missing], unit: await clusterUnit(p.id, kind, q.event), total, totalSamples, rows, more: Math.max(0, all.length - rows.length), shares };
}

/** GET …/nodes/{node}/export: the node's stacks (same filters as the folded export) as a file. */
export async function nodeExport(p: NodeParams, q: z.output<typeof ExportQuery>): Promise<{ body: Uint8Array | string; contentType: string; filename: string }> {
  const { format, ...stack } = q;
  const { trie, column, loaded } = await sourceColumn(p.id, p.node, stack.source, stack);
  const { profile, summary } = loaded;
  const type = stack.event !== undefined ? profile.eventTypes.find((e) => e.name === stack.event) : profile.eventTypes[profile.defaultEvent];
  const from = stack.fromNs ?? 0;
  const meta = {
    event: type?.name ?? 'samples',
    unit: valueUnit(profile, stack.event),
    name: `${p.node} · ${summary.name}`,
    startNs: summary.startNs + from,
    durationNs: Math.max(0, (stack.toNs ?? profile.meta.durationNs) - from),
  };
  const base = `${p.node}.${summary.name}`;
  switch (format) {
    case 'pprof':
      return { body: gzipSync(toPprof(trie, column, meta)), contentType: 'application/gzip', filename: `${base}.pb.gz` };
    case 'svg':
      return { body: toFlameSvg(trie, column, meta), contentType: 'image/svg+xml', filename: `${base}.svg` };
    case 'speedscope':
      return { body: JSON.stringify(toSpeedscope(trie, column, meta)), contentType: 'application/json', filename: `${base}.speedscope.json` };
    default: {
      const lines = foldedLines(trie, column);
      return { body: lines.length ? `${lines.join('\n')}\n` : '', contentType: 'text/plain; charset=utf-8', filename: `${base}.folded` };
    }
  }
}

function columnOf(t: { nodes: readonly string[]; missing: readonly string[]; kind: string }, node: string): number {
  const k = t.nodes.indexOf(node);
  if (k < 0) throw new NotFoundError(t.missing.includes(node) ? `${t.kind} source of node ${node}` : `node ${node}`);
  return k;
}

/** GET …/diff: node A against node B or the rest of the cluster. */
export async function diff(p: Params, q: z.output<typeof DiffQuery>): Promise<ResponseOf<typeof endpoints.diff>> {
  const { a, b, shape, focus, search, maxNodes, minShare, ...naming } = q;
  const t = await captureTrie(p.id, naming);
  const { trie, nodes } = t;
  const ai = columnOf(t, a);
  let sideB: number[];
  if (b === 'cluster') {
    sideB = nodes.map((_, i) => i).filter((i) => i !== ai);
    if (sideB.length === 0) throw new HttpError(400, 'bad_request', `the capture has no other node with a ${t.kind} source to compare with`);
  } else {
    sideB = [columnOf(t, b)];
  }
  // Absolute mode: both sides' shares of one denominator, the larger of A's total and B's mean.
  const nonEmpty = sideB.map((k) => trie.columns[k]?.total ?? 0).filter((x) => x > 0);
  const denominator = naming.abs ? Math.max(trie.columns[ai]?.total ?? 0, nonEmpty.reduce((x, y) => x + y, 0) / Math.max(1, nonEmpty.length)) || undefined : undefined;
  const d = diffFlame(trie, side(trie, [ai], denominator), side(trie, sideB, denominator), { shape, focus, search, maxNodes, minShare });
  return {
    a,
    b,
    shape: shape ?? 'a',
    kind: t.kind,
    missing: [...t.missing],
    absolute: !!naming.abs,
    warnings: await comparabilityOf(p.id, t, [ai, ...sideB], naming),
    root: d.root,
    totalA: d.totalA,
    totalB: d.totalB,
    nodes: d.nodes,
    truncated: d.truncated,
    topSelf: d.topSelf,
    topTotal: d.topTotal,
    focus: d.focus,
    focusFound: d.focusFound,
    search: d.search,
  };
}

/** GET …/ranking: the nodes, most different from the rest first. */
export async function ranking(p: Params, q: z.output<typeof CompareQuery>): Promise<ResponseOf<typeof endpoints.ranking>> {
  const t = await captureTrie(p.id, q);
  const { trie, nodes, kind, missing } = t;
  const columns = nodes.map((_, k) => k);
  const rows = (q.abs ? rankColumnsAbsolute : rankColumns)(trie, columns).map((r) => ({ ...r, node: nodes[r.node] as string }));
  return { kind, missing: [...missing], absolute: !!q.abs, warnings: await comparabilityOf(p.id, t, columns, q), ranking: rows };
}

/** The comparability warnings of some columns of a capture trie: each host's event, samples and the time they cover. */
async function comparabilityOf(id: string, t: CaptureTrie, columns: readonly number[], q: z.output<typeof CompareQuery>): Promise<ComparabilityWarning[]> {
  const capture = await getCapture(id);
  const facts: HostFacts[] = [];
  for (const k of columns) {
    const node = t.nodes[k] as string;
    const source = sourceOfKind(capture.nodes.find((n) => n.name === node)?.sources ?? [], t.kind);
    if (!source) continue;
    const { profile } = await loadSource(id, node, source.name, 'stacks');
    const span = source.endNs - source.startNs;
    const from = Math.min(span, q.fromNs ?? 0);
    const to = Math.min(span, q.toNs ?? span);
    facts.push({ node, event: q.event ?? profile.eventTypes[profile.defaultEvent]?.name ?? 'samples', samples: t.trie.columns[k]?.totalCount ?? 0, durationNs: Math.max(0, to - from) });
  }
  return comparability(facts);
}

/** GET …/flamegraph?merge=all: every node summed, each frame with its per-node totals. */
export async function merged(p: Params, q: z.output<typeof MergedQuery>): Promise<ResponseOf<typeof endpoints.merged>> {
  const { merge: _merge, focus, search, maxNodes, minShare, ...naming } = q;
  const { trie, nodes, kind, missing } = await captureTrie(p.id, naming);
  // Each frame carries a total per host: the node budget shrinks as hosts grow, so an answer
  // holds at most MAX_MERGED_CELLS of them.
  const budget = Math.max(100, Math.floor(MAX_MERGED_CELLS / Math.max(1, nodes.length)));
  const m = mergedFlame(
    trie,
    nodes.map((_, k) => k),
    { focus, search, maxNodes: Math.min(maxNodes ?? DEFAULT_MAX_NODES, budget), minShare },
  );
  return { kind, missing: [...missing], nodes: [...nodes], root: m.root, total: m.total, truncated: m.truncated, focus: m.focus, focusFound: m.focusFound, search: m.search };
}
