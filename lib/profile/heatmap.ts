import { cellOf } from '../util/cells';
import { LATENCY_BUCKETS, latencyBucket } from '../util/latency';
import { lowerBound } from '../util/search';
import { forEachSample, type SampleFilter } from './select';
import type { SyscallRow } from './syscalls';
import { SyscallFlag, type Profile } from './types';

const MS = 1e6;
const S = 1e9;
const NICE_NS = [1, 2, 5, 10, 20, 50, 100, 200, 500].map((m) => m * MS).concat([1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => s * S));

/**
 * Column width of a subsecond heatmap for a capture of `durationNs`: one second (FlameScope's
 * choice) from 10 s to 10 min; wider columns for longer captures (at most ~600 columns), and
 * narrower ones for short captures (at least ~10 columns).
 */
export function heatmapColumnNs(durationNs: number): number {
  // Past 600 hours the columns are whole seconds of what it takes to stay at ~600 of them.
  if (durationNs >= 10 * S) return NICE_NS.find((n) => n >= Math.max(S, durationNs / 600)) ?? Math.ceil(durationNs / 600 / S) * S;
  const want = Math.max(MS, durationNs / 10);
  let pick = MS;
  for (const n of NICE_NS) if (n <= want) pick = n;
  return pick;
}

/** Most columns of a subsecond heatmap (× at most 200 rows). */
export const MAX_COLUMNS = 1000;

export interface SubsecondHeatmap {
  colNs: number;
  rowNs: number;
  cols: number;
  rows: number;
  /** counts[col * rows + row]: samples whose time falls in that column, at that offset. */
  counts: number[];
  max: number;
  total: number;
}

/**
 * FlameScope's subsecond-offset heatmap: columns are successive time windows (seconds), rows
 * are offsets inside a window, colour is the number of samples. Samples are those the flame
 * graph would use (same event filter).
 */
export function subsecondHeatmap(profile: Profile, opts: { event?: string; rows?: number; colNs?: number } = {}): SubsecondHeatmap {
  const rows = Math.max(2, Math.min(200, Math.floor(opts.rows ?? 50)));
  // Columns from the resolution, never from the span a capture claims: at most MAX_COLUMNS.
  const colNs = Math.max(opts.colNs ?? 0, heatmapColumnNs(profile.meta.durationNs), profile.meta.durationNs / (MAX_COLUMNS - 1));
  const rowNs = colNs / rows;
  const cols = Math.max(1, Math.floor(profile.meta.durationNs / colNs) + 1);
  const counts = new Array<number>(cols * rows).fill(0);
  let total = 0;
  forEachSample(profile, { event: opts.event }, (i) => {
    const { col, row } = cellOf(profile.samples.timeNs[i] as number, colNs, rowNs, rows);
    const k = col * rows + row;
    counts[k] = (counts[k] as number) + 1;
    total++;
  });
  return { colNs, rowNs, cols, rows, counts, max: counts.reduce((a, b) => Math.max(a, b), 0), total };
}

export interface SyscallTimeHeatmap {
  fromNs: number;
  bucketNs: number;
  buckets: number;
  metric: 'calls' | 'errors' | 'time';
  /** One row per syscall (most calls first), values per time bucket (time in ns). */
  rows: { name: string; total: number; values: number[] }[];
}

/** Syscall × time: calls, errors or time in the call per bucket, for the busiest syscalls. */
export function syscallTimeHeatmap(
  profile: Profile,
  opts: { fromNs?: number; toNs?: number; buckets?: number; metric?: 'calls' | 'errors' | 'time'; top?: number } = {},
): SyscallTimeHeatmap {
  const sc = profile.syscalls;
  const from = opts.fromNs ?? 0;
  const to = Math.max(from + 1, opts.toNs ?? profile.meta.durationNs + 1);
  const buckets = Math.max(1, Math.min(2000, Math.floor(opts.buckets ?? 100)));
  const width = (to - from) / buckets;
  const metric = opts.metric ?? 'calls';
  const byName = new Map<number, { total: number; values: number[] }>();
  for (let i = lowerBound(sc.startNs, from), end = lowerBound(sc.startNs, to); i < end; i++) {
    const flags = sc.flags[i] as number;
    if (flags & (SyscallFlag.Unfinished | SyscallFlag.InFlight)) continue;
    const d = sc.durationNs[i] as number;
    const v = metric === 'calls' ? 1 : metric === 'errors' ? (flags & SyscallFlag.Error ? 1 : 0) : Number.isNaN(d) ? 0 : d;
    const key = sc.name[i] as number;
    let row = byName.get(key);
    if (!row) byName.set(key, (row = { total: 0, values: new Array<number>(buckets).fill(0) }));
    const b = Math.min(buckets - 1, Math.floor(((sc.startNs[i] as number) - from) / width));
    row.values[b] = (row.values[b] as number) + v;
    row.total += v;
  }
  const rows = [...byName.entries()]
    .map(([k, r]) => ({ name: profile.strings[k] as string, ...r }))
    .sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : 1))
    .slice(0, opts.top ?? 30);
  return { fromNs: from, bucketNs: width, buckets, metric, rows };
}


