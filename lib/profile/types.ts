/**
 * The profile model: one frozen, columnar Profile per node. It knows nothing of file formats,
 * HTTP or pixels. Tables are parallel typed arrays indexed by branded-by-name indices
 * (frame index, stack index, thread index, event index); strings are interned in `strings`.
 * All times are nanoseconds relative to the node's capture start (`timeNs`), with the source
 * clock kept in `meta.clock` so absolute times can be recovered. Each table is declared once
 * below (column → typed-array kind); see table.ts for what is derived from the declarations.
 */
import { declareTable, type Table } from './table';

export const FRAME_KINDS = ['user', 'kernel', 'jit'] as const;
export type FrameKind = (typeof FRAME_KINDS)[number];
export const FrameKindCode = { user: 0, kernel: 1, jit: 2 } as const;

export type ClockKind = 'boot' | 'epoch' | 'none';

/** Frames, interned: one row per distinct (symbol, module, address). */
export const FRAME_COLUMNS = declareTable({
  /** Symbol as printed, `+0x…` offset removed (string index). */
  symbol: 'u32',
  /** Module / DSO without parentheses, '' when absent (string index). */
  module: 'u32',
  /** Raw address, kept only for `[unknown]` symbols (string index, 0 = none). */
  address: 'u32',
  /** FrameKindCode. */
  kind: 'u8',
});
export type FrameTable = Table<typeof FRAME_COLUMNS>;

/** Stack trie by prefix: a stack is its leaf node; `parent` is -1 at the root. */
export const STACK_COLUMNS = declareTable({
  parent: 'i32',
  frame: 'u32',
});
export type StackTable = Table<typeof STACK_COLUMNS>;

export const THREAD_COLUMNS = declareTable({
  comm: 'u32',
  /** -1 when the capture does not say (perf's default output prints only the TID). */
  pid: 'i32',
  /** -1 when unknown (perf's `:-1 -1` records of exiting threads). */
  tid: 'i32',
});
export type ThreadTable = Table<typeof THREAD_COLUMNS>;

/**
 * What the summed weights of an event's samples count: 'ns' when a weight is a duration or a
 * clock period (cpu-clock, strace's syscall durations, function_graph self times), 'events' when
 * it is another period (cycles, instructions…), 'samples' when every sample weighs 1.
 */
export type ValueUnit = 'ns' | 'events' | 'samples';

export interface EventType {
  readonly name: string;
  readonly samples: number;
  readonly weight: number;
  readonly unit: ValueUnit;
  /** Made from other records at build time (off-CPU intervals), not read from the capture. */
  readonly derived?: boolean;
}

/** Sample flags. */
export const SampleFlag = {
  /** The event line ends with a payload, so stackcollapse-perf.pl cannot see (or filter) its event name. */
  PerlUnfilterable: 1,
  /** Made at build time from other records (off-CPU time), not a record of the capture. */
  Derived: 2,
  /** A derived interval that ends at the task's first record, because the switch that ran it was not traced. */
  Inferred: 4,
} as const;

/** The derived event whose samples are off-CPU intervals (weight: ns off CPU; payload: prev_state). */
export { OFF_CPU_EVENT } from '../util/derived-events';

export const SAMPLE_COLUMNS = declareTable({
  /** ns since capture start; sorted ascending. */
  timeNs: 'f64',
  /** Leaf stack index, -1 for a sample without frames. */
  stack: 'i32',
  thread: 'u32',
  /** -1 when unknown. */
  cpu: 'i32',
  event: 'u16',
  /** The period perf printed, 0 when it printed none. */
  period: 'f64',
  /** What stackcollapse-perf.pl counts for the sample: the period when printed, else 1. */
  weight: 'f64',
  /** SampleFlag bits. */
  flags: 'u8',
  /** Payload of a generic event (string index, 0 = none or decoded into another table). */
  payload: 'u32',
});
export type SampleTable = Table<typeof SAMPLE_COLUMNS>;

/** Syscall flags. */
export const SyscallFlag = {
  /** Entered but never seen returning (exit_group, a capture that ends mid-call). */
  Unfinished: 1,
  /** Failed: a negative errno (-1 E… in strace), or ? ERESTART… */
  Error: 2,
  /** strace printed it as `<unfinished ...>` … `<... resumed>`. */
  Resumed: 4,
  /**
   * Already running when the capture started (or its entry was lost): a return without its
   * entry. Its row spans from the capture's start to the return (the time seen, a lower bound).
   */
  InFlight: 8,
} as const;

/** Syscalls as intervals, sorted by start. */
export const SYSCALL_COLUMNS = declareTable({
  startNs: 'f64',
  /** NaN when the call never returned within the capture. */
  durationNs: 'f64',
  thread: 'u32',
  cpu: 'i32',
  /** Syscall name (string index). */
  name: 'u32',
  /** Return value; NaN when unknown (`= ?`, unfinished). */
  ret: 'f64',
  /** errno name (string index, 0 = none). */
  errno: 'u32',
  /** SyscallFlag bits. */
  flags: 'u8',
});
export type SyscallTable = Table<typeof SYSCALL_COLUMNS>;

