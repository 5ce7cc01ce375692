import { Growable } from '../util/growable';
import { StringTable } from '../util/intern';
import { PairMap } from '../util/pair-map';
import { classifyFrame } from './kinds';
import { buildSlices, permute, SampleColumns, sortSyscalls, stableTimeOrder, SyscallColumns } from './columns';
import type { ClockKind, EventType, ParseWarning, Profile, ProfileMeta } from './types';

const MAX_WARNINGS = 100;
/** Frame and stack indices live in Int32Arrays (PairMap, typed columns). */
const FRAME_KEY_SPACE = 0x1000000;
const MAX_STACK_NODES = 2 ** 30;

export type MetaFields = {
  -readonly [K in 'hostname' | 'cmdline' | 'capturedOn' | 'perfVersion' | 'osRelease' | 'arch' | 'nrcpusOnline']?: ProfileMeta[K];
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
  private readonly frameSymbol = new Growable(Uint32Array);
  private readonly frameModule = new Growable(Uint32Array);
  private readonly frameAddress = new Growable(Uint32Array);
  private readonly frameKind = new Growable(Uint8Array);

  private readonly stackIndex = new PairMap();
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
      id = this.frameSymbol.push(this.strings.intern(symbol));
      if (id >= Math.min(FRAME_KEY_SPACE, this.limits.maxFrames)) throw new ModelLimitError(`more than ${Math.min(FRAME_KEY_SPACE, this.limits.maxFrames)} distinct frames`);
      this.frameModule.push(this.strings.intern(module));
      this.frameAddress.push(address ? this.strings.intern(address) : 0);
      this.frameKind.push(classifyFrame(module));
      this.frameIndex.set(key, id);
    }
    return id;
  }

  /** The stack node for `frame` called from `parent` (-1 for a root frame). */
  child(parent: number, frame: number): number {
    let id = this.stackIndex.get(parent, frame);
    if (id < 0) {
      id = this.stackParent.push(parent);
      if (id >= Math.min(MAX_STACK_NODES, this.limits.maxStackNodes)) throw new ModelLimitError(`more than ${Math.min(MAX_STACK_NODES, this.limits.maxStackNodes)} distinct stack nodes`);
      this.stackFrame.push(frame);
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
    this.record();
    this.s.push(timeNs, stack, thread, cpu, event, period, weight, flags, payload);
  }

  /** A syscall interval (times from relNs(); durationNs NaN when it never returned). */
  syscall(startNs: number, durationNs: number, thread: number, cpu: number, name: string, ret: number, errno: string, flags: number): void {
    this.record();
    this.sc.push(startNs, durationNs, thread, cpu, this.strings.intern(name), ret, errno ? this.strings.intern(errno) : 0, flags);
  }

  get syscallCount(): number {
    return this.sc.length;
  }

  /** A context switch on `cpu`: `prev` stops running (leaving in `prevState`), `next` starts. */
  schedSwitch(timeNs: number, cpu: number, prev: number, prevState: string, next: number): void {
    this.record();
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
