/**
 * A thread's wall clock on one host: where each moment went (on CPU, off CPU in which state, in
 * which syscall), from one source's CPU slices, off-CPU intervals, syscalls and records.
 */
import { OFF_CPU_EVENT, SampleFlag, SyscallFlag, UNKNOWN_THREAD, type Profile } from './types';

/** Most intervals per lane in one answer; past it the answer says `truncated` (narrow the range). */
export const MAX_THREAD_INTERVALS = 5000;

export interface ThreadSummary {
  tid: number;
  comm: string;
  onCpuNs: number;
  offCpuNs: number;
  syscallNs: number;
  records: number;
}

/** Threads of a profile by time accounted (on + off CPU), then records; at most `limit`. */
export function threadList(profile: Profile, limit = 500): { threads: ThreadSummary[]; more: number } {
  const { threads, strings, sched, samples, syscalls } = profile;
  const byTid = new Map<number, ThreadSummary>();
  const row = (th: number): ThreadSummary | null => {
    const tid = threads.tid[th] as number;
    if (!(tid > 0)) return null;
    let r = byTid.get(tid);
    if (!r) byTid.set(tid, (r = { tid, comm: strings[threads.comm[th] as number] as string, onCpuNs: 0, offCpuNs: 0, syscallNs: 0, records: 0 }));
    return r;
  };
  for (let i = 0; i < sched.length; i++) {
    const th = sched.thread[i] as number;
    if (th === UNKNOWN_THREAD) continue;
    const r = row(th);
    if (r) r.onCpuNs += (sched.endNs[i] as number) - (sched.startNs[i] as number);
  }
  for (let i = 0; i < samples.length; i++) {
    const r = row(samples.thread[i] as number);
    if (!r) continue;
    if ((samples.flags[i] as number) & SampleFlag.Derived) r.offCpuNs += samples.weight[i] as number;
    else {
      r.records++;
      // The name its records carry (a switch's or wakeup's comm may be truncated differently).
      r.comm = strings[threads.comm[samples.thread[i] as number] as number] as string;
    }
  }
  for (let i = 0; i < syscalls.length; i++) {
    const r = row(syscalls.thread[i] as number);
    const d = syscalls.durationNs[i] as number;
    if (r && !Number.isNaN(d)) r.syscallNs += d;
  }
  const all = [...byTid.values()].sort((a, b) => b.onCpuNs + b.offCpuNs - (a.onCpuNs + a.offCpuNs) || b.records - a.records || a.tid - b.tid);
  return { threads: all.slice(0, limit), more: Math.max(0, all.length - limit) };
}

export interface ThreadTimeline {
  tid: number;
  comm: string;
  fromNs: number;
  toNs: number;
  totals: { onCpuNs: number; offCpuNs: Record<string, number>; syscallNs: number; syscalls: number };
  onCpu: { startNs: number; endNs: number; cpu: number }[];
  offCpu: { startNs: number; endNs: number; state: string; inferred: boolean }[];
  /** endNs null: still in the call when the capture ended. */
  syscalls: { startNs: number; endNs: number | null; name: string; ret: number | null; errno: string; inFlight: boolean }[];
  /** Times of the thread's own records (samples, syscall events, switches out). */
  records: number[];
  truncated: boolean;
}

/**
 * One thread's lanes in [fromNs, toNs) (default: the capture), totals clipped to the range.
 * Null when the profile has no thread with that TID.
 */
export function threadTimeline(profile: Profile, tid: number, range: { fromNs?: number; toNs?: number } = {}): ThreadTimeline | null {
  const { threads, strings, sched, samples, syscalls } = profile;
  const mine = new Uint8Array(threads.length);
  let comm: string | null = null;
  for (let t = 0; t < threads.length; t++)
    if ((threads.tid[t] as number) === tid) {
      mine[t] = 1;
      comm ??= strings[threads.comm[t] as number] as string;
    }
  if (comm === null) return null;
  const from = Math.max(0, range.fromNs ?? 0);
  const to = Math.max(from + 1, range.toNs ?? profile.meta.durationNs + 1);
  const clip = (a: number, z: number) => Math.max(0, Math.min(z, to) - Math.max(a, from));
  const inRange = (a: number, z: number) => z >= from && a < to;
  let truncated = false;
  const push = <T>(list: T[], item: T) => {
    if (list.length < MAX_THREAD_INTERVALS) list.push(item);
    else truncated = true;
  };
  const out: ThreadTimeline = { tid, comm, fromNs: from, toNs: to, totals: { onCpuNs: 0, offCpuNs: {}, syscallNs: 0, syscalls: 0 }, onCpu: [], offCpu: [], syscalls: [], records: [], truncated: false };

  for (let i = 0; i < sched.length; i++) {
    const th = sched.thread[i] as number;
    if (th === UNKNOWN_THREAD || !mine[th]) continue;
    const a = sched.startNs[i] as number;
    const z = sched.endNs[i] as number;
    if (!inRange(a, z)) continue;
    out.totals.onCpuNs += clip(a, z);
    push(out.onCpu, { startNs: a, endNs: z, cpu: sched.cpu[i] as number });
  }
  const offEvent = profile.eventTypes.findIndex((e) => e.name === OFF_CPU_EVENT);
  for (let i = 0; i < samples.length; i++) {
    if (!mine[samples.thread[i] as number]) continue;
    const a = samples.timeNs[i] as number;
    const flags = samples.flags[i] as number;
    if ((samples.event[i] as number) === offEvent && flags & SampleFlag.Derived) {
      const z = a + (samples.weight[i] as number);
      if (!inRange(a, z)) continue;
      const state = strings[samples.payload[i] as number] as string;
      out.totals.offCpuNs[state] = (out.totals.offCpuNs[state] ?? 0) + clip(a, z);
      push(out.offCpu, { startNs: a, endNs: z, state, inferred: (flags & SampleFlag.Inferred) !== 0 });
    } else if (a >= from && a < to) push(out.records, a);
  }
  for (let i = 0; i < syscalls.length; i++) {
    if (!mine[syscalls.thread[i] as number]) continue;
    const a = syscalls.startNs[i] as number;
    const d = syscalls.durationNs[i] as number;
    const z = Number.isNaN(d) ? profile.meta.durationNs : a + d;
    if (!inRange(a, z)) continue;
    const flags = syscalls.flags[i] as number;
    const ret = syscalls.ret[i] as number;
    out.totals.syscallNs += clip(a, z);
    out.totals.syscalls++;
    push(out.syscalls, {
      startNs: a,
      endNs: Number.isNaN(d) ? null : z,
      name: strings[syscalls.name[i] as number] as string,
      ret: Number.isNaN(ret) ? null : ret,
      errno: strings[syscalls.errno[i] as number] ?? '',
      inFlight: (flags & SyscallFlag.InFlight) !== 0,
    });
  }
  out.truncated = truncated;
  return out;
}
