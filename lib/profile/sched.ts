/**
 * The scheduler as the capture shows it: who ran on each CPU, how long each task was off CPU
 * (and in which state, blocked in which stack), and how long it waited to run once runnable.
 *
 * Kernels do not always emit every switch (on some machines a CPU's switches *from* idle never
 * appear), and ring buffers lose records. So switches are not the only evidence: every record
 * names the task running on its CPU at its time (a sys_enter, a wakeup sent, a sample). The
 * rules, per CPU, in record order:
 * - before a CPU's first record, and after records were lost on it, its occupant is unknown;
 * - a record of task E makes E the occupant from then on (if the CPU was idle, the idle time
 *   ends there: the switch from idle was not traced);
 * - a record that contradicts the occupant (another task, without a switch between) ends the
 *   occupant's slice at its last record and leaves the gap unknown.
 * Busy time is never claimed without a record of the task on that CPU.
 *
 * Per task, off-CPU time runs from its switch out to its next switch in, or to its first record
 * after the switch out when the switch in was not traced (flagged Inferred). Scheduler latency
 * runs from becoming runnable (sched_waking, sched_wakeup, sched_wakeup_new, or a switch out
 * with prev_state R) to running. Intervals still open when the capture ends, or open across
 * lost records, are not counted.
 */
import { stableTimeOrder, permuteTable } from './columns';
import { declareTable, TableBuilder, type Table } from './table';
import { RUNQ_COLUMNS, RunqCause, RunqFlag, SCHED_COLUMNS, UNKNOWN_THREAD, type RunqTable, type SchedTable } from './types';

/** The builder's context switches (sched_switch records), in arrival order. */
export const SWITCH_COLUMNS = declareTable({
  /** From relNs(): not yet relative to the capture start. */
  timeNs: 'f64',
  cpu: 'i32',
  /** Thread switched out. */
  prev: 'u32',
  /** Its prev_state (string index). */
  prevState: 'u32',
  /** Thread switched in. */
  next: 'u32',
  /** Samples appended before this record (its place in the record order). */
  samplesBefore: 'u32',
});
export type SwitchTable = Table<typeof SWITCH_COLUMNS>;

/** The builder's wakeups (sched_wakeup, sched_waking, sched_wakeup_new), in arrival order. */
export const WAKEUP_COLUMNS = declareTable({
  timeNs: 'f64',
  /** Thread woken. */
  thread: 'u32',
  /** Thread that woke it (the task the record ran in), and its CPU. */
  waker: 'u32',
  cpu: 'i32',
  /** RunqCause (Wakeup, Waking or WakeupNew). */
  cause: 'u8',
  samplesBefore: 'u32',
});
export type WakeupTable = Table<typeof WAKEUP_COLUMNS>;

/** Places where a CPU's records were lost (ring buffer overruns), in arrival order. */
export const LOST_COLUMNS = declareTable({
  cpu: 'i32',
  samplesBefore: 'u32',
});
export type LostTable = Table<typeof LOST_COLUMNS>;

/** What schedule() reads of the builder's samples and threads (arrival order, times from relNs()). */
export interface ScheduleInput {
  readonly samples: { readonly length: number; readonly timeNs: Float64Array; readonly cpu: Int32Array; readonly thread: Uint32Array; readonly event: Uint16Array; readonly stack: Int32Array };
  /** TID of each thread index (-1 unknown, 0 idle). */
  readonly tidOf: Int32Array;
  /** Per event index: is it a sched_switch (its samples are the switches' own records)? */
  readonly isSwitchEvent: (event: number) => boolean;
  readonly switches: SwitchTable;
  readonly wakeups: WakeupTable;
  readonly lost: LostTable;
  /** Capture start and end, in relNs() time. */
  readonly startNs: number;
  readonly endNs: number;
}

