/**
 * The one contract between server, browser and curl users: every request part and response
 * body is described here and validated on both sides.
 */
import { z } from 'zod';
import type { DiffNode, FlameNode, MergedNode } from '../profile/flame-views';

export const NODE_NAME_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
export const NodeName = z.string().regex(NODE_NAME_PATTERN, 'node names are 1-128 characters of A-Z a-z 0-9 . _ -');
/** 128 random bits, base64url. */
export const CaptureId = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not a capture id');

export const CaptureParams = z.object({ id: CaptureId });
export const NodeParams = z.object({ id: CaptureId, node: NodeName });

/** PUT …/nodes/{node}?arch=arm64: how to name raw syscall numbers when the capture does not say. */
export const UploadQuery = z.object({ arch: z.enum(['x86_64', 'arm64', 'aarch64']).optional() });

/** POST …/nodes/{node}/fetch {"url"}: the server downloads the capture. */
export const FetchBody = z
  .object({
    url: z
      .string()
      .max(4096)
      .url()
      .refine((u) => /^https?:\/\//i.test(u), 'only http and https URLs'),
    arch: z.enum(['x86_64', 'arm64', 'aarch64']).optional(),
  })
  .strict();

export const CreateCaptureBody = z.object({ name: z.string().trim().max(200).optional() }).strict();
export const CreateCaptureResponse = z.object({ id: CaptureId, url: z.string() });

export const EventSummary = z.object({ name: z.string(), samples: z.number().int().nonnegative() });

export const NodeSummary = z.object({
  name: NodeName,
  format: z.string(),
  gzip: z.boolean(),
  bytes: z.number().int().nonnegative(),
  textBytes: z.number().int().nonnegative(),
  lines: z.number().int().nonnegative(),
  samples: z.number().int().nonnegative(),
  events: z.array(EventSummary),
  startNs: z.number(),
  endNs: z.number(),
  clock: z.enum(['boot', 'epoch', 'none']),
  hostname: z.string().nullable(),
  warnings: z.number().int().nonnegative(),
  /** The first warnings, each with its line number (bad lines are skipped, counted and reported). */
  warningDetails: z.array(z.object({ line: z.number().int(), message: z.string() })),
  uploadedAt: z.string(),
  version: z.string(),
});
export type NodeSummary = z.infer<typeof NodeSummary>;

export const Capture = z.object({
  id: CaptureId,
  name: z.string(),
  createdAt: z.string(),
  nodes: z.array(NodeSummary),
});
export type Capture = z.infer<typeof Capture>;

export const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export const CaptureList = z.object({
  captures: z.array(
    z.object({ id: CaptureId, name: z.string(), createdAt: z.string(), nodeCount: z.number().int(), samples: z.number().int() }),
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

export const StackQuery = z.object({
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
});
export type StackQuery = z.infer<typeof StackQuery>;

/** A flame graph frame path: names root first, joined with ';' (names never contain ';'). */
export const FramePath = z.codec(z.string().max(64 * 1024), z.array(z.string()), {
  decode: (s) => (s.length === 0 ? [] : s.split(';')),
  encode: (path) => path.join(';'),
});

/** Level of detail of any flame tree: the focused frame, the node budget, the floor, the search. */
export const LodQuery = z.object({
  /** Frame path expanded at full detail (a zoom). */
  focus: FramePath.optional(),
  search: z.string().max(500).optional(),
  maxNodes: z.coerce.number().int().min(100).max(50_000).optional(),
  /** Frames narrower than this share of the focused frame are folded (1/width in pixels; default 1/20000). */
  minShare: z.coerce.number().gt(0).max(0.1).optional(),
});

export const FlameQuery = StackQuery.extend(LodQuery.shape);
export type FlameQuery = z.infer<typeof FlameQuery>;

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

export const RangeQuery = z.object({ fromNs: Ns.optional(), toNs: Ns.optional() });

export const SyscallRow = z.object({
  name: z.string(),
  calls: z.number().int(),
  errors: z.number().int(),
  totalSeconds: z.number(),
  maxSeconds: z.number(),
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
  cpus: z.array(z.object({ cpu: z.number().int(), busy: z.array(z.number()), top: z.array(z.string().nullable()) })),
});
export type Timeline = z.infer<typeof Timeline>;

export const HeatmapQuery = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('subsecond'), node: NodeName, event: z.string().min(1).max(256).optional(), rows: z.coerce.number().int().min(2).max(200).optional() }),
  z.object({
    kind: z.literal('syscalls'),
    /** Without a node: the cluster (node × syscall); with one: syscall × time for that node. */
    node: NodeName.optional(),
    metric: z.enum(['calls', 'errors', 'time']).optional(),
    buckets: z.coerce.number().int().min(1).max(2000).optional(),
    fromNs: Ns.optional(),
    toNs: Ns.optional(),
  }),
  z.object({ kind: z.literal('latency'), node: NodeName, syscall: z.string().min(1).max(64), buckets: z.coerce.number().int().min(1).max(2000).optional(), fromNs: Ns.optional(), toNs: Ns.optional() }),
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

export const CompareQuery = StackQuery.pick({ event: true, fromNs: true, toNs: true, pid: true, tid: true, kernel: true, jit: true, all: true, addrs: true });

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
export const DiffTree = z.object({
  a: z.string(),
  b: z.string(),
  shape: z.enum(['a', 'b']),
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

export const Ranking = z.array(
  z.object({
    node: z.string(),
    score: z.number(),
    selfJs: z.number(),
    totalJs: z.number(),
    topFrames: z.array(z.object({ name: z.string(), deltaShare: z.number(), contribution: z.number() })),
  }),
);
export type Ranking = z.infer<typeof Ranking>;

export const MergedFlame = z.object({
  nodes: z.array(z.string()),
  root: treeRoot<MergedNode>(),
  total: z.number(),
  truncated: z.boolean(),
  focus: LodFields.focus,
  focusFound: LodFields.focusFound,
  search: LodFields.search,
});
export type MergedFlame = z.infer<typeof MergedFlame>;
