import { Growable } from '../util/growable';
import { StringTable } from '../util/intern';
import { classifyFrame } from './kinds';
import type { ClockKind, EventType, ParseWarning, Profile, ProfileMeta, SchedTable, SyscallTable } from './types';

const MAX_WARNINGS = 100;
/** Stack children are found through one map keyed by parent * 2^24 + frame. */
const FRAME_KEY_SPACE = 0x1000000;
const MAX_STACK_NODES = 2 ** 28;

export type MetaFields = {
  -readonly [K in 'hostname' | 'cmdline' | 'capturedOn' | 'perfVersion' | 'osRelease' | 'arch' | 'nrcpusOnline']?: ProfileMeta[K];
};

/** Thrown when a capture exceeds what the model can index (a clear 4xx, not a crash). */
export class ModelLimitError extends Error {}

/**
 * The only way to build a Profile: parsers push frames, stacks, threads and samples, then
 * `build()` freezes everything into right-sized typed arrays, sorted by time.
 */
export class ProfileBuilder {
  readonly strings = new StringTable();
  private readonly meta: MetaFields = {};
  private readonly headerEvents: string[] = [];
  private clockKind: ClockKind = 'none';
  private baseSec = NaN;

  private readonly frameIndex = new Map<string, number>();
  private readonly frameSymbol = new Growable(Uint32Array);
  private readonly frameModule = new Growable(Uint32Array);
  private readonly frameAddress = new Growable(Uint32Array);
  private readonly frameKind = new Growable(Uint8Array);

  private readonly stackIndex = new Map<number, number>();
  private readonly stackParent = new Growable(Int32Array);
  private readonly stackFrame = new Growable(Uint32Array);

  private readonly threadIndex = new Map<string, number>();
  private readonly threadComm = new Growable(Uint32Array);
  private readonly threadPid = new Growable(Int32Array);
  private readonly threadTid = new Growable(Int32Array);

  private readonly eventIndex = new Map<string, number>();
  private readonly eventNames: string[] = [];
  private defaultEvent = -1;

  private readonly s = new SampleColumns();
  private readonly sc = new SyscallColumns();
  private readonly switches: { timeNs: number; cpu: number; prev: number; prevState: number; next: number }[] = [];

  private readonly warnings: ParseWarning[] = [];
  private warningCount = 0;
  private lineCount = 0;

  constructor(private readonly format: string) {}

  setMeta(fields: MetaFields): void {
    Object.assign(this.meta, fields);
  }

  getMeta(): Readonly<MetaFields> {
    return this.meta;
  }

  addHeaderEvent(name: string): void {
    if (!this.headerEvents.includes(name)) this.headerEvents.push(name);
  }

  setLineCount(lines: number): void {
    this.lineCount = lines;
  }

  warn(line: number, message: string): void {
    this.warningCount++;
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push({ line, message });
  }

  /**
   * Converts a source-clock timestamp (whole seconds + nanoseconds) to ns relative to the first
   * timestamp seen; `build()` later shifts everything so the earliest time is 0.
   */
  relNs(kind: ClockKind, sec: number, nsOfSec: number): number {
    if (Number.isNaN(this.baseSec)) {
      this.baseSec = sec;
      this.clockKind = kind;
    }
    return (sec - this.baseSec) * 1e9 + nsOfSec;
  }

  frame(symbol: string, module: string, address: string): number {
    const key = symbol + '\0' + module + '\0' + address;
    let id = this.frameIndex.get(key);
    if (id === undefined) {
      id = this.frameSymbol.push(this.strings.intern(symbol));
      if (id >= FRAME_KEY_SPACE) throw new ModelLimitError(`more than ${FRAME_KEY_SPACE} distinct frames`);
      this.frameModule.push(this.strings.intern(module));
      this.frameAddress.push(address ? this.strings.intern(address) : 0);
      this.frameKind.push(classifyFrame(module));
      this.frameIndex.set(key, id);
    }
    return id;
  }

  /** The stack node for `frame` called from `parent` (-1 for a root frame). */
  child(parent: number, frame: number): number {
    const key = (parent + 1) * FRAME_KEY_SPACE + frame;
    let id = this.stackIndex.get(key);
    if (id === undefined) {
      id = this.stackParent.push(parent);
      if (id >= MAX_STACK_NODES) throw new ModelLimitError(`more than ${MAX_STACK_NODES} distinct stack nodes`);
      this.stackFrame.push(frame);
      this.stackIndex.set(key, id);
    }
    return id;
  }

  /** Stack node for frames given leaf first (as perf prints them), in `frames[0..count)`. */
  stackFromLeafFirst(frames: ArrayLike<number>, count: number): number {
    let node = -1;
    for (let i = count - 1; i >= 0; i--) node = this.child(node, frames[i] as number);
    return node;
  }

  thread(comm: string, pid: number, tid: number): number {
    const key = comm + '\0' + pid + '\0' + tid;
    let id = this.threadIndex.get(key);
    if (id === undefined) {
      id = this.threadComm.push(this.strings.intern(comm));
      this.threadPid.push(pid);
      this.threadTid.push(tid);
      this.threadIndex.set(key, id);
    }
    return id;
  }

  eventType(name: string): number {
    let id = this.eventIndex.get(name);
    if (id === undefined) {
      id = this.eventNames.length;
      if (id > 0xffff) throw new ModelLimitError('more than 65535 event types');
      this.eventNames.push(name);
      this.eventIndex.set(name, id);
    }
    return id;
  }

