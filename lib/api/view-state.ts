/**
 * The view state of a capture page, carried in its URL so that every view is a link a teammate
 * can open. Versioned: `v` names the schema; older versions are upgraded, never rejected, and
 * anything malformed falls back to defaults instead of breaking the page. New optional
 * parameters may be added within a version (absent means the default).
 *
 * v1 query parameters:
 *   view=flame|timeline|syscalls   which view (default flame)
 *   node=NAME                      the selected node
 *   z.NAME=a;b;c                   zoomed frame path of node NAME (names root first)
 *   q=TEXT                         search (plain substring, case-insensitive)
 *   ev=EVENT                       event shown (default: the first event, as stackcollapse-perf.pl)
 *   t.NAME=FROM-TO                 time range of node NAME, ns since its first record (brushed)
 *   hm.NAME=colNs,rowNs,c0,c1,r0,r1  subsecond-heatmap selection of node NAME
 *   off.NAME=NS                    offset of node NAME on the shared time axis (may be negative)
 *   sc=SYSCALL                     syscall whose latency heatmap is shown
 *   scm=calls|errors|time          metric of the syscall heatmaps
 *   view=compare                   ranking, differential and merged flame graphs
 *   a=NODE  b=NODE|cluster         the differential pair (b = the rest of the cluster)
 *   shape=b                        draw B's shape coloured by A (frames that vanished from A)
 *   scale=shared                   small multiples drawn on one sample scale (default: each its own 100 %)
 *   dz=a;b;c  mz=a;b;c             zoomed frame path of the differential / merged flame graph
 *   src=KIND                       kind of source the flame graphs and comparisons read (default: the capture's)
 *   ss.NAME=SOURCE                 source of node NAME the syscall views read (default: strace, else tracepoints)
 *   so.NAME~SOURCE=NS              offset of a wall-clock source on its host's axis (may be negative)
 *   pc=COMM                        syscall views: only threads of this process name
 *   oc=1                           flame view: each host's off-CPU flame graph beside its CPU flame graph
 *   oz.NAME=a;b;c                  zoomed frame path of node NAME's off-CPU flame graph
 *   view=sched                     scheduler latency (cluster, host heatmap, per task) and a thread's wall clock
 *   rc=CAUSE                       scheduler latency of one cause: preempted, wakeup, waking, wakeup_new
 *   sq.NAME=SOURCE                 source of node NAME the scheduler views read (default: trace-cmd, ftrace, then tracepoints)
 *   tid=TID                        the thread whose wall clock is shown
 *   or=flame                       flame graphs with the root at the bottom (default: icicle, root at the top)
 *   view=functions                 the cluster's top functions
 *   fn=NAME                        functions view: the sandwich of this function (callers above, callees below)
 *   fs=NAME|sz=a;b / fz=a;b        its host (default: the selected one), and the callers' / callees' zoomed paths
 *   fo=total|selfSamples|name      functions view: the table's sort (default self)
 *   ab=1                           compare view: absolute values instead of shares of each side's total
 *   ct=TID|all                     timeline view: the thread of the time-ordered flame chart (default: the busiest)
 *   tf=OP:ARG\nOP:ARG              transforms of every flame graph, comparison and table, in order (lib/util/transforms.ts)
 *
 * Nodes are hosts; `t.NAME` ranges are on the host's time axis (ns from its first record over
 * all its sources), which for a host of one source is that source's own time.
 */
import { z } from 'zod';
import { parseTransforms, formatTransforms } from '../util/transforms';
import { CellSelection, NODE_NAME_PATTERN, RunqCauseName, SourceKind, TransformSpec } from './schemas';

export const VIEW_STATE_VERSION = 1;

const Path = z.array(z.string().max(4096)).max(1100);
const NodeKey = z.string().regex(NODE_NAME_PATTERN);
/** `node~source`: `~` is in no node or source name. */
const SOURCE_KEY = /^[A-Za-z0-9._-]{1,128}~[A-Za-z0-9._-]{1,128}$/;
export const sourceKey = (node: string, source: string): string => `${node}~${source}`;
const Range = z.tuple([z.number().finite().nonnegative(), z.number().finite().nonnegative()]).refine(([a, b]) => b > a);

