/**
 * The one contract between server, browser and curl users: every request part and response
 * body is described here and validated on both sides.
 */
import { compileSearch } from '../util/frame-search';
import { formatTransforms, MAX_TRANSFORMS, parseTransforms, TRANSFORM_OPS, type Transform } from '../util/transforms';
import { z } from 'zod';
import type { DiffNode, FlameNode, MergedNode } from '../profile/flame-views';

export const NODE_NAME_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
export const NodeName = z.string().regex(NODE_NAME_PATTERN, 'node names are 1-128 characters of A-Z a-z 0-9 . _ -');
export const SourceName = z.string().regex(NODE_NAME_PATTERN, 'source names are 1-128 characters of A-Z a-z 0-9 . _ -');
/** 128 random bits, base64url. */
export const CaptureId = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not a capture id');

export const CaptureParams = z.object({ id: CaptureId });
export const NodeParams = z.object({ id: CaptureId, node: NodeName });
export const SourceParams = z.object({ id: CaptureId, node: NodeName, source: SourceName });

/** PUT …/nodes/{node}?arch=arm64: how to name raw syscall numbers when the capture does not say. */
export const UploadQuery = z.object({ arch: z.enum(['x86_64', 'arm64', 'aarch64']).optional() });

/**
 * Pyroscope's `APP{label=value,…}` (the `name` of its push API): the application, whose
 * capture is the one of that name, and labels, one of which names the host.
 */
export const PyroscopeName = z.codec(
  z
    .string()
    .regex(
      /^[A-Za-z0-9._:/-]{1,200}(\{(?:[A-Za-z0-9_.]{1,64}=[^,{}=]{0,256}(?:,[A-Za-z0-9_.]{1,64}=[^,{}=]{0,256})*)?\})?$/,
      'name is APP or APP{label=value,…} (APP: 1-200 characters of A-Z a-z 0-9 . _ : / -)',
    ),
  z.object({ app: z.string(), labels: z.record(z.string(), z.string()) }),
  {
    decode: (s) => {
      const brace = s.indexOf('{');
      if (brace < 0) return { app: s, labels: {} };
      const pairs = s.slice(brace + 1, -1).split(',').filter(Boolean).map((p) => p.split('=') as [string, string]);
      return { app: s.slice(0, brace), labels: Object.fromEntries(pairs.map(([k, v]) => [k, v.trim()])) };
    },
    encode: ({ app, labels }) => {
      const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
      return pairs.length > 0 ? `${app}{${pairs.join(',')}}` : app;
    },
  },
);

/** Unix seconds (Pyroscope's from and until), fractions allowed. */
const UnixSeconds = z.coerce.number().nonnegative().max(1e11);

/**
 * POST /api/ingest: Pyroscope's push API. One push is the stacks of the window [from, until]
 * (default: the 10 s before now), folded lines or a pprof (raw, or the `profile` field of a
 * multipart form). sampleRate, spyName, units and aggregationType, which Pyroscope's clients
 * send, are accepted and not used: the stacks' counts are kept as they come.
 */
export const IngestQuery = z.object({
  name: PyroscopeName,
  from: UnixSeconds.optional(),
  until: UnixSeconds.optional(),
  format: z.enum(['folded', 'pprof']).default('folded'),
  sampleRate: z.string().max(32).optional(),
  spyName: z.string().max(128).optional(),
  units: z.string().max(64).optional(),
  aggregationType: z.string().max(32).optional(),
});

/** What a push did: the capture and host it went to, the stacks its source now holds, and the span of every push. */
export const IngestAnswer = z.object({
  id: CaptureId,
  url: z.string(),
  node: NodeName,
  source: SourceName,
  stacks: z.number().int().nonnegative(),
  /** Lines of this push that were not `stack count` (dropped). */
  skipped: z.number().int().nonnegative(),
  startNs: z.number(),
  endNs: z.number(),
});

