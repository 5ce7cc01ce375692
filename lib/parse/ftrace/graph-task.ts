/** Per-task state of the function_graph reader (function-graph.ts). */
import { grown } from '../../util/growable';

/** A placeholder task holds at most this many samples while it waits to learn its task. */
export const MAX_DEFERRED = 1 << 16;

/** Samples of a placeholder task, emitted once a context-switch marker names the task. */
export class Deferred {
  count = 0;
  time = new Float64Array(64);
  node = new Int32Array(64);
  weight = new Float64Array(64);
  cpu = new Int32Array(64);

  push(timeNs: number, node: number, weight: number, cpu: number): boolean {
    if (this.count === MAX_DEFERRED) return false;
    if (this.count === this.time.length) {
      const cap = this.count * 2;
      this.time = grown(this.time, cap);
      this.node = grown(this.node, cap);
      this.weight = grown(this.weight, cap);
      this.cpu = grown(this.cpu, cap);
    }
    const i = this.count++;
    this.time[i] = timeNs;
    this.node[i] = node;
    this.weight[i] = weight;
    this.cpu[i] = cpu;
    return true;
  }
}

/** A task's open calls (parallel arrays, `size` deep) and the time of its orphaned calls. */
export class Task {
  size = 0;
  frame = new Int32Array(32);
  node = new Int32Array(32);
  /** Depth printed for each open call. */
  level = new Int32Array(32);
  start = new Float64Array(32);
  /** Time spent in each open call's completed children. */
  child = new Float64Array(32);
  /** Time of completed calls at each depth whose caller's entry was never seen. */
  orphan = new Float64Array(32);
  deferring: boolean;
  deferred = new Deferred();

  constructor(
    /** Key in the task map: the tid, or a negative placeholder key. */
    public key: number,
    public thread: number,
    public tid: number,
    public comm: string,
    deferring: boolean,
  ) {
    this.deferring = deferring;
  }

  push(frame: number, node: number, level: number, startNs: number): void {
    if (this.size === this.frame.length) this.grow();
    const i = this.size++;
    this.frame[i] = frame;
    this.node[i] = node;
    this.level[i] = level;
    this.start[i] = startNs;
    this.child[i] = 0;
  }

  addOrphan(level: number, ns: number): void {
    if (level >= this.orphan.length) this.orphan = grown(this.orphan, Math.max(level + 1, this.orphan.length * 2));
    this.orphan[level] = (this.orphan[level] as number) + ns;
  }

  /** Takes the orphaned time of calls deeper than `level`. */
  takeOrphans(level: number): number {
    let sum = 0;
    for (let l = level + 1; l < this.orphan.length; l++) {
      const v = this.orphan[l] as number;
      if (v !== 0) {
        sum += v;
        this.orphan[l] = 0;
      }
    }
    return sum;
  }

  /** Holds a sample while the task is a placeholder; false when the buffer is full. */
  defer(timeNs: number, node: number, weight: number, cpu: number): boolean {
    return this.deferred.push(timeNs, node, weight, cpu);
  }

  stopDeferring(): void {
    this.deferring = false;
    this.deferred = new Deferred();
  }

  private grow(): void {
    const cap = this.frame.length * 2;
    this.frame = grown(this.frame, cap);
    this.node = grown(this.node, cap);
    this.level = grown(this.level, cap);
    this.start = grown(this.start, cap);
    this.child = grown(this.child, cap);
  }
}
