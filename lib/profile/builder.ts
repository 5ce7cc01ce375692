import { StringTable } from '../util/intern';
import { PairMap } from '../util/pair-map';
import { classifyFrame } from './kinds';
import { eventTypes, permuteTable, sortSyscalls, stableTimeOrder } from './columns';
import { LOST_COLUMNS, schedule, SWITCH_COLUMNS, WAKEUP_COLUMNS, type OffCpuInterval, type SwitchTable, type WakeupTable } from './sched';
import { emptyTable, TableBuilder } from './table';
import { DERIVATION_RULES, FRAME_COLUMNS, OFF_CPU_EVENT, RUNQ_COLUMNS, SAMPLE_COLUMNS, SampleFlag, SCHED_COLUMNS, STACK_COLUMNS, SYSCALL_COLUMNS, THREAD_COLUMNS, type ClockKind, type ParseWarning, type Profile, type ProfileMeta, type ValueUnit } from './types';

const MAX_WARNINGS = 100;
/** Frame and stack indices live in Int32Arrays (PairMap, typed columns). */
const FRAME_KEY_SPACE = 0x1000000;
const MAX_STACK_NODES = 2 ** 30;

export type MetaFields = {
  -readonly [K in 'hostname' | 'cmdline' | 'capturedOn' | 'perfVersion' | 'osRelease' | 'arch' | 'nrcpusOnline' | 'untimed']?: ProfileMeta[K];
};

/** Thrown when a capture exceeds what the model can index, or a configured limit (a clear 4xx, not a crash). */
export class ModelLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelLimitError';
  }
}

/** How much one capture may hold; past it the parse fails with ModelLimitError (the server answers 422). */
export interface ModelLimits {
  /** Samples, syscalls and context switches together. */
  readonly maxRecords: number;
  readonly maxFrames: number;
  readonly maxStackNodes: number;
}