  /** `timeNs` from relNs(), NaN when the record has no time. `payload`: string index of a generic event's text. */
  sample(timeNs: number, stack: number, thread: number, cpu: number, event: number, period: number, weight: number, flags: number, payload = 0): void {
    if (this.defaultEvent < 0 && (flags & 1) === 0) this.defaultEvent = event;
    this.s.push(timeNs, stack, thread, cpu, event, period, weight, flags, payload);
  }

  /** A syscall interval (times from relNs(); durationNs NaN when it never returned). */
  syscall(startNs: number, durationNs: number, thread: number, cpu: number, name: string, ret: number, errno: string, flags: number): void {
    this.sc.push(startNs, durationNs, thread, cpu, this.strings.intern(name), ret, errno ? this.strings.intern(errno) : 0, flags);
  }

  get syscallCount(): number {
    return this.sc.length;
  }

  /** A context switch on `cpu`: `prev` stops running (leaving in `prevState`), `next` starts. */
  schedSwitch(timeNs: number, cpu: number, prev: number, prevState: string, next: number): void {
    this.switches.push({ timeNs, cpu, prev, prevState: this.strings.intern(prevState), next });
  }

  get sampleCount(): number {
    return this.s.length;
  }

  build(): Profile {
    const cols = this.s.trimmed();
    const sys = this.sc.trimmed();
    const n = cols.timeNs.length;
    let time = cols.timeNs;
    // The capture starts at its earliest timestamp of any kind (samples, syscalls, switches).
    let minT = Infinity;
    let maxT = -Infinity;
    const see = (t: number) => {
      if (t < minT) minT = t;
      if (t > maxT) maxT = t;
    };
    for (let i = 0; i < n; i++) see(time[i] as number);
    for (let i = 0; i < sys.startNs.length; i++) {
      see(sys.startNs[i] as number);
      const d = sys.durationNs[i] as number;
      if (!Number.isNaN(d)) see((sys.startNs[i] as number) + d);
    }
    for (const sw of this.switches) see(sw.timeNs);
    if (minT === Infinity) {
      minT = 0;
      maxT = 0;
    }
    let sorted = true;
    for (let i = 0; i < n; i++) {
      const t = time[i] as number;
      time[i] = Number.isNaN(t) ? 0 : t - minT;
      if (i > 0 && (time[i] as number) < (time[i - 1] as number)) sorted = false;
    }
    const columns = { stack: cols.stack, thread: cols.thread, cpu: cols.cpu, event: cols.event, period: cols.period, weight: cols.weight, flags: cols.flags, payload: cols.payload };
    if (!sorted) {
      const order = stableTimeOrder(time);
      time = permute(time, order);
      columns.stack = permute(columns.stack, order);
      columns.thread = permute(columns.thread, order);
      columns.cpu = permute(columns.cpu, order);
      columns.event = permute(columns.event, order);
      columns.period = permute(columns.period, order);
      columns.weight = permute(columns.weight, order);
      columns.flags = permute(columns.flags, order);
      columns.payload = permute(columns.payload, order);
    }
    const syscalls = sortSyscalls(sys, minT);
    const sched = buildSlices(this.switches, minT, maxT - minT);

    const eventSamples = new Array<number>(this.eventNames.length).fill(0);
    const eventWeight = new Array<number>(this.eventNames.length).fill(0);
    for (let i = 0; i < n; i++) {
      const e = columns.event[i] as number;
      eventSamples[e] = (eventSamples[e] as number) + 1;
      eventWeight[e] = (eventWeight[e] as number) + (columns.weight[i] as number);
    }
    const eventTypes: EventType[] = this.eventNames.map((name, i) => ({
      name,
      samples: eventSamples[i] as number,
      weight: eventWeight[i] as number,
    }));

    const base = Number.isNaN(this.baseSec) ? 0 : this.baseSec;
    const wholeSec = Math.floor(minT / 1e9);
    const meta: ProfileMeta = {
      ...this.meta,
      format: this.format,
      headerEvents: [...this.headerEvents],
      clock: { kind: this.clockKind, originSec: base + wholeSec, originNsOfSec: Math.round(minT - wholeSec * 1e9) },
      durationNs: maxT - minT,
      lines: this.lineCount,
      warningCount: this.warningCount,
      warnings: [...this.warnings],
    };

    return {
      meta,
      strings: this.strings.strings,
      frames: {
        length: this.frameSymbol.length,
        symbol: this.frameSymbol.toArray(),
        module: this.frameModule.toArray(),
        address: this.frameAddress.toArray(),
        kind: this.frameKind.toArray(),
      },
      stacks: { length: this.stackParent.length, parent: this.stackParent.toArray(), frame: this.stackFrame.toArray() },
      threads: {
        length: this.threadComm.length,
        comm: this.threadComm.toArray(),
        pid: this.threadPid.toArray(),
        tid: this.threadTid.toArray(),
      },
      eventTypes,
      defaultEvent: this.defaultEvent,
      samples: { length: n, timeNs: time, ...columns },
      syscalls,
      sched,
    };
  }
}

/**
 * Indices of `time` in stable ascending order. Captures are sorted runs (several recordings
 * pasted together, or clock restarts), so a natural merge sort is close to linear.
 */
function stableTimeOrder(time: Float64Array): Uint32Array {
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
function permute<T extends Column>(src: T, order: Uint32Array): T {
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
class SampleColumns {
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
class SyscallColumns {
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

function sortSyscalls(sys: ReturnType<SyscallColumns['trimmed']>, minT: number): SyscallTable {
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
function buildSlices(switches: { timeNs: number; cpu: number; prev: number; prevState: number; next: number }[], minT: number, end: number): SchedTable {
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
