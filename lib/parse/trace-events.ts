/**
 * Kernel tracepoints shared by perf script, tracefs text and trace-cmd report: sched_switch
 * (CPU slices, off-CPU time), sched_wakeup/sched_waking/sched_wakeup_new (scheduler latency),
 * raw_syscalls and syscalls:* (syscall intervals). Each parser reads its own line
 * layout, then hands the event name and payload here. The payload texts are the kernel's
 * print formats, plus trace-cmd's compact sched_switch/sched_wakeup forms.
 */
import type { ProfileBuilder } from '../profile/builder';
import { SyscallPairer, syscallName } from '../profile/syscalls';
import { RunqCause } from '../profile/types';

export interface SwitchPayload {
  prevComm: string;
  prevPid: number;
  prevState: string;
  nextComm: string;
  nextPid: number;
}

const KV_SWITCH = /^prev_comm=(.*) prev_pid=(-?\d+) prev_prio=-?\d+ prev_state=(\S+) ==> next_comm=(.*) next_pid=(-?\d+) next_prio=-?\d+\s*$/;
const COMPACT_SWITCH = /^(.*):(-?\d+) \[-?\d+\] (\S+) ==> (.*):(-?\d+) \[-?\d+\]\s*$/;

/** `prev_comm=… prev_pid=… prev_prio=… prev_state=S ==> next_comm=… …` or trace-cmd's `comm:pid [prio] S ==> comm:pid [prio]`. */
export function parseSchedSwitch(payload: string): SwitchPayload | null {
  const m = KV_SWITCH.exec(payload) ?? COMPACT_SWITCH.exec(payload);
  if (!m) return null;
  return { prevComm: m[1] as string, prevPid: Number(m[2]), prevState: m[3] as string, nextComm: m[4] as string, nextPid: Number(m[5]) };
}

export interface WakeupPayload {
  comm: string;
  pid: number;
}

const KV_WAKEUP = /^comm=(.*) pid=(-?\d+) prio=-?\d+(?: success=\d+)? target_cpu=\d+\s*$/;
const COMPACT_WAKEUP = /^(.*):(-?\d+) \[-?\d+\](?: success=\d+)? CPU:\d+\s*$/;

/** `comm=… pid=… prio=… target_cpu=…` or trace-cmd's `comm:pid [prio] CPU:nnn` (older kernels add `success=1`). */
export function parseWakeup(payload: string): WakeupPayload | null {
  const m = KV_WAKEUP.exec(payload) ?? COMPACT_WAKEUP.exec(payload);
  if (!m) return null;
  return { comm: m[1] as string, pid: Number(m[2]) };
}

const WAKEUP_CAUSES: Readonly<Record<string, number>> = { sched_wakeup: RunqCause.Wakeup, sched_waking: RunqCause.Waking, sched_wakeup_new: RunqCause.WakeupNew };

const RAW_ENTER = /^NR (-?\d+) \(/;
const RAW_EXIT = /^NR (-?\d+) = (-?\d+)/;
/** ftrace's syscalls:* print formats: `sys_openat(dfd: …)` and `sys_openat -> 0x3`. */
const FTRACE_SYS_ENTER = /^sys_(\w+)\(/;
const FTRACE_SYS_EXIT = /^sys_(\w+) -> (0x[0-9a-f]+|-?\d+)\s*$/;

/** A 64-bit return value printed in hex (0xfffffffffffffffe) as a signed number (-2). */
export function signedRet(text: string): number {
  if (!text.startsWith('0x')) return Number(text);
  const v = BigInt(text);
  return Number(v >= 1n << 63n ? v - (1n << 64n) : v);
}

/** Where an event came from, for the decoder. */
export interface EventContext {
  timeNs: number;
  cpu: number;
  /** Kernel thread id of the task that hit the event. */
  tid: number;
  /** Its thread index in the builder. */
  thread: number;
}

/**
 * Decodes tracepoints into the builder's syscall and sched tables. `event` returns true when
 * the payload was fully decoded (so a parser need not keep its text).
 */
export class TraceDecoder {
  private readonly pairer: SyscallPairer;

  constructor(
    private readonly builder: ProfileBuilder,
    private readonly arch: () => string | undefined,
  ) {
    this.pairer = new SyscallPairer(builder);
  }

  /** `name` is the event as printed (`sched:sched_switch`, `sys_enter`, `sys_openat(…` forms are passed as the whole text). */
  event(name: string, payload: string, ctx: EventContext): boolean {
    const base = name.slice(name.indexOf(':') + 1);
    switch (base) {
      case 'sched_switch': {
        const sw = parseSchedSwitch(payload);
        if (!sw) return false;
        const b = this.builder;
        b.schedSwitch(ctx.timeNs, ctx.cpu, b.thread(sw.prevComm, -1, sw.prevPid), sw.prevState, b.thread(sw.nextComm, -1, sw.nextPid));
        return true;
      }
      case 'sched_wakeup':
      case 'sched_waking':
      case 'sched_wakeup_new': {
        const w = parseWakeup(payload);
        if (!w) return false;
        this.builder.wakeup(ctx.timeNs, this.builder.thread(w.comm, -1, w.pid), ctx.thread, ctx.cpu, WAKEUP_CAUSES[base] as number);
        // The payload stays readable in the event list: wakeups are also shown as events.
        return false;
      }
      case 'sys_enter': {
        const m = RAW_ENTER.exec(payload);
        if (!m) return false;
        this.pairer.enter(ctx.tid, ctx.thread, ctx.timeNs, ctx.cpu, syscallName(Number(m[1]), this.arch()));
        return true;
      }
      case 'sys_exit': {
        const m = RAW_EXIT.exec(payload);
        if (!m) return false;
        // The kernel prints NR -1 for exits it cannot number (rt_sigreturn): the open entry names it.
        const nr = Number(m[1]);
        this.pairer.exit(ctx.tid, ctx.thread, ctx.timeNs, ctx.cpu, nr < 0 ? null : syscallName(nr, this.arch()), Number(m[2]));
        return true;
      }
      default:
        if (base.startsWith('sys_enter_')) {
          this.pairer.enter(ctx.tid, ctx.thread, ctx.timeNs, ctx.cpu, base.slice('sys_enter_'.length));
          return true;
        }
        if (base.startsWith('sys_exit_')) {
          const ret = /^\s*(0x[0-9a-f]+|-?\d+)\s*$/.exec(payload);
          if (!ret) return false;
          this.pairer.exit(ctx.tid, ctx.thread, ctx.timeNs, ctx.cpu, base.slice('sys_exit_'.length), signedRet(ret[1] as string));
          return true;
        }
        return false;
    }
  }

  /**
   * ftrace prints syscalls:* events without an `event:` label: the function field itself is
   * `sys_openat(dfd: …)` or `sys_openat -> 0x3`. Returns true when `text` was one.
   */
  ftraceSyscall(text: string, ctx: EventContext): boolean {
    const exit = FTRACE_SYS_EXIT.exec(text);
    if (exit) {
      this.pairer.exit(ctx.tid, ctx.thread, ctx.timeNs, ctx.cpu, exit[1] as string, signedRet(exit[2] as string));
      return true;
    }
    const enter = FTRACE_SYS_ENTER.exec(text);
    if (enter) {
      this.pairer.enter(ctx.tid, ctx.thread, ctx.timeNs, ctx.cpu, enter[1] as string);
      return true;
    }
    return false;
  }

  finish(): void {
    this.pairer.finish();
  }
}
