import { lowerBound } from '../util/search';
import { SyscallFlag, UNKNOWN_THREAD, type Profile } from './types';

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
  /**
   * Per CPU: share of each bucket spent running a task other than idle, share the capture
   * cannot tell (before the CPU's first record, after lost records, between records that
   * contradict each other), and who ran most.
   */
  cpus: { cpu: number; busy: number[]; unknown: number[]; top: (string | null)[] }[];
  /** CPUs past the lane budget, drawn as one last lane (cpu -1, mean busy share, no top task); 0 when none. */
  groupedCpus: number;
}

/** Most lane × bucket cells a timeline answers: past it, the least busy CPUs share one lane. */
export const MAX_LANE_CELLS = 200_000;

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
  const derived = profile.eventTypes.map((e) => e.derived === true);
  for (let i = lo; i < hi; i++) {
    const e = samples.event[i] as number;
    if (derived[e]) continue; // off-CPU intervals are not records
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
      if (flags & (SyscallFlag.Unfinished | SyscallFlag.InFlight)) continue;
      const b = bucketOf(sc.startNs[i] as number);
      syscalls.calls[b] = (syscalls.calls[b] as number) + 1;
      if (flags & SyscallFlag.Error) syscalls.errors[b] = (syscalls.errors[b] as number) + 1;
      const d = sc.durationNs[i] as number;
      if (!Number.isNaN(d)) syscalls.timeNs[b] = (syscalls.timeNs[b] as number) + d;
    }
  }

  const { lanes: cpuLanes, groupedCpus } = cpuLanesOf(profile, from, to, buckets, width);
  return { fromNs: from, toNs: to, bucketNs: width, buckets, series, syscalls, cpus: cpuLanes, groupedCpus };
}

/**
 * Adds a slice [a, z) to a busy-share row in O(1) plus its two edge buckets: whole buckets go
 * to a difference array (`full`), partial ones straight to `busy`.
 */
function addBusy(busy: Float64Array, full: Float64Array, a: number, z: number, from: number, width: number, buckets: number): void {
  const b0 = Math.min(buckets - 1, Math.floor((a - from) / width));
  const b1 = Math.min(buckets - 1, Math.floor((z - from) / width));
  if (b0 === b1) {
    busy[b0] = (busy[b0] as number) + (z - a) / width;
    return;
  }
  busy[b0] = (busy[b0] as number) + (from + (b0 + 1) * width - a) / width;
  busy[b1] = (busy[b1] as number) + (z - (from + b1 * width)) / width;
  full[b0 + 1] = (full[b0 + 1] as number) + 1;
  full[b1] = (full[b1] as number) - 1;
}

/**
 * CPU lanes from the slices in [from, to): busy share per bucket, and the task that ran longest
 * in it. Work is O(slices + lanes × buckets): lanes × buckets is capped at MAX_LANE_CELLS; the
 * least busy CPUs past it share one lane (mean busy share, no top task).
 */
function cpuLanesOf(profile: Profile, from: number, to: number, buckets: number, width: number): { lanes: Timeline['cpus']; groupedCpus: number } {
  const { sched, threads, strings } = profile;
  // Slices per CPU (in start order), and each CPU's busy time in range.
  const byCpu = new Map<number, number[]>();
  const unknownByCpu = new Map<number, number[]>();
  const busyNs = new Map<number, number>();
  for (let i = 0; i < sched.length; i++) {
    const c = sched.cpu[i] as number;
    let list = byCpu.get(c);
    if (!list) byCpu.set(c, (list = []));
    const s = sched.startNs[i] as number;
    const e = sched.endNs[i] as number;
    if (e <= from || s >= to) continue;
    const th = sched.thread[i] as number;
    if (th === UNKNOWN_THREAD) {
      let u = unknownByCpu.get(c);
      if (!u) unknownByCpu.set(c, (u = []));
      u.push(i);
      continue;
    }
    if ((threads.tid[th] as number) === 0) continue; // the idle task
    list.push(i);
    busyNs.set(c, (busyNs.get(c) ?? 0) + Math.min(e, to) - Math.max(s, from));
  }
  const cpus = [...byCpu.keys()];
  const budget = Math.max(1, Math.floor(MAX_LANE_CELLS / buckets));
  let kept = cpus;
  let grouped: number[] = [];
  if (cpus.length > budget) {
    const byBusy = [...cpus].sort((a, b) => (busyNs.get(b) ?? 0) - (busyNs.get(a) ?? 0) || a - b);
    kept = byBusy.slice(0, budget - 1);
    grouped = byBusy.slice(budget - 1);
  }
  const name = (th: number) => `${strings[threads.comm[th] as number]}-${threads.tid[th]}`;
  /** Mean share of each bucket covered by the listed slices of `cpus`. */
  const shares = (cpus: readonly number[], slicesOf: Map<number, number[]>): number[] => {
    const share = new Float64Array(buckets);
    const full = new Float64Array(buckets);
    for (const cpu of cpus) for (const i of slicesOf.get(cpu) ?? []) addBusy(share, full, Math.max(sched.startNs[i] as number, from), Math.min(sched.endNs[i] as number, to), from, width, buckets);
    const out = new Array<number>(buckets);
    let run = 0;
    for (let b = 0; b < buckets; b++) {
      run += full[b] as number;
      out[b] = Math.min(1, ((share[b] as number) + run) / cpus.length);
    }
    return out;
  };
  const lanes: Timeline['cpus'] = kept
    .sort((a, b) => a - b)
    .map((cpu) => {
      const top: (string | null)[] = new Array<string | null>(buckets).fill(null);
      // Slices of one CPU never overlap, so its buckets come in order: one map of time per
      // thread serves the bucket in hand and is read out when the next one starts; a bucket a
      // slice covers whole is that slice's task's. O(slices + buckets).
      const ran = new Map<number, number>();
      let current = -1;
      const finish = () => {
        let best = -1;
        let bestNs = 0;
        for (const [th, ns] of ran) if (ns > bestNs) [best, bestNs] = [th, ns];
        if (current >= 0 && best >= 0) top[current] = name(best);
        ran.clear();
      };
      const partial = (b: number, th: number, ns: number) => {
        if (b !== current) {
          finish();
          current = b;
        }
        if (ns > 0) ran.set(th, (ran.get(th) ?? 0) + ns);
      };
      for (const i of byCpu.get(cpu) ?? []) {
        const th = sched.thread[i] as number;
        const a = Math.max(sched.startNs[i] as number, from);
        const z = Math.min(sched.endNs[i] as number, to);
        const b0 = Math.min(buckets - 1, Math.floor((a - from) / width));
        const b1 = Math.min(buckets - 1, Math.floor((z - from) / width));
        if (b0 === b1) {
          partial(b0, th, z - a);
          continue;
        }
        partial(b0, th, from + (b0 + 1) * width - a);
        for (let k = b0 + 1; k < b1; k++) top[k] = name(th);
        partial(b1, th, z - (from + b1 * width));
      }
      finish();
      return { cpu, busy: shares([cpu], byCpu), unknown: shares([cpu], unknownByCpu), top };
    });
  if (grouped.length > 0) lanes.push({ cpu: -1, busy: shares(grouped, byCpu), unknown: shares(grouped, unknownByCpu), top: new Array<string | null>(buckets).fill(null) });
  return { lanes, groupedCpus: grouped.length };
}
