import type { ProfileBuilder } from '../../profile/builder';

/** What the parser needs to know about a syscall name (one per distinct name, names detached from the input). */
export interface CallInfo {
  readonly name: string;
  /** One-frame stack `name` in module `[syscall]`. */
  readonly stack: number;
  /** clone, clone3, fork, vfork: the return value is a new task. */
  readonly forks: boolean;
  /** execve, execveat: success renames the process. */
  readonly execs: boolean;
}

/** A call printed as `<unfinished ...>`, waiting for its `<... resumed>` half. */
export interface PendingCall {
  readonly call: CallInfo;
  readonly startNs: number;
  /** execve's path (only for execve/execveat). */
  readonly execPath: string;
  /** clone with CLONE_THREAD: the child is a thread of this process. */
  readonly newThread: boolean;
}

export interface Proc {
  /** -1 for lines without a PID column. */
  pid: number;
  tgid: number;
  comm: string;
  /** Where comm came from: the default `pid-N`, the parent at fork time, or an execve. */
  named: 'default' | 'parent' | 'exec';
  /** Builder thread index, -1 until needed (again). */
  thread: number;
  pending: PendingCall | null;
}

/** Key of the process of lines that print no PID (strace without -f, or -f before the first fork). */
export const NO_PID = -1;

/**
 * Tasks by PID and the names they go by: the basename of their last successful execve, else
 * their parent's name at fork time, else `pid-N`. A task's parent is known from the fork's
 * return value, or, when the child prints before that return, guessed as the only task with
 * a fork in progress.
 */
export class ProcessTable {
  private readonly byPid = new Map<number, Proc>();
  private readonly forking = new Set<Proc>();

  constructor(private readonly builder: ProfileBuilder) {}

  /** The task of a line; `resumed` is the syscall name when the line is a `<... resumed>` one. */
  get(pid: number, resumed: string): Proc {
    const known = this.byPid.get(pid);
    if (known) return known;
    if (pid === NO_PID) return this.add(NO_PID, NO_PID, 'pid-?', 'default');
    // `strace -f` to a terminal prints no PID while only one process is traced: the first new
    // PID that is not the child of a fork in progress is that process.
    const unnamed = this.byPid.get(NO_PID);
    if (unnamed && unnamed.pid === NO_PID) {
      const p = unnamed.pending;
      const isChild = p !== null && p.call.forks && p.call.name !== resumed;
      if (!isChild) {
        unnamed.pid = pid;
        unnamed.tgid = pid;
        unnamed.thread = -1;
        this.byPid.set(pid, unnamed);
        return unnamed;
      }
    }
    if (this.forking.size === 1) {
      for (const parent of this.forking) {
        const p = parent.pending as PendingCall;
        return this.add(pid, p.newThread ? parent.tgid : pid, parent.comm, 'parent');
      }
    }
    return this.add(pid, pid, `pid-${pid}`, 'default');
  }

  thread(p: Proc): number {
    if (p.thread < 0) p.thread = this.builder.thread(p.comm, p.tgid, p.pid < 0 ? 0 : p.pid);
    return p.thread;
  }

  setPending(p: Proc, call: PendingCall | null): void {
    p.pending = call;
    if (call?.call.forks) this.forking.add(p);
    else this.forking.delete(p);
  }

  /** A fork-like call of `parent` returned `child`. */
  forked(parent: Proc, child: number, newThread: boolean): void {
    const tgid = newThread ? parent.tgid : child;
    const c = this.byPid.get(child);
    if (!c) {
      this.add(child, tgid, parent.comm, 'parent');
      return;
    }
    if (c.named === 'default') {
      c.comm = parent.comm;
      c.named = 'parent';
      c.thread = -1;
    }
    if (c.tgid !== tgid) {
      c.tgid = tgid;
      c.thread = -1;
    }
  }

  execed(p: Proc, path: string): void {
    const comm = path.slice(path.lastIndexOf('/') + 1);
    if (comm) this.rename(p, comm);
  }

  /** The task's own name: from its execve, or printed by `strace -Y`. */
  rename(p: Proc, comm: string): void {
    p.comm = comm;
    p.named = 'exec';
    p.thread = -1;
  }

  /** The task exited: its PID may be reused for a new task. */
  remove(p: Proc): void {
    this.setPending(p, null);
    for (const [pid, q] of this.byPid) if (q === p) this.byPid.delete(pid);
  }

  /** Tasks with a call still waiting for its `resumed` half. */
  *pendingTasks(): Generator<Proc> {
    const seen = new Set<Proc>();
    for (const p of this.byPid.values()) {
      if (p.pending && !seen.has(p)) {
        seen.add(p);
        yield p;
      }
    }
  }

  private add(pid: number, tgid: number, comm: string, named: Proc['named']): Proc {
    const p: Proc = { pid, tgid, comm, named, thread: -1, pending: null };
    this.byPid.set(pid, p);
    return p;
  }
}