/** An off-CPU interval, in relNs() time. */
export interface OffCpuInterval {
  startNs: number;
  durationNs: number;
  thread: number;
  cpu: number;
  /** prev_state (string index). */
  state: number;
  /** Stack of the sched_switch record that switched it out (-1 when it had none). */
  stack: number;
  inferred: boolean;
}

export interface Schedule {
  /** Relative to startNs, sorted by start. */
  slices: SchedTable;
  /** Relative to startNs, sorted by readyNs. */
  runq: RunqTable;
  /** In relNs() time, in the order they ended. */
  offCpu: OffCpuInterval[];
}

const K_SAMPLE = 0;
const K_SWITCH = 1;
const K_WAKEUP = 2;
const K_LOST = 3;

interface CpuState {
  known: boolean;
  thread: number;
  tid: number;
  since: number;
  lastSeen: number;
}

interface TaskState {
  /** Thread index to attribute the task's intervals to: its record lines' thread when seen, else a switch's or wakeup's. */
  thread: number;
  running: boolean;
  offSince: number;
  offState: number;
  offStack: number;
  offThread: number;
  offCpu: number;
  readySince: number;
  readyCause: number;
  readyWaker: number;
}

/** How far after a switch's place its own sample may come (ftrace appends it after its stack block). */
const OWN_SAMPLE_WINDOW = 64;

/** Is a prev_state "still runnable" (R, R+: preempted)? */
export function isPreemptedState(state: string): boolean {
  return state === 'R' || state === 'R+';
}

