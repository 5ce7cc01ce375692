import { lowerBound } from '../util/search';
import { SyscallFlag, type Profile } from './types';

export interface TimelineOptions {
  fromNs?: number;
  toNs?: number;
  buckets?: number;
  /** Most event types drawn as their own series; the rest are summed as "other". */
  maxSeries?: number;
}

export interface Timeline {
  fromNs: number;
  toNs: number;
  bucketNs: number;
  buckets: number;
  /** Records per bucket, per event type (largest first). */
  series: { event: string; total: number; counts: number[] }[];
  /** Syscalls starting in each bucket, their errors, and time spent in them (ns). */
  syscalls: { calls: number[]; errors: number[]; timeNs: number[] } | null;
  /** Per CPU: share of each bucket spent running a task other than idle, and who ran most. */
  cpus: { cpu: number; busy: number[]; top: (string | null)[] }[];
}

const MAX_BUCKETS = 5000;

/** Activity over time for one node, in `buckets` equal slices of [fromNs, toNs). */
export function timeline(profile: Profile, opts: TimelineOptions = {}): Timeline {
  const from = Math.max(0, opts.fromNs ?? 0);
  const to = Math.max(from + 1, opts.toNs ?? Math.max(1, profile.meta.durationNs + 1));
  const buckets = Math.max(1, Math.min(MAX_BUCKETS, Math.floor(opts.buckets ?? 200)));
  const width = (to - from) / buckets;
  const bucketOf = (t: number) => Math.min(buckets - 1, Math.floor((t - from) / width));

  // Records per event type.
  const { samples } = profile;
  const perEvent = profile.eventTypes.map(() => new Array<number>(buckets).fill(0));
  const totals = profile.eventTypes.map(() => 0);
  const lo = lowerBound(samples.timeNs, from);
  const hi = lowerBound(samples.timeNs, to);
  for (let i = lo; i < hi; i++) {
    const e = samples.event[i] as number;
    const row = perEvent[e] as number[];
    const b = bucketOf(samples.timeNs[i] as number);
    row[b] = (row[b] as number) + 1;
    totals[e] = (totals[e] as number) + 1;
  }
  const order = totals.map((t, i) => [t, i] as const).filter(([t]) => t > 0).sort((a, b) => b[0] - a[0]);
  const maxSeries = opts.maxSeries ?? 8;
  const series = order.slice(0, maxSeries).map(([total, i]) => ({ event: profile.eventTypes[i]?.name ?? '?', total, counts: perEvent[i] as number[] }));
  if (order.length > maxSeries) {
    const other = new Array<number>(buckets).fill(0);
    let total = 0;
    for (const [t, i] of order.slice(maxSeries)) {
      total += t;
      (perEvent[i] as number[]).forEach((c, b) => (other[b] = (other[b] as number) + c));
    }
    series.push({ event: 'other events', total, counts: other });
  }

  // Syscalls by start time.
  let syscalls: Timeline['syscalls'] = null;
  const sc = profile.syscalls;
  if (sc.length > 0) {
    syscalls = { calls: new Array<number>(buckets).fill(0), errors: new Array<number>(buckets).fill(0), timeNs: new Array<number>(buckets).fill(0) };
    for (let i = lowerBound(sc.startNs, from), end = lowerBound(sc.startNs, to); i < end; i++) {
      const flags = sc.flags[i] as number;
      if (flags & SyscallFlag.Unfinished) continue;
      const b = bucketOf(sc.startNs[i] as number);
      syscalls.calls[b] = (syscalls.calls[b] as number) + 1;
      if (flags & SyscallFlag.Error) syscalls.errors[b] = (syscalls.errors[b] as number) + 1;
      const d = sc.durationNs[i] as number;
      if (!Number.isNaN(d)) syscalls.timeNs[b] = (syscalls.timeNs[b] as number) + d;
    }
  }

  // CPU lanes from slices: busy share per bucket, and the task that ran longest in it.
  const cpus = new Map<number, { busy: number[]; byThread: Map<number, number>[] }>();
  const sched = profile.sched;
  for (let i = 0; i < sched.length; i++) {
    const s = sched.startNs[i] as number;
    const e = sched.endNs[i] as number;
    if (e <= from || s >= to) continue;
    const th = sched.thread[i] as number;
    if ((profile.threads.tid[th] as number) === 0) continue; // the idle task
    const c = sched.cpu[i] as number;
    let lane = cpus.get(c);
    if (!lane) cpus.set(c, (lane = { busy: new Array<number>(buckets).fill(0), byThread: Array.from({ length: buckets }, () => new Map()) }));
    const a = Math.max(s, from);
    const z = Math.min(e, to);
    for (let b = bucketOf(a); b < buckets; b++) {
      const b0 = from + b * width;
      const b1 = b0 + width;
      const overlap = Math.min(z, b1) - Math.max(a, b0);
      if (overlap <= 0) break;
      lane.busy[b] = (lane.busy[b] as number) + overlap / width;
      const m = lane.byThread[b] as Map<number, number>;
      m.set(th, (m.get(th) ?? 0) + overlap);
    }
  }
  // Make sure every CPU that had slices (even only idle) has a lane.
  for (let i = 0; i < sched.length; i++) {
    const c = sched.cpu[i] as number;
    if (!cpus.has(c)) cpus.set(c, { busy: new Array<number>(buckets).fill(0), byThread: Array.from({ length: buckets }, () => new Map()) });
  }
  const cpuLanes = [...cpus.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([cpu, lane]) => ({
      cpu,
      busy: lane.busy.map((v) => Math.min(1, v)),
      top: lane.byThread.map((m) => {
        let best = -1;
        let bestNs = 0;
        for (const [th, ns] of m) if (ns > bestNs) [best, bestNs] = [th, ns];
        if (best < 0) return null;
        return `${profile.strings[profile.threads.comm[best] as number]}-${profile.threads.tid[best]}`;
      }),
    }));

  return { fromNs: from, toNs: to, bucketNs: width, buckets, series, syscalls, cpus: cpuLanes };
}

/** Time each thread spent off CPU (between being switched out and back in), from the slices. */
export function offCpu(profile: Profile): { thread: string; offNs: number; onNs: number; switches: number }[] {
  const last = new Map<number, number>();
  const rows = new Map<number, { offNs: number; onNs: number; switches: number }>();
  const { sched, threads, strings } = profile;
  const key = (th: number) => threads.tid[th] as number;
  for (let i = 0; i < sched.length; i++) {
    const th = sched.thread[i] as number;
    const tid = key(th);
    if (tid <= 0) continue;
    let r = rows.get(tid);
    if (!r) rows.set(tid, (r = { offNs: 0, onNs: 0, switches: 0 }));
    const start = sched.startNs[i] as number;
    const prevEnd = last.get(tid);
    if (prevEnd !== undefined && start > prevEnd) r.offNs += start - prevEnd;
    r.onNs += (sched.endNs[i] as number) - start;
    r.switches++;
    last.set(tid, sched.endNs[i] as number);
  }
  const name = new Map<number, string>();
  for (let t = 0; t < threads.length; t++) name.set(threads.tid[t] as number, `${strings[threads.comm[t] as number]}-${threads.tid[t]}`);
  return [...rows.entries()].map(([tid, r]) => ({ thread: name.get(tid) ?? String(tid), ...r })).sort((a, b) => b.offNs - a.offNs);
}
