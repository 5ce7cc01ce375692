/**
 * The builder's growable columns and the reordering and slicing done when it freezes:
 * sample and syscall columns, a stable time sort, and CPU slices from context switches.
 */
import type { SchedTable, SyscallTable } from './types';

/**
 * Indices of `time` in stable ascending order. Captures are sorted runs (several recordings
 * pasted together, or clock restarts), so a natural merge sort is close to linear.
 */
export function stableTimeOrder(time: Float64Array): Uint32Array {
  const n = time.length;
  let src = new Uint32Array(n);
  let dst = new Uint32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  const runs: number[] = [0];
  for (let i = 1; i < n; i++) if ((time[i] as number) < (time[i - 1] as number)) runs.push(i);
  runs.push(n);
  while (runs.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < runs.length; r += 2) {
      const lo = runs[r] as number;
      const mid = runs[r + 1] as number;
      const hi = r + 2 < runs.length ? (runs[r + 2] as number) : mid;
      let a = lo;
      let b = mid;
      let o = lo;
      while (a < mid && b < hi) dst[o++] = (time[src[b] as number] as number) < (time[src[a] as number] as number) ? (src[b++] as number) : (src[a++] as number);
      while (a < mid) dst[o++] = src[a++] as number;
      while (b < hi) dst[o++] = src[b++] as number;
      next.push(hi);
    }
    if (next[next.length - 1] !== n) next.push(n);
    [src, dst] = [dst, src];
    runs.length = 0;
    for (const r of next) runs.push(r);
  }
  return src;
}

type Column = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/**
 * Reorders a column. The gather loop is written once per array type: a single generic loop
 * sees five element kinds and V8 makes it megamorphic (several times slower on big captures).
 */
export function permute<T extends Column>(src: T, order: Uint32Array): T {
  const out = src.slice() as T;
  if (src instanceof Float64Array) gatherF64(out as Float64Array, src, order);
  else if (src instanceof Int32Array) gatherI32(out as Int32Array, src, order);
  else if (src instanceof Uint32Array) gatherU32(out as Uint32Array, src, order);
  else if (src instanceof Uint16Array) gatherU16(out as Uint16Array, src, order);
  else gatherU8(out as Uint8Array, src as Uint8Array, order);
  return out;
}
function gatherF64(out: Float64Array, src: Float64Array, order: Uint32Array): void {
  for (let i = 0; i < order.length; i++) out[i] = src[order[i] as number] as number;
}
function gatherI32(out: Int32Array, src: Int32Array, order: Uint32Array): void {
  for (let i = 0; i < order.length; i++) out[i] = src[order[i] as number] as number;
}
function gatherU32(out: Uint32Array, src: Uint32Array, order: Uint32Array): void {
  for (let i = 0; i < order.length; i++) out[i] = src[order[i] as number] as number;
}
function gatherU16(out: Uint16Array, src: Uint16Array, order: Uint32Array): void {
  for (let i = 0; i < order.length; i++) out[i] = src[order[i] as number] as number;
}
function gatherU8(out: Uint8Array, src: Uint8Array, order: Uint32Array): void {
  for (let i = 0; i < order.length; i++) out[i] = src[order[i] as number] as number;
}

/** Sample columns with one shared capacity; each column is written at its own monomorphic site. */
export class SampleColumns {
  length = 0;
  private cap = 4096;
  timeNs = new Float64Array(this.cap);
  stack = new Int32Array(this.cap);
  thread = new Uint32Array(this.cap);
  cpu = new Int32Array(this.cap);
  event = new Uint16Array(this.cap);
  period = new Float64Array(this.cap);
  weight = new Float64Array(this.cap);
  flags = new Uint8Array(this.cap);
  payload = new Uint32Array(this.cap);

  push(timeNs: number, stack: number, thread: number, cpu: number, event: number, period: number, weight: number, flags: number, payload: number): void {
    if (this.length === this.cap) this.grow();
    const i = this.length++;
    this.timeNs[i] = timeNs;
    this.stack[i] = stack;
    this.thread[i] = thread;
    this.cpu[i] = cpu;
    this.event[i] = event;
    this.period[i] = period;
    this.weight[i] = weight;
    this.flags[i] = flags;
    this.payload[i] = payload;
  }

  trimmed() {
    const n = this.length;
    return {
      timeNs: this.timeNs.slice(0, n),
      stack: this.stack.slice(0, n),
      thread: this.thread.slice(0, n),
      cpu: this.cpu.slice(0, n),
      event: this.event.slice(0, n),
      period: this.period.slice(0, n),
      weight: this.weight.slice(0, n),
      flags: this.flags.slice(0, n),
      payload: this.payload.slice(0, n),
    };
  }