export function schedule(input: ScheduleInput, stateText: (id: number) => string): Schedule {
  const { samples, tidOf, switches, wakeups, lost } = input;
  const order = recordOrder(input);
  const { kind, index, time, byTime } = order;
  const start = input.startNs;

  const slices = new TableBuilder(SCHED_COLUMNS, switches.length * 2 + 16);
  const slice = (cpu: number, a: number, z: number, thread: number, endState: number) => {
    if (!(z > a)) return;
    const r = slices.append();
    const c = slices.cols;
    c.cpu[r] = cpu;
    c.startNs[r] = a - start;
    c.endNs[r] = z - start;
    c.thread[r] = thread;
    c.endState[r] = endState;
  };
  const runq = new TableBuilder(RUNQ_COLUMNS, 256);
  const offCpu: OffCpuInterval[] = [];

  const cpus = new Map<number, CpuState>();
  const cpuOf = (c: number): CpuState => {
    let s = cpus.get(c);
    if (!s) cpus.set(c, (s = { known: false, thread: UNKNOWN_THREAD, tid: -1, since: start, lastSeen: start }));
    return s;
  };
  const become = (s: CpuState, thread: number, tid: number, t: number) => {
    s.known = true;
    s.thread = thread;
    s.tid = tid;
    s.since = t;
    s.lastSeen = t;
  };
  /** A record of task `tid` on CPU c at t. */
  const occupant = (c: number, thread: number, tid: number, t: number) => {
    const s = cpuOf(c);
    if (!s.known) {
      slice(c, s.since, t, UNKNOWN_THREAD, 0);
      become(s, thread, tid, t);
    } else if (s.tid === tid) {
      s.lastSeen = t;
    } else if (s.tid === 0) {
      // Idle, then a task's record: the switch from idle was not traced.
      slice(c, s.since, t, s.thread, 0);
      become(s, thread, tid, t);
    } else {
      // Another task than the one we knew, without a switch between: a gap we cannot tell.
      slice(c, s.since, s.lastSeen, s.thread, 0);
      slice(c, s.lastSeen, t, UNKNOWN_THREAD, 0);
      become(s, thread, tid, t);
    }
  };

  const tasks = new Map<number, TaskState>();
  const taskOf = (tid: number, thread: number): TaskState => {
    let s = tasks.get(tid);
    if (!s) tasks.set(tid, (s = { thread, running: false, offSince: NaN, offState: 0, offStack: -1, offThread: thread, offCpu: -1, readySince: NaN, readyCause: 0, readyWaker: UNKNOWN_THREAD }));
    return s;
  };
  /** Task `tid` runs at t on `cpu`: its off-CPU and waiting intervals end. */
  const taskOn = (s: TaskState, cpu: number, t: number, inferred: boolean) => {
    if (s.running) return;
    s.running = true;
    if (!Number.isNaN(s.offSince)) {
      offCpu.push({ startNs: s.offSince, durationNs: t - s.offSince, thread: s.offThread, cpu: s.offCpu, state: s.offState, stack: s.offStack, inferred });
      s.offSince = NaN;
    }
    if (!Number.isNaN(s.readySince)) {
      const r = runq.append();
      const c = runq.cols;
      c.readyNs[r] = s.readySince - start;
      c.latencyNs[r] = t - s.readySince;
      c.thread[r] = s.thread;
      c.cpu[r] = cpu;
      c.cause[r] = s.readyCause;
      c.waker[r] = s.readyWaker;
      c.flags[r] = inferred ? RunqFlag.Inferred : 0;
      s.readySince = NaN;
    }
  };

  /** A record of thread `th` on `cpu` at t: evidence of who runs there, and that the task runs. */
  const record = (th: number, cpu: number, t: number) => {
    const tid = tidOf[th] as number;
    if (tid < 0) return;
    if (cpu >= 0) occupant(cpu, th, tid, t);
    if (tid > 0) {
      const task = taskOf(tid, th);
      task.thread = th;
      taskOn(task, cpu, t, true);
    }
  };

  for (let o = 0; o < byTime.length; o++) {
    const k = byTime[o] as number;
    const i = index[k] as number;
    const t = time[k] as number;
    switch (kind[k]) {
      case K_SAMPLE:
        record(samples.thread[i] as number, samples.cpu[i] as number, t);
        break;
      case K_SWITCH: {
        const c = switches.cpu[i] as number;
        const prev = switches.prev[i] as number;
        const next = switches.next[i] as number;
        const state = switches.prevState[i] as number;
        const prevTid = tidOf[prev] as number;
        const nextTid = tidOf[next] as number;
        const s = cpuOf(c);
        if (s.known && s.tid === prevTid) slice(c, s.since, t, s.thread, state);
        else if (s.known && s.tid === 0) slice(c, s.since, t, s.thread, 0); // idle until this record of prev
        else if (s.known) {
          slice(c, s.since, s.lastSeen, s.thread, 0);
          slice(c, s.lastSeen, t, UNKNOWN_THREAD, 0);
        } else slice(c, s.since, t, UNKNOWN_THREAD, 0);
        become(s, next, nextTid, t);
        if (prevTid > 0) {
          // prev ran until now (perhaps since a switch in that was not traced), then leaves.
          const own = ownSample(input, i, c, t, prevTid);
          const task = taskOf(prevTid, prev);
          if (own >= 0) task.thread = samples.thread[own] as number;
          taskOn(task, c, t, true);
          task.running = false;
          task.offSince = t;
          task.offState = state;
          task.offStack = own >= 0 ? (samples.stack[own] as number) : -1;
          task.offThread = task.thread;
          task.offCpu = c;
          const preempted = isPreemptedState(stateText(state));
          task.readySince = preempted ? t : NaN;
          task.readyCause = RunqCause.Preempted;
          task.readyWaker = UNKNOWN_THREAD;
        }
        if (nextTid > 0) taskOn(taskOf(nextTid, next), c, t, false);
        break;
      }
      case K_WAKEUP: {
        // The waker's record first (its own sample says the same, later): a task waking itself is running.
        record(wakeups.waker[i] as number, wakeups.cpu[i] as number, t);
        const th = wakeups.thread[i] as number;
        const tid = tidOf[th] as number;
        if (tid <= 0) break;
        const task = taskOf(tid, th);
        if (task.running || !Number.isNaN(task.readySince)) break; // already runnable: the first wakeup counts
        task.readySince = t;
        task.readyCause = wakeups.cause[i] as number;
        task.readyWaker = wakeups.waker[i] as number;
        break;
      }
      case K_LOST: {
        const c = lost.cpu[i] as number;
        const s = cpuOf(c);
        if (s.known) {
          slice(c, s.since, s.lastSeen, s.thread, 0);
          s.known = false;
          s.since = s.lastSeen;
        }
        // Any task may have run (and blocked again) unseen: open intervals are not trusted.
        for (const task of tasks.values()) {
          task.offSince = NaN;
          task.readySince = NaN;
          task.running = false;
        }
        break;
      }
    }
  }
  const end = input.endNs;
  for (const [c, s] of cpus) slice(c, s.since, Math.max(s.since, end), s.known ? s.thread : UNKNOWN_THREAD, 0);

  const sl = slices.toTable();
  const rq = runq.toTable();
  return {
    slices: permuteTable(SCHED_COLUMNS, sl, stableTimeOrder(sl.startNs)),
    runq: permuteTable(RUNQ_COLUMNS, rq, stableTimeOrder(rq.readyNs)),
    offCpu,
  };
}

