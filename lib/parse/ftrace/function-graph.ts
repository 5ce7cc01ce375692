/**
 * Call stacks with durations from function_graph output. Every completed call becomes one
 * sample: its stack is the call path (root first), its weight the call's self time in ns
 * (its duration minus its children's), its time the call's start when the output has times.
 *
 * Nesting is tracked per task, not per CPU: a task that sleeps inside `schedule() {` returns
 * from it later, maybe on another CPU. The task is the proc column when printed, else the one
 * named by the CPU's last context-switch marker (` 0)  sh-1 => sleep-2`). Before a CPU's first
 * marker its lines belong to a placeholder task whose samples wait (up to a bound) for that
 * marker to name the task that ran (`CPU n` when none ever does).
 *
 * The indentation gives each line's depth, which resynchronises after lost records: an entry
 * at a depth already open means the open call's return was lost (warned, no sample); a return
 * with no open entry at its depth (the trace started inside the call, or a task returns from a
 * `schedule()` entered before the trace) becomes a sample under the calls still open, with the
 * time of its orphaned children subtracted. Its name is the `/* func *\/` the kernel prints,
 * else, as the kernel does, the last entry seen at that depth on that CPU.
 */
import type { ProfileBuilder } from '../../profile/builder';
import { SampleFlag } from '../../profile/types';
import { detach } from '../../util/intern';
import type { FrameCache } from './frames';
import { GL, GraphKind, parseGraphPayload } from './graph-line';
import { Task } from './graph-task';

const G_OPEN = GraphKind.Open;
const G_LEAF = GraphKind.Leaf;
const G_CLOSE = GraphKind.Close;
const G_COMMENT = GraphKind.Comment;
const G_IRQ = GraphKind.Irq;
const G_SWITCH = GraphKind.Switch;
const G_SEPARATOR = GraphKind.Separator;
const G_OVERRUN = GraphKind.Overrun;
const G_NONE = GraphKind.None;
const UNFILTERABLE = SampleFlag.PerlUnfilterable;

/** Deeper nesting is ignored with a warning (the kernel stops at 50 or so). */
export const MAX_GRAPH_DEPTH = 1024;

/** Receives events that function_graph prints as comments (`/* sched_switch: … *\/`). */
export interface GraphHost {
  graphComment(text: string, timeNs: number, cpu: number, thread: number, tid: number, lineNo: number): void;
}

export class FunctionGraph {
  /**
   * The input is tracefs function_graph output: set by a `# tracer: function_graph` header or
   * the first line with graph columns. Lines without columns are graph lines only then.
   */
  active = false;
  private readonly tasks = new Map<number, Task>();
  private readonly cpuTask: (Task | undefined)[] = [];
  /** Per CPU (index cpu + 1), the function entered last at each depth (-1 none): the kernel's enter_funcs. */
  private readonly entered: Int32Array[] = [];
  private event = -1;

  constructor(
    private readonly builder: ProfileBuilder,
    private readonly frames: FrameCache,
    private readonly host: GraphHost,
  ) {}

  /**
   * A tracefs function_graph line that `parseGraphLine` just parsed into GL (as `kind`); false
   * when it is not one (a line without graph columns before the output is known to be graph).
   */
  line(kind: number, text: string, lineNo: number): boolean {
    const gl = GL;
    if (kind === G_NONE) return false;
    if (!this.active && !gl.strong) return kind === G_SEPARATOR; // a dashed line is harmless anywhere
    this.active = true;
    if (kind === G_SWITCH) {
      this.contextSwitch(text);
      return true;
    }
    if (kind === G_SEPARATOR || kind === G_IRQ || kind === G_OVERRUN) return true;
    const cpu = gl.cpu;
    let task: Task;
    if (gl.procPid >= 0) task = this.task(gl.procPid, text, gl.procCommStart, gl.procCommEnd);
    else task = (cpu >= 0 ? this.cpuTask[cpu] : undefined) ?? this.placeholder(cpu);
    if (cpu >= 0) this.cpuTask[cpu] = task;
    const timeNs = gl.hasTime ? this.builder.relNs('boot', gl.sec, gl.nsOfSec) : NaN;
    this.record(kind, text, task, cpu, timeNs, lineNo);
    return true;
  }