  private grow(): void {
    this.cap *= 2;
    const grow = <T extends Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(this.cap);
      b.set(a as never);
      return b;
    };
    this.timeNs = grow(this.timeNs, (n) => new Float64Array(n));
    this.stack = grow(this.stack, (n) => new Int32Array(n));
    this.thread = grow(this.thread, (n) => new Uint32Array(n));
    this.cpu = grow(this.cpu, (n) => new Int32Array(n));
    this.event = grow(this.event, (n) => new Uint16Array(n));
    this.period = grow(this.period, (n) => new Float64Array(n));
    this.weight = grow(this.weight, (n) => new Float64Array(n));
    this.flags = grow(this.flags, (n) => new Uint8Array(n));
    this.payload = grow(this.payload, (n) => new Uint32Array(n));
  }
}

/** Syscall columns while building (plain arrays: syscalls are far fewer than samples). */
export class SyscallColumns {
  readonly startNs: number[] = [];
  readonly durationNs: number[] = [];
  readonly thread: number[] = [];
  readonly cpu: number[] = [];
  readonly name: number[] = [];
  readonly ret: number[] = [];
  readonly errno: number[] = [];
  readonly flags: number[] = [];

  get length(): number {
    return this.startNs.length;
  }

  push(startNs: number, durationNs: number, thread: number, cpu: number, name: number, ret: number, errno: number, flags: number): void {
    this.startNs.push(startNs);
    this.durationNs.push(durationNs);
    this.thread.push(thread);
    this.cpu.push(cpu);
    this.name.push(name);
    this.ret.push(ret);
    this.errno.push(errno);
    this.flags.push(flags);
  }

  trimmed() {
    return {
      startNs: Float64Array.from(this.startNs),
      durationNs: Float64Array.from(this.durationNs),
      thread: Uint32Array.from(this.thread),
      cpu: Int32Array.from(this.cpu),
      name: Uint32Array.from(this.name),
      ret: Float64Array.from(this.ret),
      errno: Uint32Array.from(this.errno),
      flags: Uint8Array.from(this.flags),
    };
  }
}

export function sortSyscalls(sys: ReturnType<SyscallColumns['trimmed']>, minT: number): SyscallTable {
  const n = sys.startNs.length;
  for (let i = 0; i < n; i++) {
    const t = sys.startNs[i] as number;
    sys.startNs[i] = Number.isNaN(t) ? 0 : t - minT; // untimed captures: everything at 0
  }
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if ((sys.startNs[i] as number) < (sys.startNs[i - 1] as number)) sorted = false;
  if (sorted) return { length: n, ...sys };
  const order = stableTimeOrder(sys.startNs);
  return {
    length: n,
    startNs: permute(sys.startNs, order),
    durationNs: permute(sys.durationNs, order),
    thread: permute(sys.thread, order),
    cpu: permute(sys.cpu, order),
    name: permute(sys.name, order),
    ret: permute(sys.ret, order),
    errno: permute(sys.errno, order),
    flags: permute(sys.flags, order),
  };
}

/**
 * CPU slices from context switches: on each CPU, a task runs from the switch that brings it in
 * to the switch that takes it out. The first task seen on a CPU is taken to run from the
 * capture's start; the last one runs to its end (endState 0: still running).
 */
export function buildSlices(switches: { timeNs: number; cpu: number; prev: number; prevState: number; next: number }[], minT: number, end: number): SchedTable {
  const byCpu = new Map<number, typeof switches>();
  for (const sw of switches) {
    let list = byCpu.get(sw.cpu);
    if (!list) byCpu.set(sw.cpu, (list = []));
    list.push(sw);
  }
  const cpu: number[] = [];
  const start: number[] = [];
  const stop: number[] = [];
  const thread: number[] = [];
  const state: number[] = [];
  for (const [c, list] of [...byCpu.entries()].sort((a, b) => a[0] - b[0])) {
    list.sort((a, b) => a.timeNs - b.timeNs);
    let since = 0;
    let running = -1;
    for (const sw of list) {
      const t = sw.timeNs - minT;
      cpu.push(c);
      start.push(since);
      stop.push(t);
      thread.push(sw.prev);
      state.push(sw.prevState);
      since = t;
      running = sw.next;
    }
    if (running >= 0) {
      cpu.push(c);
      start.push(since);
      stop.push(Math.max(since, end));
      thread.push(running);
      state.push(0);
    }
  }
  const order = stableTimeOrder(Float64Array.from(start));
  const pick = <T extends Float64Array | Int32Array | Uint32Array>(src: number[], make: (n: number) => T): T => {
    const out = make(src.length);
    for (let i = 0; i < order.length; i++) out[i] = src[order[i] as number] as number;
    return out;
  };
  return {
    length: start.length,
    cpu: pick(cpu, (n) => new Int32Array(n)),
    startNs: pick(start, (n) => new Float64Array(n)),
    endNs: pick(stop, (n) => new Float64Array(n)),
    thread: pick(thread, (n) => new Uint32Array(n)),
    endState: pick(state, (n) => new Uint32Array(n)),
  };
}