/** The sample that is switch `i`'s own record (same CPU, time and task), or -1. */
function ownSample(input: ScheduleInput, i: number, cpu: number, t: number, prevTid: number): number {
  const { samples, tidOf, switches } = input;
  const from = switches.samplesBefore[i] as number;
  for (let j = from, end = Math.min(samples.length, from + OWN_SAMPLE_WINDOW); j < end; j++) {
    if (!input.isSwitchEvent(samples.event[j] as number)) continue;
    if ((samples.cpu[j] as number) === cpu && (samples.timeNs[j] as number) === t && (tidOf[samples.thread[j] as number] as number) === prevTid) return j;
  }
  return -1;
}

/**
 * Every record schedule() reads, in time order, ties in arrival order: samples (not those of
 * sched_switch events, which the switch rows stand for), switches, wakeups and lost markers
 * (a marker takes the time of the record before it).
 */
function recordOrder(input: ScheduleInput): { kind: Uint8Array; index: Uint32Array; time: Float64Array; byTime: Uint32Array } {
  const { samples, switches, wakeups, lost } = input;
  let n = switches.length + wakeups.length + lost.length;
  for (let i = 0; i < samples.length; i++) if (keepSample(input, i)) n++;
  const kind = new Uint8Array(n);
  const index = new Uint32Array(n);
  const time = new Float64Array(n);
  let o = 0;
  let sw = 0;
  let wk = 0;
  let ls = 0;
  let last = input.startNs;
  const rowsBefore = (s: number) => {
    // Rows placed before sample s, in table order per kind; between kinds: lost, switch, wakeup.
    while (ls < lost.length && (lost.samplesBefore[ls] as number) <= s) {
      kind[o] = K_LOST;
      index[o] = ls++;
      time[o++] = last;
    }
    while (sw < switches.length && (switches.samplesBefore[sw] as number) <= s) {
      kind[o] = K_SWITCH;
      index[o] = sw;
      time[o++] = last = switches.timeNs[sw++] as number;
    }
    while (wk < wakeups.length && (wakeups.samplesBefore[wk] as number) <= s) {
      kind[o] = K_WAKEUP;
      index[o] = wk;
      time[o++] = last = wakeups.timeNs[wk++] as number;
    }
  };
  for (let i = 0; i < samples.length; i++) {
    rowsBefore(i);
    if (!keepSample(input, i)) continue;
    kind[o] = K_SAMPLE;
    index[o] = i;
    time[o++] = last = samples.timeNs[i] as number;
  }
  rowsBefore(Infinity);
  return { kind, index, time, byTime: stableTimeOrder(time) };
}

function keepSample(input: ScheduleInput, i: number): boolean {
  const { samples } = input;
  if (Number.isNaN(samples.timeNs[i] as number)) return false;
  if ((input.tidOf[samples.thread[i] as number] as number) < 0) return false;
  return !input.isSwitchEvent(samples.event[i] as number);
}