/** POST …/nodes/{node}/fetch {"url"}: the server downloads the capture. */
export const FetchBody = z
  .object({
    url: z
      .string()
      .max(4096)
      .url()
      .refine((u) => /^https?:\/\//i.test(u), 'only http and https URLs'),
    arch: z.enum(['x86_64', 'arm64', 'aarch64']).optional(),
    /** The source's name (default: named after the kind detected). */
    source: SourceName.optional(),
  })
  .strict();

/** POST …/fetch-later: the job that downloads the URL (its progress: the capture's live events). */
export const FetchJobAnswer = z.object({ job: z.string() });

export const CreateCaptureBody = z.object({ name: z.string().trim().max(200).optional() }).strict();

/** A token that lets its bearer write to one capture only (what the agent on each host carries). */
export const UploadToken = z.object({ id: z.string(), token: z.string(), expiresAt: z.string() });
export const CreateCaptureResponse = z.object({ id: CaptureId, url: z.string(), uploadToken: UploadToken });

/** An event of a source and its sample count; `derived`: made from other records (off-CPU time), not recorded. */
export const EventSummary = z.object({ name: z.string(), samples: z.number().int().nonnegative(), derived: z.boolean().optional() });

/**
 * What a source holds, as its parser detected it: CPU samples (`perf`: perf script of clock or
 * hardware events, `folded`; other profilers' `pprof` and `speedscope` files), tracepoints
 * (`perf-tracepoints`), tracefs text (`ftrace`, `trace-cmd`) or syscalls (`strace`). A source
 * uploaded without a name is named after its kind.
 */
export const SOURCE_KINDS = ['perf', 'perf-tracepoints', 'ftrace', 'trace-cmd', 'strace', 'folded', 'pprof', 'speedscope'] as const;
export const SourceKind = z.enum(SOURCE_KINDS);
export type SourceKind = z.infer<typeof SourceKind>;

export const SourceSummary = z.object({
  node: NodeName,
  name: SourceName,
  kind: SourceKind,
  format: z.string(),
  gzip: z.boolean(),
  bytes: z.number().int().nonnegative(),
  textBytes: z.number().int().nonnegative(),
  lines: z.number().int().nonnegative(),
  samples: z.number().int().nonnegative(),
  /** Syscall intervals, and CPU slices (who ran where, from context switches), decoded from the source. */
  syscalls: z.number().int().nonnegative(),
  slices: z.number().int().nonnegative(),
  /** Scheduler latencies (runnable → running) derived from switches and wakeups; absent in sources stored before them. */
  runq: z.number().int().nonnegative().optional(),
  events: z.array(EventSummary),
  /** First and last record in the source's own clock (ns): since boot (`boot`), Unix epoch (`epoch`), or none. */
  startNs: z.number(),
  endNs: z.number(),
  clock: z.enum(['boot', 'epoch', 'none']),
  hostname: z.string().nullable(),
  /** Wall-clock time the recording was made (perf's `captured on` header), when the source says. */
  capturedOn: z.string().nullable(),
  /** No time per sample (folded stacks, pprof, Pyroscope pushes): time views show the source as one span. */
  untimed: z.boolean().optional(),
  warnings: z.number().int().nonnegative(),
  /** The first warnings, each with its line number (bad lines are skipped, counted and reported). */
  warningDetails: z.array(z.object({ line: z.number().int(), message: z.string() })),
  uploadedAt: z.string(),
  version: z.string(),
});
export type SourceSummary = z.infer<typeof SourceSummary>;

/** A host of the capture and its sources (sorted by name). */
export const NodeSummary = z.object({
  name: NodeName,
  /** The hostname a source reported (perf's `# hostname`), when one did. */
  hostname: z.string().nullable(),
  sources: z.array(SourceSummary),
});
export type NodeSummary = z.infer<typeof NodeSummary>;

export const Capture = z.object({
  id: CaptureId,
  name: z.string(),
  createdAt: z.string(),
  nodes: z.array(NodeSummary),
});
export type Capture = z.infer<typeof Capture>;

/** An upload as it goes: bytes received so far while parsing runs along, then ready or failed with why. */
export const IngestState = z.object({
  id: z.string(),
  node: NodeName,
  /** The source's name: known from the start when the upload names it, else once parsed. */
  source: SourceName.nullable(),
  state: z.enum(['receiving', 'parsing', 'ready', 'failed']),
  bytes: z.number().nonnegative(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type IngestState = z.infer<typeof IngestState>;

/** One server-sent event of GET /api/captures/{id}/events. */
export const LiveEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ingest'), ingest: IngestState }),
  z.object({ type: z.literal('changed') }),
  z.object({ type: z.literal('snapshot'), ingests: z.array(IngestState) }),
]);
export type LiveEvent = z.infer<typeof LiveEvent>;

export const TokenList = z.object({
  tokens: z.array(z.object({ id: z.string(), createdAt: z.string(), expiresAt: z.string(), revoked: z.boolean() })),
});
export const TokenParams = z.object({ id: CaptureId, token: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
export const NewTokenBody = z.object({ days: z.number().positive().max(3650).optional() }).strict();

export const RenameCaptureBody = z.object({ name: z.string().trim().min(1).max(200) }).strict();

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Only these captures (the ones a browser created or opened): open to anyone who has their ids. */
  ids: z
    .codec(z.string().max(200 * 23), z.array(CaptureId).max(200), { decode: (s) => (s ? s.split(',') : []), encode: (ids) => ids.join(',') })
    .optional(),
});

export const CaptureList = z.object({
  captures: z.array(
    z.object({ id: CaptureId, name: z.string(), createdAt: z.string(), nodeCount: z.number().int(), sourceCount: z.number().int(), samples: z.number().int() }),
  ),
});
export type CaptureList = z.infer<typeof CaptureList>;

/**
 * Query flags are present with value `1` (as in `?kernel=1`), like stackcollapse-perf.pl's
 * switches. Query fields that are not plain strings or numbers are codecs: the server decodes
 * them, the client's URL builder encodes them (lib/api/endpoints.ts), one definition for both.
 */
const Flag = z.codec(z.enum(['1', '0', 'true', 'false']).optional(), z.boolean().optional(), {
  decode: (v) => v === '1' || v === 'true',
  encode: (b) => (b ? '1' : undefined),
});

const Ns = z.coerce.number().finite().nonnegative();

const CellFields = z
  .object({ colNs: z.number(), rowNs: z.number(), c0: z.number().int(), c1: z.number().int(), r0: z.number().int(), r1: z.number().int() })
  .refine((c) => c.colNs > 0 && c.rowNs > 0 && c.rowNs <= c.colNs, 'sel needs 0 < rowNs <= colNs');

/** A subsecond-heatmap selection: `colNs,rowNs,c0,c1,r0,r1` (columns and rows inclusive). */
export const CellSelection = z.codec(z.string().regex(/^\d+(\.\d+)?,\d+(\.\d+)?,\d+,\d+,\d+,\d+$/, 'sel is colNs,rowNs,c0,c1,r0,r1'), CellFields, {
  decode: (s) => {
    const [colNs, rowNs, c0, c1, r0, r1] = s.split(',').map(Number) as [number, number, number, number, number, number];
    return { colNs, rowNs, c0: Math.min(c0, c1), c1: Math.max(c0, c1), r0: Math.min(r0, r1), r1: Math.max(r0, r1) };
  },
  encode: (c) => [c.colNs, c.rowNs, c.c0, c.c1, c.r0, c.r1].join(','),
});
export type CellSelection = z.infer<typeof CellSelection>;

/** Which source of the host to read (default: the host's source for the view, e.g. its CPU profile for stacks). */
const SourceField = { source: SourceName.optional() };

/** One transform of a flame graph (lib/util/transforms.ts). */
export const TransformSpec: z.ZodType<Transform> = z.union([
  z.object({ op: z.enum(['focus', 'drop', 'excl', 'mod']), arg: z.string().min(1).max(1024) }),
  z.object({ op: z.literal('rec'), arg: z.string().min(1).max(1024).optional() }),
  z.object({ op: z.literal('unk') }),
  z.object({ op: z.literal('hide'), pct: z.number().gt(0).max(50) }),
]);
export { TRANSFORM_OPS };

/** `tf`: transforms applied in order, one `op:arg` per line (`focus:main`, `drop:/^cpuidle/`, `hide:0.5`). */
export const Transforms = z.codec(z.string().max(16 * 1024), z.array(TransformSpec).max(MAX_TRANSFORMS), {
  decode: (text, ctx) => {
    try {
      return parseTransforms(text);
    } catch (err) {
      ctx.issues.push({ code: 'custom', message: (err as Error).message, input: text });
      return [];
    }
  },
  encode: (list) => formatTransforms(list as Transform[]),
});

export const StackQuery = z.object({
  ...SourceField,
  pid: Flag,
  tid: Flag,
  kernel: Flag,
  jit: Flag,
  all: Flag,
  addrs: Flag,
  /** Event name; absent means stackcollapse-perf.pl's default (the first event). */
  event: z.string().min(1).max(256).optional(),
  fromNs: Ns.optional(),
  toNs: Ns.optional(),
  sel: CellSelection.optional(),
  tf: Transforms.optional(),
});
export type StackQuery = z.infer<typeof StackQuery>;

/** What GET …/export writes: folded stacks, pprof (gzip), speedscope's JSON, or a flame graph SVG. */
export const ExportFormat = z.enum(['folded', 'pprof', 'speedscope', 'svg']);
export type ExportFormat = z.infer<typeof ExportFormat>;
export const ExportQuery = StackQuery.extend({ format: ExportFormat.default('folded') });
export type ExportQuery = z.infer<typeof ExportQuery>;

/** A flame graph frame path: names root first, joined with ';' (names never contain ';'). */
export const FramePath = z.codec(z.string().max(64 * 1024), z.array(z.string()), {
  decode: (s) => (s.length === 0 ? [] : s.split(';')),
  encode: (path) => path.join(';'),
});

/** Level of detail of any flame tree: the focused frame, the node budget, the floor, the search. */
export const LodQuery = z.object({
  /** Frame path expanded at full detail (a zoom). */
  focus: FramePath.optional(),
  /** Substring (any case), or `/regex/` (RE2 syntax, `/regex/i` for any case). */
  search: z
    .string()
    .max(500)
    .refine((s) => compileSearch(s).error === null, { error: (issue) => compileSearch(String(issue.input)).error ?? 'invalid search' })
    .optional(),
  maxNodes: z.coerce.number().int().min(100).max(50_000).optional(),
  /** Frames narrower than this share of the focused frame are folded (1/width in pixels; default 1/20000). */
  minShare: z.coerce.number().gt(0).max(0.1).optional(),
});

export const FlameQuery = StackQuery.extend(LodQuery.shape);
export type FlameQuery = z.infer<typeof FlameQuery>;

/** One side of a function's sandwich: its callers (from it up to the stack roots) or its callees. */
export const SandwichQuery = FlameQuery.extend({
  fn: z.string().min(1).max(4096),
  side: z.enum(['callers', 'callees']),
});
export type SandwichQuery = z.infer<typeof SandwichQuery>;

export const NODE_KINDS = ['root', 'process', 'user', 'kernel', 'jit', 'inlined', 'other'] as const;
export const NodeKind = z.enum(NODE_KINDS);

/**
 * A flame graph node with short keys (d3-flame-graph reads `n`, `v`, `c`, `l` natively):
 * n name, v total value (summed periods, as the folded export counts), s self value,
 * k samples, l kind, c children, m search match (set on aggregate nodes that hide a match),
 * x number of frames folded into an aggregate node. Produced by lib/profile/flame-views.
 */
export type { FlameNode };

/** A tree root, validated shallowly: trees can be deep, and zod's recursive schemas overflow the stack near 900 levels. */
const treeRoot = <N extends { n: string; v: number }>() =>
  z.custom<N>((v) => typeof v === 'object' && v !== null && typeof (v as N).n === 'string' && typeof (v as N).v === 'number', 'not a flame tree');

/** What every level-of-detail answer says about its detail. */
const LodFields = {
  /** The focused frame path that was expanded at full detail ([] when none or not found). */
  focus: z.array(z.string()),
  focusFound: z.boolean(),
  /** Whether some frames were folded into aggregate nodes. */
  truncated: z.boolean(),
  search: z.object({ term: z.string(), matched: z.number(), total: z.number() }).nullable(),
};

export const ValueUnit = z.enum(['ns', 'events', 'samples']);

export const FlameTree = z.object({
  root: treeRoot<FlameNode>(),
  total: z.number(),
  ...LodFields,
  nodes: z.number().int(),
  /** What `v` counts: `ns` (clock events' periods, durations), `events` (other periods) or `samples`. */
  unit: ValueUnit,
});
export type FlameTree = z.infer<typeof FlameTree>;

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    file: z.string().optional(),
    line: z.number().int().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const RangeQuery = z.object({ ...SourceField, fromNs: Ns.optional(), toNs: Ns.optional() });

/** Why a task waited to run: preempted (switched out runnable), or woken (wakeup, waking, wakeup_new). */
export const RunqCauseName = z.enum(['preempted', 'wakeup', 'waking', 'wakeup_new']);
export type RunqCauseName = z.infer<typeof RunqCauseName>;

/** A process name (comm) filter: only the syscalls of threads so named. */
const Comm = z.string().min(1).max(256);

export const SyscallQuery = RangeQuery.extend({ comm: Comm.optional() });

export const SyscallRow = z.object({
  name: z.string(),
  calls: z.number().int(),
  errors: z.number().int(),
  totalSeconds: z.number(),
  maxSeconds: z.number(),
  /** Calls already running when the capture started (a return without its entry): not in `calls`; their time seen is a lower bound. */
  inFlight: z.number().int(),
  inFlightSeconds: z.number(),
});
export const SyscallRows = z.array(SyscallRow);
export type SyscallRow = z.infer<typeof SyscallRow>;

export const TimelineQuery = RangeQuery.extend({ buckets: z.coerce.number().int().min(1).max(5000).optional() });

export const Timeline = z.object({
  fromNs: z.number(),
  toNs: z.number(),
  bucketNs: z.number(),
  buckets: z.number().int(),
  series: z.array(z.object({ event: z.string(), total: z.number(), counts: z.array(z.number()) })),
  syscalls: z.object({ calls: z.array(z.number()), errors: z.array(z.number()), timeNs: z.array(z.number()) }).nullable(),
  /** Per CPU and bucket: share busy (a task other than idle), share the capture cannot tell, and the task that ran longest. */
  cpus: z.array(z.object({ cpu: z.number().int(), busy: z.array(z.number()), unknown: z.array(z.number()), top: z.array(z.string().nullable()) })),
  /** CPUs past the lane budget, drawn as the last lane (cpu -1: their mean busy share); 0 when none. */
  groupedCpus: z.number().int().nonnegative(),
});
export type Timeline = z.infer<typeof Timeline>;

export const HeatmapQuery = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('subsecond'), node: NodeName, ...SourceField, event: z.string().min(1).max(256).optional(), rows: z.coerce.number().int().min(2).max(200).optional() }),
  z.object({
    kind: z.literal('syscalls'),
    /** Without a node: the cluster (node × syscall, each host's syscall source); with one: syscall × time for that node. */
    node: NodeName.optional(),
    ...SourceField,
    metric: z.enum(['calls', 'errors', 'time']).optional(),
    buckets: z.coerce.number().int().min(1).max(2000).optional(),
    fromNs: Ns.optional(),
    toNs: Ns.optional(),
  }),
  z.object({ kind: z.literal('latency'), node: NodeName, ...SourceField, syscall: z.string().min(1).max(64), buckets: z.coerce.number().int().min(1).max(2000).optional(), fromNs: Ns.optional(), toNs: Ns.optional() }),
  /** Scheduler latency (runnable → running) over time, of one cause or process name. */
  z.object({ kind: z.literal('runq'), node: NodeName, ...SourceField, cause: RunqCauseName.optional(), comm: Comm.optional(), buckets: z.coerce.number().int().min(1).max(2000).optional(), fromNs: Ns.optional(), toNs: Ns.optional() }),
]);

