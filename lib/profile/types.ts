/**
 * The profile model: one frozen, columnar Profile per node. It knows nothing of file formats,
 * HTTP or pixels. Tables are parallel typed arrays indexed by branded-by-name indices
 * (frame index, stack index, thread index, event index); strings are interned in `strings`.
 * All times are nanoseconds relative to the node's capture start (`timeNs`), with the source
 * clock kept in `meta.clock` so absolute times can be recovered.
 */

export const FRAME_KINDS = ['user', 'kernel', 'jit'] as const;
export type FrameKind = (typeof FRAME_KINDS)[number];
export const FrameKindCode = { user: 0, kernel: 1, jit: 2 } as const;

export type ClockKind = 'boot' | 'epoch' | 'none';

export interface FrameTable {
  readonly length: number;
  /** Symbol as printed, `+0x…` offset removed (string index). */
  readonly symbol: Uint32Array;
  /** Module / DSO without parentheses, '' when absent (string index). */
  readonly module: Uint32Array;
  /** Raw address, kept only for `[unknown]` symbols (string index, 0 = none). */
  readonly address: Uint32Array;
  /** FrameKindCode. */
  readonly kind: Uint8Array;
}

/** Stack trie by prefix: a stack is its leaf node; `parent` is -1 at the root. */
export interface StackTable {
  readonly length: number;
  readonly parent: Int32Array;
  readonly frame: Uint32Array;
}

export interface ThreadTable {
  readonly length: number;
  readonly comm: Uint32Array;
  /** -1 when the capture does not say (perf's default output prints only the TID). */
  readonly pid: Int32Array;
  /** -1 when unknown (perf's `:-1 -1` records of exiting threads). */
  readonly tid: Int32Array;
}

export interface EventType {
  readonly name: string;
  readonly samples: number;
  readonly weight: number;
}

/** Sample flags. */
export const SampleFlag = {
  /** The event line ends with a payload, so stackcollapse-perf.pl cannot see (or filter) its event name. */
  PerlUnfilterable: 1,
} as const;

export interface SampleTable {
  readonly length: number;
  /** ns since capture start; sorted ascending. */
  readonly timeNs: Float64Array;
  /** Leaf stack index, -1 for a sample without frames. */
  readonly stack: Int32Array;
  readonly thread: Uint32Array;
  /** -1 when unknown. */
  readonly cpu: Int32Array;
  readonly event: Uint16Array;
  /** The period perf printed, 0 when it printed none. */
  readonly period: Float64Array;
  /** What stackcollapse-perf.pl counts for the sample: the period when printed, else 1. */
  readonly weight: Float64Array;
  readonly flags: Uint8Array;
  /** Payload of a generic event (string index, 0 = none or decoded into another table). */
  readonly payload: Uint32Array;
}

/** Syscall flags. */
export const SyscallFlag = {
  /** Entered but never seen returning (exit_group, a capture that ends mid-call). */
  Unfinished: 1,
  /** Failed: a negative errno (-1 E… in strace), or ? ERESTART… */
  Error: 2,
  /** strace printed it as `<unfinished ...>` … `<... resumed>`. */
  Resumed: 4,
} as const;

/** Syscalls as intervals, sorted by start. */
export interface SyscallTable {
  readonly length: number;
  readonly startNs: Float64Array;
  /** NaN when the call never returned within the capture. */
  readonly durationNs: Float64Array;
  readonly thread: Uint32Array;
  readonly cpu: Int32Array;
  /** Syscall name (string index). */
  readonly name: Uint32Array;
  /** Return value; NaN when unknown (`= ?`, unfinished). */
  readonly ret: Float64Array;
  /** errno name (string index, 0 = none). */
  readonly errno: Uint32Array;
  readonly flags: Uint8Array;
}

/** Who ran on each CPU when (from sched_switch), sorted by start. */
export interface SchedTable {
  readonly length: number;
  readonly cpu: Int32Array;
  readonly startNs: Float64Array;
  readonly endNs: Float64Array;
  readonly thread: Uint32Array;
  /** prev_state when the task was switched out (string index: R, S, D, X, …; 0 = still running at the end). */
  readonly endState: Uint32Array;
}

export interface ParseWarning {
  readonly line: number;
  readonly message: string;
}

export interface ProfileMeta {
  /** Parser that produced the profile, e.g. 'perf-script'. */
  readonly format: string;
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

export interface Profile {
  readonly meta: ProfileMeta;
  readonly strings: readonly string[];
  readonly frames: FrameTable;
  readonly stacks: StackTable;
  readonly threads: ThreadTable;
  readonly eventTypes: readonly EventType[];
  /** Event stackcollapse-perf.pl would default its filter to (first filterable event seen), -1 if none. */
  readonly defaultEvent: number;
  readonly samples: SampleTable;
  readonly syscalls: SyscallTable;
  readonly sched: SchedTable;
}