export const ViewState = z.object({
  v: z.literal(VIEW_STATE_VERSION),
  view: z.enum(['flame', 'timeline', 'syscalls', 'compare', 'functions', 'sched']).catch('flame'),
  node: z.string().regex(NODE_NAME_PATTERN).optional().catch(undefined),
  zoom: z.record(NodeKey, Path).catch({}),
  search: z.string().max(500).catch(''),
  event: z.string().min(1).max(256).optional().catch(undefined),
  range: z.record(NodeKey, Range).catch({}),
  cells: z.record(NodeKey, CellSelection).catch({}),
  offset: z.record(NodeKey, z.number().finite()).catch({}),
  syscall: z.string().min(1).max(64).optional().catch(undefined),
  metric: z.enum(['calls', 'errors', 'time']).catch('calls'),
  a: z.string().regex(NODE_NAME_PATTERN).optional().catch(undefined),
  b: z.union([z.literal('cluster'), z.string().regex(NODE_NAME_PATTERN)]).catch('cluster'),
  shape: z.enum(['a', 'b']).catch('a'),
  scale: z.enum(['own', 'shared']).catch('own'),
  orientation: z.enum(['icicle', 'flame']).catch('icicle'),
  diffZoom: Path.catch([]),
  mergedZoom: Path.catch([]),
  kind: SourceKind.optional().catch(undefined),
  sysSource: z.record(NodeKey, z.string().regex(NODE_NAME_PATTERN)).catch({}),
  sourceOffset: z.record(z.string().regex(SOURCE_KEY), z.number().finite()).catch({}),
  comm: z.string().min(1).max(256).optional().catch(undefined),
  offCpu: z.boolean().catch(false),
  offZoom: z.record(NodeKey, Path).catch({}),
  cause: RunqCauseName.optional().catch(undefined),
  schedSource: z.record(NodeKey, z.string().regex(NODE_NAME_PATTERN)).catch({}),
  tid: z.number().int().positive().optional().catch(undefined),
  fn: z.string().min(1).max(4096).optional().catch(undefined),
  fnHost: z.string().regex(NODE_NAME_PATTERN).optional().catch(undefined),
  callersZoom: Path.catch([]),
  calleesZoom: Path.catch([]),
  transforms: z.array(TransformSpec).catch([]),
  fnSort: z.enum(['self', 'total', 'selfSamples', 'name']).catch('self'),
  absolute: z.boolean().catch(false),
  chartThread: z.union([z.literal('all'), z.number().int().nonnegative()]).optional().catch(undefined),
});
export type ViewState = z.infer<typeof ViewState>;
export type ViewName = ViewState['view'];

export const DEFAULT_VIEW: ViewState = {
  v: VIEW_STATE_VERSION,
  view: 'flame',
  zoom: {},
  search: '',
  range: {},
  cells: {},
  offset: {},
  metric: 'calls',
  b: 'cluster',
  shape: 'a',
  scale: 'own',
  diffZoom: [],
  mergedZoom: [],
  sysSource: {},
  sourceOffset: {},
  offCpu: false,
  offZoom: {},
  orientation: 'icicle',
  schedSource: {},
  callersZoom: [],
  calleesZoom: [],
  transforms: [],
  fnSort: 'self',
  absolute: false,
};

/** Upgraders from older versions, keyed by the version they read. */
const UPGRADERS: Record<number, (p: URLSearchParams) => URLSearchParams> = {};

/** Parses one entry at a time so that a bad one is dropped alone. */
function perNode<T>(p: URLSearchParams, prefix: string, parse: (v: string) => T | undefined, keyPattern = NODE_NAME_PATTERN): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of p) {
    if (!key.startsWith(prefix)) continue;
    const node = key.slice(prefix.length);
    const v = parse(value);
    if (v !== undefined && keyPattern.test(node)) out[node] = v;
  }
  return out;
}

/** Transforms of a link; a malformed list is dropped whole (a partial stack would mean something else). */
function transformsOf(text: string | null) {
  try {
    return text ? parseTransforms(text) : [];
  } catch {
    return [];
  }
}

const offsetOf = (s: string) => (/^-?\d+(\.\d+)?$/.test(s) ? Number(s) : undefined);