export const SubsecondHeatmap = z.object({
  kind: z.literal('subsecond'),
  node: z.string(),
  colNs: z.number(),
  rowNs: z.number(),
  cols: z.number().int(),
  rows: z.number().int(),
  counts: z.array(z.number()),
  max: z.number(),
  total: z.number(),
});
export type SubsecondHeatmap = z.infer<typeof SubsecondHeatmap>;

export const ClusterSyscallHeatmap = z.object({
  kind: z.literal('syscalls'),
  scope: z.literal('cluster'),
  nodes: z.array(z.string()),
  syscalls: z.array(z.string()),
  /** cells[node][syscall] */
  cells: z.array(z.array(z.object({ calls: z.number(), errors: z.number(), totalSeconds: z.number() }))),
  /** Syscalls left out past the column budget (the least busy). */
  more: z.number().int().nonnegative(),
});
export type ClusterSyscallHeatmap = z.infer<typeof ClusterSyscallHeatmap>;

/** Equal time buckets from `fromNs` (ns since the node's first record). */
const TimeBuckets = { fromNs: z.number(), bucketNs: z.number(), buckets: z.number().int() };

export const NodeSyscallHeatmap = z.object({
  kind: z.literal('syscalls'),
  scope: z.literal('node'),
  node: z.string(),
  ...TimeBuckets,
  metric: z.enum(['calls', 'errors', 'time']),
  rows: z.array(z.object({ name: z.string(), total: z.number(), values: z.array(z.number()) })),
});
export type NodeSyscallHeatmap = z.infer<typeof NodeSyscallHeatmap>;