/** `thread` of a CPU slice whose occupant the capture cannot tell (before a CPU's first record, after lost records, between conflicting records). */
export const UNKNOWN_THREAD = 0xffffffff;

/**
 * Who ran on each CPU when, sorted by start: from sched_switch records and from every other
 * record's task and CPU (evidence), see sched.ts. Idle is the task with TID 0.
 */
export const SCHED_COLUMNS = declareTable({
  cpu: 'i32',
  startNs: 'f64',
  endNs: 'f64',
  /** Thread index, or UNKNOWN_THREAD. */
  thread: 'u32',
  /** prev_state when the task was switched out (string index: R, S, D, X, …; 0 = still running at the end). */
  endState: 'u32',
});
export type SchedTable = Table<typeof SCHED_COLUMNS>;

/** Why a task was waiting to run. */
export const RunqCause = {
  /** Switched out while still runnable (prev_state R). */
  Preempted: 0,
  Wakeup: 1,
  Waking: 2,
  /** A new task's first run. */
  WakeupNew: 3,
} as const;
export const RUNQ_CAUSES = ['preempted', 'wakeup', 'waking', 'wakeup_new'] as const;

export const RunqFlag = {
  /** Ends at the task's first record: the switch that ran it was not traced. */
  Inferred: 1,
} as const;

/** Scheduler latency: from becoming runnable (woken, or preempted) to running, sorted by readyNs. */
export const RUNQ_COLUMNS = declareTable({
  readyNs: 'f64',
  latencyNs: 'f64',
  thread: 'u32',
  /** CPU it then ran on (-1 when unknown). */
  cpu: 'i32',
  /** RunqCause. */
  cause: 'u8',
  /** Thread index of the waker, UNKNOWN_THREAD when none (preempted) or unknown. */
  waker: 'u32',
  /** RunqFlag bits. */
  flags: 'u8',
});
export type RunqTable = Table<typeof RUNQ_COLUMNS>;

/**
 * The tables of a Profile, by property name (also their names in the binary codec, in storage
 * order). A table added here is built, stored, permuted and counted like the others.
 */
export const PROFILE_TABLES = Object.freeze({
  frames: FRAME_COLUMNS,
  stacks: STACK_COLUMNS,
  threads: THREAD_COLUMNS,
  samples: SAMPLE_COLUMNS,
  syscalls: SYSCALL_COLUMNS,
  sched: SCHED_COLUMNS,
  runq: RUNQ_COLUMNS,
});
export type ProfileTableName = keyof typeof PROFILE_TABLES;
export type ProfileTables = { readonly [T in ProfileTableName]: Table<(typeof PROFILE_TABLES)[T]> };

export interface ParseWarning {
  readonly line: number;
  readonly message: string;
}

/**
 * Version of the rules that derive syscall rows, CPU slices, off-CPU time and scheduler latency
 * from the records. A stored profile made under older rules (or none: before this field) is
 * parsed again from its raw capture when read, so every view shows what the rules say today.
 */
export const DERIVATION_RULES = 2;

export interface ProfileMeta {
  /** Parser that produced the profile, e.g. 'perf-script'. */
  readonly format: string;
  /** DERIVATION_RULES of the build that made it (absent before version 2 of the rules). */
  readonly rules?: number;
  readonly hostname?: string;
  readonly cmdline?: string;
  readonly capturedOn?: string;
  readonly perfVersion?: string;
  readonly osRelease?: string;
  readonly nrcpusOnline?: number;
  /** Syscall numbering used to name raw syscall numbers. */
  readonly arch?: string;
  /** Event names from the `--header` block. */
  readonly headerEvents: readonly string[];
  /**
   * The samples carry no time of their own (pprof, speedscope without a time unit): they all
   * sit at the capture's start, so time ranges and timelines say nothing about them.
   */
  readonly untimed?: boolean;
  /**
   * Source-clock time of relative 0 (seconds since boot for perf/ftrace, Unix epoch for strace),
   * split into whole seconds and nanoseconds so epoch times stay exact.
   */
  readonly clock: { readonly kind: ClockKind; readonly originSec: number; readonly originNsOfSec: number };
  /** Relative time of the last sample or event. */
  readonly durationNs: number;
  readonly lines: number;
  readonly warningCount: number;
  /** The first warnings (capped), each with its line number. */
  readonly warnings: readonly ParseWarning[];
}

export interface Profile extends ProfileTables {
  readonly meta: ProfileMeta;
  readonly strings: readonly string[];
  readonly eventTypes: readonly EventType[];
  /** Event stackcollapse-perf.pl would default its filter to (first filterable event seen), -1 if none. */
  readonly defaultEvent: number;
}