  /** trace-cmd's `funcgraph_entry` / `funcgraph_exit` payload (from right after the colon). */
  payload(text: string, from: number, lineNo: number, timeNs: number, cpu: number, thread: number, tid: number): boolean {
    const kind = parseGraphPayload(text, from);
    if (kind === G_NONE) return false;
    let task = this.tasks.get(tid);
    if (task === undefined) this.tasks.set(tid, (task = new Task(tid, thread, tid, '', false)));
    task.thread = thread;
    this.record(kind, text, task, cpu, timeNs, lineNo);
    return true;
  }

  /** Emits what placeholder tasks still hold (end of input). Calls still open have no sample. */
  finish(): void {
    for (const task of this.tasks.values()) this.flushDeferred(task);
  }

  private record(kind: number, text: string, task: Task, cpu: number, timeNs: number, lineNo: number): void {
    const gl = GL;
    const depth = gl.depth;
    switch (kind) {
      case G_OPEN: {
        const frame = this.frames.kernel(text.slice(gl.nameStart, gl.nameEnd));
        this.setEntered(cpu, depth, frame);
        this.open(task, frame, depth, timeNs, lineNo);
        return;
      }
      case G_LEAF: {
        const frame = this.frames.kernel(text.slice(gl.nameStart, gl.nameEnd));
        this.setEntered(cpu, depth, -1);
        this.popDeeper(task, depth - 1, lineNo);
        const parent = task.size > 0 ? (task.node[task.size - 1] as number) : -1;
        const dur = Number.isNaN(gl.durNs) ? 0 : gl.durNs;
        this.emit(task, this.builder.child(parent, frame), timeNs, dur, cpu);
        this.account(task, depth, dur);
        return;
      }
      case G_CLOSE: {
        const frame = gl.nameEnd > gl.nameStart ? this.frames.kernel(text.slice(gl.nameStart, gl.nameEnd)) : -1;
        // The kernel leaves the name out when it is the CPU's last entry at this depth.
        const entered = this.setEntered(cpu, depth, -1);
        this.close(task, frame, entered, depth, gl.durNs, timeNs, cpu, lineNo);
        return;
      }
      case G_COMMENT:
        if (!Number.isNaN(timeNs) && gl.nameEnd > gl.nameStart) this.host.graphComment(text.slice(gl.nameStart, gl.nameEnd), timeNs, cpu, task.thread, task.tid, lineNo);
        return;
    }
  }

  private open(task: Task, frame: number, level: number, timeNs: number, lineNo: number): void {
    this.popDeeper(task, level - 1, lineNo);
    if (task.size >= MAX_GRAPH_DEPTH) {
      this.builder.warn(lineNo, `calls nested deeper than ${MAX_GRAPH_DEPTH}; this one is ignored`);
      return;
    }
    const parent = task.size > 0 ? (task.node[task.size - 1] as number) : -1;
    task.push(frame, this.builder.child(parent, frame), level, timeNs);
    task.takeOrphans(level);
  }

  /** A return at depth `level`; `frame` -1 when unnamed, then `entered` names it if it has no open entry. */
  private close(task: Task, frame: number, entered: number, level: number, durNs: number, timeNs: number, cpu: number, lineNo: number): void {
    this.popDeeper(task, level, lineNo);
    const top = task.size - 1;
    if (top >= 0 && task.level[top] === level) {
      if (frame < 0 || frame === task.frame[top]) {
        task.size--;
        const start = task.start[top] as number;
        const measured = Number.isNaN(durNs) ? timeNs - start : durNs;
        const dur = Number.isNaN(measured) ? 0 : measured;
        this.emit(task, task.node[top] as number, Number.isNaN(start) ? timeNs - dur : start, dur - (task.child[top] as number), cpu);
        this.account(task, level, dur);
        return;
      }
      this.builder.warn(lineNo, `return of ${this.frames.nameOf(frame)}() at the depth of ${this.frames.nameOf(task.frame[top] as number)}(): that call's return was lost`);
      task.size--;
    }
    const dur = Number.isNaN(durNs) ? 0 : durNs;
    const orphans = task.takeOrphans(level);
    if (frame < 0) frame = entered;
    if (frame >= 0) {
      // A return whose entry was not seen: a call of its own, under the calls still open.
      const parent = task.size > 0 ? (task.node[task.size - 1] as number) : -1;
      this.emit(task, this.builder.child(parent, frame), timeNs - dur, dur - orphans, cpu);
    } else {
      this.builder.warn(lineNo, 'return of an unnamed call whose entry was not seen; its time is not counted');
    }
    this.account(task, level, dur);
  }