export const LatencyHeatmap = z.object({
  kind: z.literal('latency'),
  node: z.string(),
  syscall: z.string(),
  ...TimeBuckets,
  latencyBuckets: z.number().int(),
  counts: z.array(z.number()),
  max: z.number(),
  calls: z.number(),
});
export type LatencyHeatmap = z.infer<typeof LatencyHeatmap>;

export const RunqHeatmap = z.object({
  kind: z.literal('runq'),
  node: z.string(),
  ...TimeBuckets,
  latencyBuckets: z.number().int(),
  counts: z.array(z.number()),
  max: z.number(),
  /** Latencies counted. */
  calls: z.number(),
});
export type RunqHeatmap = z.infer<typeof RunqHeatmap>;

const NsOrNull = z.number().nullable();
const LatencyStats = { count: z.number().int(), p50Ns: NsOrNull, p90Ns: NsOrNull, p99Ns: NsOrNull, maxNs: NsOrNull, totalNs: z.number() };

export const HostLatency = z.object({
  ...LatencyStats,
  causes: z.object({ preempted: z.number().int(), wakeup: z.number().int(), waking: z.number().int(), wakeup_new: z.number().int() }),
  /** Of `count`: latencies that end at the task's first record (its switch in was not traced), an upper bound. */
  inferred: z.number().int(),
  /** Whether the source recorded wakeups; without them only preempted tasks' waits are measured. */
  hasWakeups: z.boolean(),
});
export type HostLatency = z.infer<typeof HostLatency>;