export const DEFAULT_LIMITS: ModelLimits = { maxRecords: 2 ** 31, maxFrames: FRAME_KEY_SPACE, maxStackNodes: MAX_STACK_NODES };

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
  private readonly frames = new TableBuilder(FRAME_COLUMNS);
  private readonly stackIndex = new PairMap();
  private readonly stacks = new TableBuilder(STACK_COLUMNS);
  private readonly threadIndex = new Map<string, number>();
  private readonly threads = new TableBuilder(THREAD_COLUMNS);

  private readonly eventIndex = new Map<string, number>();
  private readonly eventNames: string[] = [];
  private readonly eventUnits: ValueUnit[] = [];
  private defaultEvent = -1;

  private readonly samples = new TableBuilder(SAMPLE_COLUMNS, 4096);
  private readonly syscalls = new TableBuilder(SYSCALL_COLUMNS, 256);
  private readonly switches = new TableBuilder(SWITCH_COLUMNS, 256);
  private readonly wakeups = new TableBuilder(WAKEUP_COLUMNS, 256);
  private readonly lostMarks = new TableBuilder(LOST_COLUMNS, 16);
  private readonly derivedEvents = new Set<number>();

  private readonly warnings: ParseWarning[] = [];
  private warningCount = 0;
  private lineCount = 0;

  private records = 0;

  constructor(
    private readonly format: string,
    private readonly limits: ModelLimits = DEFAULT_LIMITS,
  ) {}

  /** Counts a record (sample, syscall, switch) against the limit. */
  private record(): void {
    if (++this.records > this.limits.maxRecords) throw new ModelLimitError(`more than ${this.limits.maxRecords} records (samples, syscalls and context switches); raise TRACEFLEET_MAX_RECORDS to accept it`);
  }

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
      const max = Math.min(FRAME_KEY_SPACE, this.limits.maxFrames);
      if (this.frames.length >= max) throw new ModelLimitError(`more than ${max} distinct frames`);
      id = this.frames.append();
      const c = this.frames.cols;
      c.symbol[id] = this.strings.intern(symbol);
      c.module[id] = this.strings.intern(module);
      c.address[id] = address ? this.strings.intern(address) : 0;
      c.kind[id] = classifyFrame(module);
      this.frameIndex.set(key, id);
    }
    return id;
  }

  /** The stack node for `frame` called from `parent` (-1 for a root frame). */
  child(parent: number, frame: number): number {
    let id = this.stackIndex.get(parent, frame);
    if (id < 0) {
      const max = Math.min(MAX_STACK_NODES, this.limits.maxStackNodes);
      if (this.stacks.length >= max) throw new ModelLimitError(`more than ${max} distinct stack nodes`);
      id = this.stacks.append();
      const c = this.stacks.cols;
      c.parent[id] = parent;
      c.frame[id] = frame;
      this.stackIndex.add(parent, frame, id);
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
      id = this.threads.append();
      const c = this.threads.cols;
      c.comm[id] = this.strings.intern(comm);
      c.pid[id] = pid;
      c.tid[id] = tid;
      this.threadIndex.set(key, id);
    }
    return id;
  }

  /**
   * The event named `name`, created on first use with the unit of its weights: 'ns' for
   * durations and clock periods, 'events' for other periods, 'samples' when every sample weighs
   * 1. build() turns 'ns' and 'events' into 'samples' when the event's total weight is its sample
   * count (no period was printed).
   */
  eventType(name: string, unit: ValueUnit = 'events'): number {
    let id = this.eventIndex.get(name);
    if (id === undefined) {
      id = this.eventNames.length;
      if (id > 0xffff) throw new ModelLimitError('more than 65535 event types');
      this.eventNames.push(name);
      this.eventUnits.push(unit);
      this.eventIndex.set(name, id);
    }
    return id;
  }

  /** `timeNs` from relNs(), NaN when the record has no time. `payload`: string index of a generic event's text. */
  sample(timeNs: number, stack: number, thread: number, cpu: number, event: number, period: number, weight: number, flags: number, payload = 0): void {
    if (this.defaultEvent < 0 && (flags & 1) === 0) this.defaultEvent = event;
    this.record();
    const i = this.samples.append();
    const c = this.samples.cols;
    c.timeNs[i] = timeNs;
    c.stack[i] = stack;
    c.thread[i] = thread;
    c.cpu[i] = cpu;
    c.event[i] = event;
    c.period[i] = period;
    c.weight[i] = weight;
    c.flags[i] = flags;
    c.payload[i] = payload;
  }

  /** A syscall interval (times from relNs(); durationNs NaN when it never returned). */
  syscall(startNs: number, durationNs: number, thread: number, cpu: number, name: string, ret: number, errno: string, flags: number): void {
    this.record();
    const nameId = this.strings.intern(name);
    const errnoId = errno ? this.strings.intern(errno) : 0;
    const i = this.syscalls.append();
    const c = this.syscalls.cols;
    c.startNs[i] = startNs;
    c.durationNs[i] = durationNs;
    c.thread[i] = thread;
    c.cpu[i] = cpu;
    c.name[i] = nameId;
    c.ret[i] = ret;
    c.errno[i] = errnoId;
    c.flags[i] = flags;
  }

  get syscallCount(): number {
    return this.syscalls.length;
  }

  /** A context switch on `cpu`: `prev` stops running (leaving in `prevState`), `next` starts. */
  schedSwitch(timeNs: number, cpu: number, prev: number, prevState: string, next: number): void {
    this.record();
    const state = this.strings.intern(prevState);
    const i = this.switches.append();
    const c = this.switches.cols;
    c.timeNs[i] = timeNs;
    c.cpu[i] = cpu;
    c.prev[i] = prev;
    c.prevState[i] = state;
    c.next[i] = next;
    c.samplesBefore[i] = this.samples.length;
  }

  /** `thread` woken by `waker` running on `cpu` (RunqCause Wakeup, Waking or WakeupNew). */
  wakeup(timeNs: number, thread: number, waker: number, cpu: number, cause: number): void {
    this.record();
    const i = this.wakeups.append();
    const c = this.wakeups.cols;
    c.timeNs[i] = timeNs;
    c.thread[i] = thread;
    c.waker[i] = waker;
    c.cpu[i] = cpu;
    c.cause[i] = cause;
    c.samplesBefore[i] = this.samples.length;
  }

  /** Records of `cpu` were lost here (a ring buffer overrun): who ran on it, and open intervals, are unknown. */
  lost(cpu: number): void {
    const i = this.lostMarks.append();
    const c = this.lostMarks.cols;
    c.cpu[i] = cpu;
    c.samplesBefore[i] = this.samples.length;
  }

  get sampleCount(): number {
    return this.samples.length;
  }

  build(): Profile {
    const switches = this.switches.finish();
    const wakeups = this.wakeups.finish();
    const sys = this.syscalls.finish();
    // The capture starts at its earliest timestamp of any kind (samples, syscalls, switches, wakeups).
    let minT = Infinity;
    let maxT = -Infinity;
    const see = (t: number) => {
      if (t < minT) minT = t;
      if (t > maxT) maxT = t;
    };
    const sampleTimes = this.samples.cols.timeNs;
    for (let i = 0; i < this.samples.length; i++) see(sampleTimes[i] as number);
    for (let i = 0; i < sys.length; i++) {
      see(sys.startNs[i] as number);
      const d = sys.durationNs[i] as number;
      if (!Number.isNaN(d)) see((sys.startNs[i] as number) + d);
    }
    for (let i = 0; i < switches.length; i++) see(switches.timeNs[i] as number);
    for (let i = 0; i < wakeups.length; i++) see(wakeups.timeNs[i] as number);
    if (minT === Infinity) {
      minT = 0;
      maxT = 0;
    }
    const sched = this.schedule(switches, wakeups, minT, maxT);

    let samples = this.samples.finish();
    const n = samples.length;
    const time = samples.timeNs;
    let sorted = true;
    for (let i = 0; i < n; i++) {
      const t = time[i] as number;
      time[i] = Number.isNaN(t) ? 0 : t - minT;
      if (i > 0 && (time[i] as number) < (time[i - 1] as number)) sorted = false;
    }
    if (!sorted) samples = permuteTable(SAMPLE_COLUMNS, samples, stableTimeOrder(time));
    const syscalls = sortSyscalls(sys, minT);

    const base = Number.isNaN(this.baseSec) ? 0 : this.baseSec;
    const wholeSec = Math.floor(minT / 1e9);
    const meta: ProfileMeta = {
      ...this.meta,
      format: this.format,
      rules: DERIVATION_RULES,
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
      frames: this.frames.finish(),
      stacks: this.stacks.finish(),
      threads: this.threads.finish(),
      eventTypes: eventTypes(this.eventNames, this.eventUnits, samples, this.derivedEvents),
      defaultEvent: this.defaultEvent,
      samples,
      syscalls,
      sched: sched.slices,
      runq: sched.runq,
    };
  }

  /**
   * CPU slices, scheduler latency and off-CPU intervals (sched.ts) when the capture has context
   * switches. Off-CPU intervals become samples of the derived event OFF_CPU_EVENT (weight: ns off
   * CPU; stack: the switch's stack under a root frame naming prev_state; payload: prev_state), so
   * every flame graph view reads them like any other event.
   */
  private schedule(switches: SwitchTable, wakeups: WakeupTable, minT: number, maxT: number) {
    if (switches.length === 0) return { slices: emptyTable(SCHED_COLUMNS), runq: emptyTable(RUNQ_COLUMNS) };
    const switchEvents = new Set<number>();
    this.eventNames.forEach((name, i) => {
      if (name === 'sched_switch' || name.endsWith(':sched_switch')) switchEvents.add(i);
    });
    const c = this.samples.cols;
    const result = schedule(
      {
        samples: { length: this.samples.length, timeNs: c.timeNs, cpu: c.cpu, thread: c.thread, event: c.event, stack: c.stack },
        tidOf: this.threads.cols.tid,
        isSwitchEvent: (e) => switchEvents.has(e),
        switches,
        wakeups,
        lost: this.lostMarks.toTable(),
        startNs: minT,
        endNs: maxT,
      },
      (id) => this.strings.strings[id] ?? '',
    );
    if (result.offCpu.length > 0) this.addOffCpuSamples(result.offCpu);
    return result;
  }

  private addOffCpuSamples(intervals: readonly OffCpuInterval[]): void {
    const event = this.eventType(OFF_CPU_EVENT, 'ns');
    this.derivedEvents.add(event);
    const rooted = this.stacksUnderRoots();
    for (const iv of intervals) {
      this.record();
      const stack = rooted(this.frame(offCpuStateFrame(this.strings.strings[iv.state] ?? ''), '', ''), iv.stack);
      const i = this.samples.append();
      const c = this.samples.cols;
      c.timeNs[i] = iv.startNs;
      c.stack[i] = stack;
      c.thread[i] = iv.thread;
      c.cpu[i] = iv.cpu;
      c.event[i] = event;
      c.period[i] = 0;
      c.weight[i] = iv.durationNs;
      c.flags[i] = SampleFlag.Derived | (iv.inferred ? SampleFlag.Inferred : 0);
      c.payload[i] = iv.state;
    }
  }

  /** `(rootFrame, stack)` → the same stack under an extra root frame, memoised per stack node. */
  private stacksUnderRoots(): (rootFrame: number, stack: number) => number {
    const memo = new Map<number, Map<number, number>>();
    const chain: number[] = [];
    return (rootFrame, stack) => {
      let under = memo.get(rootFrame);
      if (!under) memo.set(rootFrame, (under = new Map()));
      chain.length = 0;
      let s = stack;
      let node: number | undefined;
      while (s >= 0 && (node = under.get(s)) === undefined) {
        chain.push(s);
        s = this.stacks.cols.parent[s] as number;
      }
      if (s < 0) node = this.child(-1, rootFrame);
      for (let k = chain.length - 1; k >= 0; k--) {
        const st = chain[k] as number;
        node = this.child(node as number, this.stacks.cols.frame[st] as number);
        under.set(st, node);
      }
      return node as number;
    };
  }
}

const STATE_NAMES: Readonly<Record<string, string>> = {
  R: 'preempted',
  'R+': 'preempted',
  S: 'sleeping',
  D: 'uninterruptible',
  T: 'stopped',
  t: 'traced',
  X: 'dead',
  Z: 'zombie',
  P: 'parked',
  I: 'idle',
};

/** Root frame of off-CPU stacks switched out in prev_state `state`: `[S sleeping]`, `[D uninterruptible]`, `[R preempted]`. */
export function offCpuStateFrame(state: string): string {
  const name = STATE_NAMES[state] ?? (state.startsWith('D') ? 'uninterruptible' : state.startsWith('S') ? 'sleeping' : '');
  return name ? `[${state} ${name}]` : `[${state || '?'}]`;
}
