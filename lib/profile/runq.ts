/**
 * Scheduler latency summaries over the runq table (sched.ts): per task, per host, and what a
 * capture can and cannot tell about it.
 */
import { lowerBound } from '../util/search';
import { RUNQ_CAUSES, RunqFlag, type Profile } from './types';

/** Nearest-rank percentile (p in 0..100) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

/** Percentiles and max are null when there is nothing to measure. */
export interface LatencyStats {
  count: number;
  p50Ns: number | null;
  p90Ns: number | null;
  p99Ns: number | null;
  maxNs: number | null;
  totalNs: number;
}

const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** Count, nearest-rank percentiles, max and total of some latencies (any order; sorted in place). */
export function latencyStats(latencies: Float64Array): LatencyStats {
  latencies.sort();
  let total = 0;
  for (const v of latencies) total += v;
  return {
    count: latencies.length,
    p50Ns: orNull(percentile(latencies, 50)),
    p90Ns: orNull(percentile(latencies, 90)),
    p99Ns: orNull(percentile(latencies, 99)),
    maxNs: orNull(percentile(latencies, 100)),
    totalNs: total,
  };
}

export interface RunqFilter {
  fromNs?: number;
  toNs?: number;
  /** A RunqCause. */
  cause?: number;
}

export interface TaskLatency extends LatencyStats {
  /** `comm-tid`. */
  task: string;
  comm: string;
  tid: number;
  /** Of `count`, how many end at the task's first record (the switch in was not traced). */
  inferred: number;
}

/** Rows of the runq table in the filter's range of readyNs and cause. */
function forEachRunq(profile: Profile, filter: RunqFilter, visit: (i: number) => void): void {
  const rq = profile.runq;
  const lo = filter.fromNs === undefined ? 0 : lowerBound(rq.readyNs, filter.fromNs);
  const hi = filter.toNs === undefined ? rq.length : lowerBound(rq.readyNs, filter.toNs);
  for (let i = lo; i < hi; i++) if (filter.cause === undefined || (rq.cause[i] as number) === filter.cause) visit(i);
}

/** Per task (by TID): scheduler latency statistics, worst p99 first; at most `limit` rows. */
export function latencyByTask(profile: Profile, filter: RunqFilter = {}, limit = 2000): { rows: TaskLatency[]; more: number } {
  const { runq, threads, strings } = profile;
  const byTid = new Map<number, { thread: number; values: number[]; inferred: number }>();
  forEachRunq(profile, filter, (i) => {
    const th = runq.thread[i] as number;
    const tid = threads.tid[th] as number;
    let e = byTid.get(tid);
    if (!e) byTid.set(tid, (e = { thread: th, values: [], inferred: 0 }));
    e.values.push(runq.latencyNs[i] as number);
    if ((runq.flags[i] as number) & RunqFlag.Inferred) e.inferred++;
  });
  const rows = [...byTid.entries()].map(([tid, e]) => {
    const comm = strings[threads.comm[e.thread] as number] as string;
    return { task: `${comm}-${tid}`, comm, tid, inferred: e.inferred, ...latencyStats(Float64Array.from(e.values)) };
  });
  rows.sort((a, b) => (b.p99Ns ?? 0) - (a.p99Ns ?? 0) || b.count - a.count || a.tid - b.tid);
  return { rows: rows.slice(0, limit), more: Math.max(0, rows.length - limit) };
}

export interface HostLatency extends LatencyStats {
  /** Latencies per cause, by RUNQ_CAUSES name. */
  causes: Record<(typeof RUNQ_CAUSES)[number], number>;
  inferred: number;
  /** Whether the capture holds wakeup events (sched_wakeup/waking/wakeup_new); without them only preemptions are measured. */
  hasWakeups: boolean;
}

/** One host's scheduler latency over all its tasks. */
export function hostLatency(profile: Profile, filter: RunqFilter = {}): HostLatency {
  const { runq } = profile;
  const values: number[] = [];
  const causes = { preempted: 0, wakeup: 0, waking: 0, wakeup_new: 0 };
  let inferred = 0;
  forEachRunq(profile, filter, (i) => {
    values.push(runq.latencyNs[i] as number);
    const cause = RUNQ_CAUSES[runq.cause[i] as number];
    if (cause) causes[cause]++;
    if ((runq.flags[i] as number) & RunqFlag.Inferred) inferred++;
  });
  return { ...latencyStats(Float64Array.from(values)), causes, inferred, hasWakeups: hasWakeupEvents(profile) };
}

/** Whether the capture recorded wakeups (by event name; a capture may hold them with no latency to show). */
export function hasWakeupEvents(profile: Profile): boolean {
  return profile.eventTypes.some((e) => e.samples > 0 && /(^|:)sched_(wakeup|waking|wakeup_new)$/.test(e.name));
}