export const TaskLatency = z.object({ ...LatencyStats, task: z.string(), comm: z.string(), tid: z.number().int(), inferred: z.number().int() });
export type TaskLatency = z.infer<typeof TaskLatency>;

export const SchedQuery = RangeQuery.extend({ cause: RunqCauseName.optional() });

export const NodeSchedLatency = z.object({
  node: z.string(),
  /** The source read (a host's scheduler source: trace-cmd or ftrace before perf tracepoints). */
  source: z.string(),
  host: HostLatency,
  tasks: z.array(TaskLatency),
  /** Tasks left out past the row budget (the lowest p99). */
  more: z.number().int().nonnegative(),
});
export type NodeSchedLatency = z.infer<typeof NodeSchedLatency>;

export const ClusterSchedLatency = z.object({
  nodes: z.array(z.object({ node: z.string(), source: z.string().nullable(), latency: HostLatency.nullable() })),
});
export type ClusterSchedLatency = z.infer<typeof ClusterSchedLatency>;

export const ThreadQuery = RangeQuery.extend({ tid: z.coerce.number().int().min(1).max(2 ** 31 - 1).optional() });

const ThreadSummary = z.object({ tid: z.number().int(), comm: z.string(), onCpuNs: z.number(), offCpuNs: z.number(), syscallNs: z.number(), records: z.number().int() });