export function parseViewState(params: URLSearchParams): ViewState {
  let p = new URLSearchParams(params);
  let v = Number(p.get('v') ?? VIEW_STATE_VERSION);
  while (v < VIEW_STATE_VERSION && UPGRADERS[v]) {
    p = (UPGRADERS[v] as (p: URLSearchParams) => URLSearchParams)(p);
    v++;
  }
  const parsed = ViewState.safeParse({
    v: VIEW_STATE_VERSION,
    view: p.get('view') ?? 'flame',
    node: p.get('node') ?? undefined,
    zoom: perNode(p, 'z.', (s) => (s.length > 0 ? s.split(';') : undefined)),
    search: p.get('q') ?? '',
    event: p.get('ev') ?? undefined,
    range: perNode(p, 't.', (s) => {
      const m = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(s);
      return m && Number(m[2]) > Number(m[1]) ? ([Number(m[1]), Number(m[2])] as [number, number]) : undefined;
    }),
    cells: perNode(p, 'hm.', (s) => {
      const r = CellSelection.safeParse(s);
      return r.success ? s : undefined;
    }),
    offset: perNode(p, 'off.', offsetOf),
    syscall: p.get('sc') ?? undefined,
    metric: p.get('scm') ?? 'calls',
    a: p.get('a') ?? undefined,
    b: p.get('b') ?? 'cluster',
    shape: p.get('shape') ?? 'a',
    scale: p.get('scale') ?? 'own',
    orientation: p.get('or') ?? 'icicle',
    diffZoom: p.get('dz')?.split(';') ?? [],
    mergedZoom: p.get('mz')?.split(';') ?? [],
    kind: p.get('src') ?? undefined,
    sysSource: perNode(p, 'ss.', (s) => (NODE_NAME_PATTERN.test(s) ? s : undefined)),
    sourceOffset: perNode(p, 'so.', offsetOf, SOURCE_KEY),
    comm: p.get('pc') ?? undefined,
    offCpu: p.get('oc') === '1',
    offZoom: perNode(p, 'oz.', (s) => (s.length > 0 ? s.split(';') : undefined)),
    cause: p.get('rc') ?? undefined,
    schedSource: perNode(p, 'sq.', (s) => (NODE_NAME_PATTERN.test(s) ? s : undefined)),
    tid: /^\d+$/.test(p.get('tid') ?? '') ? Number(p.get('tid')) : undefined,
    fn: p.get('fn') ?? undefined,
    fnHost: p.get('fs') ?? undefined,
    callersZoom: p.get('sz') ? (p.get('sz') as string).split(';') : [],
    calleesZoom: p.get('fz') ? (p.get('fz') as string).split(';') : [],
    transforms: transformsOf(p.get('tf')),
    fnSort: p.get('fo') ?? 'self',
    absolute: p.get('ab') === '1',
    chartThread: p.get('ct') === 'all' ? 'all' : /^\d+$/.test(p.get('ct') ?? '') ? Number(p.get('ct')) : undefined,
  });
  return parsed.success ? parsed.data : DEFAULT_VIEW;
}

function cellsText(c: CellSelection): string {
  return [c.colNs, c.rowNs, c.c0, c.c1, c.r0, c.r1].join(',');
}

export function serializeViewState(s: ViewState): URLSearchParams {
  const p = new URLSearchParams();
  p.set('v', String(VIEW_STATE_VERSION));
  if (s.view !== 'flame') p.set('view', s.view);
  if (s.node) p.set('node', s.node);
  const sorted = <T>(r: Record<string, T>) => Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [node, path] of sorted(s.zoom)) if (path.length > 0) p.set(`z.${node}`, path.join(';'));
  if (s.search) p.set('q', s.search);
  if (s.event) p.set('ev', s.event);
  for (const [node, [a, b]] of sorted(s.range)) p.set(`t.${node}`, `${Math.round(a)}-${Math.round(b)}`);
  for (const [node, c] of sorted(s.cells)) p.set(`hm.${node}`, cellsText(c));
  for (const [node, off] of sorted(s.offset)) if (off !== 0) p.set(`off.${node}`, String(Math.round(off)));
  if (s.syscall) p.set('sc', s.syscall);
  if (s.metric !== 'calls') p.set('scm', s.metric);
  if (s.a) p.set('a', s.a);
  if (s.b !== 'cluster') p.set('b', s.b);
  if (s.shape !== 'a') p.set('shape', s.shape);
  if (s.scale !== 'own') p.set('scale', s.scale);
  if (s.orientation !== 'icicle') p.set('or', s.orientation);
  if (s.diffZoom.length > 0) p.set('dz', s.diffZoom.join(';'));
  if (s.mergedZoom.length > 0) p.set('mz', s.mergedZoom.join(';'));
  if (s.kind) p.set('src', s.kind);
  for (const [node, source] of sorted(s.sysSource)) p.set(`ss.${node}`, source);
  for (const [key, off] of sorted(s.sourceOffset)) if (off !== 0) p.set(`so.${key}`, String(Math.round(off)));
  if (s.comm) p.set('pc', s.comm);
  if (s.offCpu) p.set('oc', '1');
  for (const [node, path] of sorted(s.offZoom)) if (path.length > 0) p.set(`oz.${node}`, path.join(';'));
  if (s.cause) p.set('rc', s.cause);
  for (const [node, source] of sorted(s.schedSource)) p.set(`sq.${node}`, source);
  if (s.tid !== undefined) p.set('tid', String(s.tid));
  if (s.fn) p.set('fn', s.fn);
  if (s.fnHost) p.set('fs', s.fnHost);
  if (s.callersZoom.length > 0) p.set('sz', s.callersZoom.join(';'));
  if (s.calleesZoom.length > 0) p.set('fz', s.calleesZoom.join(';'));
  if (s.transforms.length > 0) p.set('tf', formatTransforms(s.transforms));
  if (s.fnSort !== 'self') p.set('fo', s.fnSort);
  if (s.absolute) p.set('ab', '1');
  if (s.chartThread !== undefined) p.set('ct', String(s.chartThread));
  return p;
}