export interface LatencyHeatmap {
  fromNs: number;
  bucketNs: number;
  buckets: number;
  latencyBuckets: number;
  /** counts[timeBucket * latencyBuckets + latencyBucket] */
  counts: number[];
  max: number;
  /** Intervals counted. */
  calls: number;
}

interface IntervalHeatmapOptions {
  fromNs?: number;
  toNs?: number;
  buckets?: number;
}

/**
 * Time × log-latency counts of intervals (start sorted ascending) whose start is in range and
 * that `keep` accepts.
 */
function intervalHeatmap(start: Float64Array, duration: Float64Array, keep: (i: number) => boolean, durationNs: number, opts: IntervalHeatmapOptions): LatencyHeatmap {
  const from = opts.fromNs ?? 0;
  const to = Math.max(from + 1, opts.toNs ?? durationNs + 1);
  const buckets = Math.max(1, Math.min(2000, Math.floor(opts.buckets ?? 100)));
  const width = (to - from) / buckets;
  const counts = new Array<number>(buckets * LATENCY_BUCKETS).fill(0);
  let calls = 0;
  for (let i = lowerBound(start, from), end = lowerBound(start, to); i < end; i++) {
    const d = duration[i] as number;
    if (Number.isNaN(d) || !keep(i)) continue;
    const b = Math.min(buckets - 1, Math.floor(((start[i] as number) - from) / width));
    const k = b * LATENCY_BUCKETS + latencyBucket(d);
    counts[k] = (counts[k] as number) + 1;
    calls++;
  }
  return { fromNs: from, bucketNs: width, buckets, latencyBuckets: LATENCY_BUCKETS, counts, max: counts.reduce((a, b) => Math.max(a, b), 0), calls };
}

/** One syscall's latency distribution over time (log-scale latency rows); calls in flight at the start are left out. */
export function latencyHeatmap(profile: Profile, syscall: string, opts: IntervalHeatmapOptions = {}): LatencyHeatmap & { syscall: string } {
  const sc = profile.syscalls;
  const name = profile.strings.indexOf(syscall);
  const keep = (i: number) => name > 0 && (sc.name[i] as number) === name && ((sc.flags[i] as number) & SyscallFlag.InFlight) === 0;
  return { syscall, ...intervalHeatmap(sc.startNs, sc.durationNs, keep, profile.meta.durationNs, opts) };
}

/** Scheduler latency over time (runnable → running), optionally of one cause or one process name. */
export function runqHeatmap(profile: Profile, opts: IntervalHeatmapOptions & { cause?: number; comm?: string } = {}): LatencyHeatmap {
  const rq = profile.runq;
  const comm = opts.comm === undefined ? -1 : profile.strings.indexOf(opts.comm);
  const keep = (i: number) =>
    (opts.cause === undefined || (rq.cause[i] as number) === opts.cause) && (opts.comm === undefined || (comm >= 0 && (profile.threads.comm[rq.thread[i] as number] as number) === comm));
  return intervalHeatmap(rq.readyNs, rq.latencyNs, keep, profile.meta.durationNs, opts);
}

export type { SampleFilter };

/** Most syscall columns of the cluster matrix (the busiest by the metric); the rest are counted in `more`. */
export const MAX_MATRIX_SYSCALLS = 300;

export interface SyscallMatrix {
  syscalls: string[];
  /** Syscalls left out past the column budget. */
  more: number;
  /** cells[node][syscall] */
  cells: { calls: number; errors: number; totalSeconds: number }[][];
}

/** Node × syscall: every node's syscall summary on one set of columns, busiest first by `metric`. */
export function syscallMatrix(perNode: readonly SyscallRow[][], metric: 'calls' | 'errors' | 'time' = 'calls', maxSyscalls = MAX_MATRIX_SYSCALLS): SyscallMatrix {
  const totals = new Map<string, number>();
  for (const rows of perNode) for (const r of rows) totals.set(r.name, (totals.get(r.name) ?? 0) + (metric === 'time' ? r.totalSeconds : metric === 'errors' ? r.errors : r.calls));
  const ordered = [...totals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name]) => name);
  const syscalls = ordered.slice(0, maxSyscalls);
  const cells = perNode.map((rows) => {
    const byName = new Map(rows.map((r) => [r.name, r]));
    return syscalls.map((name) => {
      const r = byName.get(name);
      return { calls: r?.calls ?? 0, errors: r?.errors ?? 0, totalSeconds: r?.totalSeconds ?? 0 };
    });
  });
  return { syscalls, cells, more: ordered.length - syscalls.length };
}