export const ThreadView = z.object({
  node: z.string(),
  source: z.string(),
  /** The threads of the source, most time accounted first (for choosing). */
  threads: z.array(ThreadSummary),
  more: z.number().int().nonnegative(),
  /** The chosen thread's lanes; null when none is chosen or the source has no such thread. */
  thread: z
    .object({
      tid: z.number().int(),
      comm: z.string(),
      fromNs: z.number(),
      toNs: z.number(),
      totals: z.object({ onCpuNs: z.number(), offCpuNs: z.record(z.string(), z.number()), syscallNs: z.number(), syscalls: z.number().int() }),
      onCpu: z.array(z.object({ startNs: z.number(), endNs: z.number(), cpu: z.number().int() })),
      offCpu: z.array(z.object({ startNs: z.number(), endNs: z.number(), state: z.string(), inferred: z.boolean() })),
      syscalls: z.array(z.object({ startNs: z.number(), endNs: z.number().nullable(), name: z.string(), ret: z.number().nullable(), errno: z.string(), inFlight: z.boolean() })),
      records: z.array(z.number()),
      /** More intervals than one answer holds: narrow the range. */
      truncated: z.boolean(),
    })
    .nullable(),
});
export type ThreadView = z.infer<typeof ThreadView>;

/** Comparisons read the same kind of source on every host (default: the kind most hosts have, CPU profiles first). */
export const CompareQuery = StackQuery.pick({ event: true, fromNs: true, toNs: true, pid: true, tid: true, kernel: true, jit: true, all: true, addrs: true, tf: true }).extend({
  kind: SourceKind.optional(),
  /** Absolute mode (diff, ranking): values, not shares of each side's own total. */
  abs: Flag,
});
/** GET …/nodes/{node}/flamechart: the time-ordered flame chart of one thread (or all), in a time range. */
export const FlameChartQuery = StackQuery.omit({ sel: true, tf: true }).extend({
  /** A thread id, or `all` for every thread interleaved; absent: the busiest thread. */
  thread: z.union([z.literal('all'), z.coerce.number().int().min(0).max(2 ** 31 - 1)]).optional(),
  /** Pixels the chart is drawn on: cells narrower than one are left out. */
  width: z.coerce.number().int().min(100).max(10_000).optional(),
});
export type FlameChartQuery = z.infer<typeof FlameChartQuery>;