  /**
   * Drops open calls deeper than `level`: their returns were lost, so they get no sample, but
   * the time of their completed children still counts as time in their callers.
   */
  private popDeeper(task: Task, level: number, lineNo: number): void {
    while (task.size > 0 && (task.level[task.size - 1] as number) > level) {
      const top = --task.size;
      this.builder.warn(lineNo, `${this.frames.nameOf(task.frame[top] as number)}() never returned (its return was lost); dropped`);
      this.account(task, task.level[top] as number, task.child[top] as number);
    }
  }

  /** Adds a completed call's duration to its caller's children (or to the orphans at its depth). */
  private account(task: Task, level: number, dur: number): void {
    const top = task.size - 1;
    if (top >= 0 && task.level[top] === level - 1) task.child[top] = (task.child[top] as number) + dur;
    else if (level > 0) task.addOrphan(level, dur);
  }

  private emit(task: Task, node: number, timeNs: number, selfNs: number, cpu: number): void {
    const weight = selfNs > 0 ? selfNs : 0;
    if (task.deferring && task.defer(timeNs, node, weight, cpu)) return;
    if (task.deferring) this.flushDeferred(task);
    this.sample(task.thread, node, timeNs, weight, cpu);
  }

  private sample(thread: number, node: number, timeNs: number, weight: number, cpu: number): void {
    if (this.event < 0) this.event = this.builder.eventType('function_graph', 'ns');
    this.builder.sample(timeNs, node, thread, cpu, this.event, 0, weight, UNFILTERABLE, 0);
  }

  private flushDeferred(task: Task): void {
    if (!task.deferring) return;
    const d = task.deferred;
    for (let i = 0; i < d.count; i++) this.sample(task.thread, d.node[i] as number, d.time[i] as number, d.weight[i] as number, d.cpu[i] as number);
    task.stopDeferring();
  }

  /** Records the CPU's last entry at `depth` (the kernel's enter_funcs); returns the one it replaces. */
  private setEntered(cpu: number, depth: number, frame: number): number {
    let e = this.entered[cpu + 1];
    if (e === undefined || depth >= e.length) {
      const next = new Int32Array(Math.max(64, depth + 1, (e?.length ?? 0) * 2)).fill(-1);
      if (e !== undefined) next.set(e);
      this.entered[cpu + 1] = e = next;
    }
    const old = e[depth] as number;
    e[depth] = frame;
    return old;
  }

  private task(pid: number, text: string, commStart: number, commEnd: number): Task {
    let task = this.tasks.get(pid);
    if (task !== undefined && commEnd - commStart === task.comm.length && text.startsWith(task.comm, commStart)) return task;
    const comm = detach(text.slice(commStart, commEnd));
    const thread = this.builder.thread(comm, -1, pid);
    if (task === undefined) this.tasks.set(pid, (task = new Task(pid, thread, pid, comm, false)));
    task.thread = thread;
    task.comm = comm;
    return task;
  }

  private placeholder(cpu: number): Task {
    const key = -2 - cpu;
    let task = this.tasks.get(key);
    if (task === undefined) {
      const comm = cpu >= 0 ? `CPU ${cpu}` : 'unknown task';
      this.tasks.set(key, (task = new Task(key, this.builder.thread(comm, -1, 0), 0, comm, cpu >= 0)));
    }
    return task;
  }

  private contextSwitch(text: string): void {
    const gl = GL;
    const cpu = gl.cpu;
    const cur = this.cpuTask[cpu];
    const prev = gl.prevPid;
    if (cur !== undefined && cur.key < -1) {
      // The CPU's lines so far were the marker's left-hand task: it takes over the placeholder.
      this.tasks.delete(cur.key);
      const named = this.task(prev, text, gl.prevCommStart, gl.prevCommEnd);
      cur.thread = named.thread;
      this.flushDeferred(cur);
      if (named.size === 0) {
        cur.key = prev;
        cur.tid = prev;
        cur.comm = named.comm;
        this.tasks.set(prev, cur);
      }
    }
    this.cpuTask[cpu] = this.task(gl.nextPid, text, gl.nextCommStart, gl.nextCommEnd);
  }
}