export const FlameChartAnswer = z.object({
  unit: z.enum(['ns', 'events', 'samples']),
  /** The thread shown (null: all threads). */
  tid: z.number().int().nullable(),
  fromNs: z.number(),
  toNs: z.number(),
  samples: z.number().int(),
  names: z.array(z.string()),
  depth: z.array(z.number().int()),
  name: z.array(z.number().int()),
  kind: z.array(NodeKind),
  start: z.array(z.number()),
  end: z.array(z.number()),
  hidden: z.number().int(),
  truncated: z.boolean(),
  threads: z.array(z.object({ tid: z.number().int(), pid: z.number().int(), comm: z.string(), samples: z.number().int() })),
});
export type FlameChartAnswer = z.infer<typeof FlameChartAnswer>;

/** The merged cluster's sandwich: every host of the kind summed. */
export const ClusterSandwichQuery = CompareQuery.extend({ fn: SandwichQuery.shape.fn, side: SandwichQuery.shape.side, ...LodQuery.shape });

/** Rows of a functions table at most (the heaviest by self weight). */
export const MAX_FUNCTION_ROWS = 2000;

export const FunctionRow = z.object({
  name: z.string(),
  self: z.number(),
  total: z.number(),
  selfSamples: z.number(),
  totalSamples: z.number(),
});
export type FunctionRow = z.infer<typeof FunctionRow>;

/** GET …/nodes/{node}/functions: the top functions of a node's flame graph. */
export const FunctionTable = z.object({
  unit: z.enum(['ns', 'events', 'samples']),
  total: z.number(),
  totalSamples: z.number(),
  rows: z.array(FunctionRow),
  /** Rows left out past MAX_FUNCTION_ROWS (the lightest by self). */
  more: z.number().int(),
});
export type FunctionTable = z.infer<typeof FunctionTable>;

/** GET /api/captures/{id}/functions: the merged cluster's, with each function's self share per host. */
export const ClusterFunctionTable = FunctionTable.extend({
  kind: SourceKind,
  nodes: z.array(NodeName),
  missing: z.array(NodeName),
  /** Per row, per host (in `nodes` order): the function's self weight as a share of that host's total. */
  shares: z.array(z.array(z.number())),
});
export type ClusterFunctionTable = z.infer<typeof ClusterFunctionTable>;

export const DiffQuery = CompareQuery.extend({
  a: NodeName,
  /** Another node, or `cluster` for all other nodes (their shares averaged). */
  b: z.union([z.literal('cluster'), NodeName]),
  shape: z.enum(['a', 'b']).optional(),
  ...LodQuery.shape,
});

export const MergedQuery = CompareQuery.extend({ merge: z.literal('all'), ...LodQuery.shape });

export type { DiffNode, MergedNode };

const ShareRow = z.object({ name: z.string(), sa: z.number(), sb: z.number(), delta: z.number() });
/** What a comparison compared: a kind of source, and the hosts that have none (left out, never scored against another kind). */
const Compared = { kind: SourceKind, missing: z.array(z.string()) };
/** A comparison that scores hosts against each other (differential, ranking). */
const Scored = {
  ...Compared,
  /** Shares of each side's total (default), or absolute values. */
  absolute: z.boolean(),
  /** What makes the hosts hard to compare: different events, sample rates, durations, sample counts (lib/profile/comparability.ts). */
  warnings: z.array(z.object({ code: z.enum(['events', 'rate', 'duration', 'samples', 'few']), message: z.string() })),
};

export const DiffTree = z.object({
  a: z.string(),
  b: z.string(),
  shape: z.enum(['a', 'b']),
  ...Scored,
  root: treeRoot<DiffNode>(),
  totalA: z.number(),
  totalB: z.number(),
  nodes: z.number().int(),
  truncated: z.boolean(),
  topSelf: z.array(ShareRow),
  topTotal: z.array(ShareRow),
  focus: LodFields.focus,
  focusFound: LodFields.focusFound,
  search: LodFields.search,
});
export type DiffTree = z.infer<typeof DiffTree>;

export const Ranking = z.object({
  ...Scored,
  ranking: z.array(
    z.object({
      node: z.string(),
      score: z.number(),
      selfJs: z.number(),
      totalJs: z.number(),
      topFrames: z.array(z.object({ name: z.string(), deltaShare: z.number(), contribution: z.number() })),
    }),
  ),
});
export type Ranking = z.infer<typeof Ranking>;

export const MergedFlame = z.object({
  ...Compared,
  nodes: z.array(z.string()),
  root: treeRoot<MergedNode>(),
  total: z.number(),
  truncated: z.boolean(),
  focus: LodFields.focus,
  focusFound: LodFields.focusFound,
  search: LodFields.search,
});
export type MergedFlame = z.infer<typeof MergedFlame>;
