/**
 * An independent reading of tracepoint captures for tests: plain regexes over the raw text of
 * perf script, tracefs and trace-cmd files, and the scheduler and syscall figures computed from
 * those records in the simplest way the rules allow. Nothing here calls the parsers or the model.
 */
import { syscallName } from '../lib/profile/syscalls';

export interface RawRecord {
  tid: number;
  cpu: number;
  ns: number;
  event: string;
  payload: string;
  /** Records lost on this CPU just before this point (a `CPU:N [LOST …]` line), -1 for a record. */
  lostCpu: number;
}

const PERF = /^\S.*?\s+(-?\d+)(?:\/(-?\d+))?\s+\[(\d+)\]\s+(\d+)\.(\d+):\s+(?:\d+\s+)?([\w-]+:[\w-]+):\s?(.*)$/;
const TRACEFS = /-(\d+)\s+(?:\([\s\d-]+\)\s+)?\[(\d+)\]\s+(?:\S+\s+)?(\d+)\.(\d+):\s+(.*)$/;
const LOST = /^CPU:\s*(\d+) \[LOST/;

const ns = (sec: string, frac: string) => Number(sec) * 1e9 + Number(frac.padEnd(9, '0'));

/** The records of a capture, in file order (stack-trace lines are part of the record before them). */
export function rawRecords(text: string): RawRecord[] {
  const out: RawRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('\t') || line.startsWith(' =>') || line.startsWith('=>')) continue;
    const lost = LOST.exec(line.replace(/^[\w-]+:\s+/, ''));
    if (lost) {
      out.push({ tid: -1, cpu: Number(lost[1]), ns: NaN, event: '', payload: '', lostCpu: Number(lost[1]) });
      continue;
    }
    const p = PERF.exec(line);
    if (p) {
      const tid = Number(p[2] ?? p[1]);
      out.push({ tid, cpu: Number(p[3]), ns: ns(p[4] as string, p[5] as string), event: (p[6] as string).split(':')[1] as string, payload: (p[7] as string).trim(), lostCpu: -1 });
      continue;
    }
    const t = TRACEFS.exec(line);
    if (!t) continue;
    const body = t[5] as string;
    // `event: payload`, or the syscalls:* forms `sys_openat(dfd: …)` (event sys_enter_openat) and `sys_openat -> 0x3` (sys_exit_openat).
    const ev = /^([\w-]+):\s*(.*)$/.exec(body);
    const enter = /^sys_(\w+)\(/.exec(body);
    const exit = /^sys_(\w+) -> (\S+)$/.exec(body);
    const [event, payload] = enter ? [`sys_enter_${enter[1]}`, ''] : exit ? [`sys_exit_${exit[1]}`, exit[2] as string] : ev ? [ev[1] as string, ev[2] as string] : [body, ''];
    if (event.startsWith('<') || event === 'kernel_stack' || event === 'user_stack') continue;
    out.push({ tid: Number(t[1]), cpu: Number(t[2]), ns: ns(t[3] as string, t[4] as string), event, payload: payload.trim(), lostCpu: -1 });
  }
  return out;
}

export interface RawSwitch {
  prevPid: number;
  prevState: string;
  nextPid: number;
}

export function rawSwitch(r: RawRecord): RawSwitch | null {
  if (r.event !== 'sched_switch') return null;
  const m = /prev_pid=(-?\d+) .*prev_state=(\S+) ==> .*next_pid=(-?\d+)/.exec(r.payload) ?? /^.*:(-?\d+) \[-?\d+\] (\S+) ==> .*:(-?\d+) \[-?\d+\]$/.exec(r.payload);
  if (!m) throw new Error(`unreadable sched_switch: ${r.payload}`);
  return { prevPid: Number(m[1]), prevState: m[2] as string, nextPid: Number(m[3]) };
}

/** The woken task's TID of a sched_wakeup/sched_waking/sched_wakeup_new record. */
export function rawWakee(r: RawRecord): number | null {
  if (!/^sched_(wakeup|waking|wakeup_new)$/.test(r.event)) return null;
  const m = /(?:^|\s)pid=(-?\d+)/.exec(r.payload) ?? /:(-?\d+) \[-?\d+\]/.exec(r.payload);
  return m ? Number(m[1]) : null;
}

/** Capture start and end: the first and last record time. */
export function span(records: readonly RawRecord[]): { start: number; end: number } {
  let start = Infinity;
  let end = -Infinity;
  for (const r of records) {
    if (Number.isNaN(r.ns)) continue;
    start = Math.min(start, r.ns);
    end = Math.max(end, r.ns);
  }
  return { start, end };
}

/**
 * Per CPU: ns busy (a task other than idle ran), idle and unknown, judging each gap between
 * two consecutive records of the CPU by its two ends: the task on the CPU after the first (a
 * switch's next task, else the record's task) and the task before the second (a switch's
 * previous task, else the record's task). Same task: it ran. Idle then a task: idle (the switch
 * from idle was not traced). Otherwise: unknown. Before a CPU's first record, and across lost
 * records: unknown. After its last record: whoever it left on, to the capture's end.
 */
export function cpuShares(records: readonly RawRecord[]): Map<number, { busy: number; idle: number; unknown: number }> {
  const { start, end } = span(records);
  const perCpu = new Map<number, RawRecord[]>();
  for (const r of records) {
    // Records of unknown tasks (perf's `:-1 -1`) say nothing of who ran, unless they are switches.
    if (r.tid < 0 && r.lostCpu < 0 && !rawSwitch(r)) continue;
    const c = r.lostCpu >= 0 ? r.lostCpu : r.cpu;
    let list = perCpu.get(c);
    if (!list) perCpu.set(c, (list = []));
    list.push(r);
  }
  const out = new Map<number, { busy: number; idle: number; unknown: number }>();
  for (const [cpu, list] of perCpu) {
    const acc = { busy: 0, idle: 0, unknown: 0 };
    const add = (who: 'busy' | 'idle' | 'unknown', a: number, z: number) => (acc[who] += Math.max(0, z - a));
    const after = (r: RawRecord) => rawSwitch(r)?.nextPid ?? r.tid;
    const before = (r: RawRecord) => rawSwitch(r)?.prevPid ?? r.tid;
    let prev: RawRecord | null = null;
    let lastT = start;
    for (const r of list) {
      if (r.lostCpu >= 0) {
        prev = null; // unknown from the last record until the next one
        continue;
      }
      if (!prev) add('unknown', lastT, r.ns);
      else {
        const a = after(prev);
        const b = before(r);
        add(a === b ? (a === 0 ? 'idle' : 'busy') : a === 0 ? 'idle' : 'unknown', prev.ns, r.ns);
      }
      prev = r;
      lastT = r.ns;
    }
    if (prev) add(after(prev) === 0 ? 'idle' : 'busy', prev.ns, end);
    else add('unknown', lastT, end);
    out.set(cpu, acc);
  }
  return out;
}

export interface RawSyscallRow {
  calls: number;
  errors: number;
  ns: number;
  inFlight: number;
}

/**
 * `strace -c` from enter/exit records, per thread: an exit closes its thread's open entry (an
 * exit numbered -1 takes the entry's name); clone/clone3/fork/vfork returning 0 without an
 * entry is the child's first return (no call); any other exit without an entry was in flight.
 */
export function rawSyscalls(records: readonly RawRecord[], arch?: string): Map<string, RawSyscallRow> {
  const open = new Map<number, { name: string; ns: number }>();
  const rows = new Map<string, RawSyscallRow>();
  const row = (name: string) => {
    let r = rows.get(name);
    if (!r) rows.set(name, (r = { calls: 0, errors: 0, ns: 0, inFlight: 0 }));
    return r;
  };
  for (const r of records) {
    let enter: string | null = null;
    let exit: { name: string | null; ret: number } | null = null;
    let m: RegExpExecArray | null;
    if (r.event === 'sys_enter' && (m = /^NR (-?\d+) \(/.exec(r.payload))) enter = syscallName(Number(m[1]), arch);
    else if (r.event === 'sys_exit' && (m = /^NR (-?\d+) = (-?\d+)/.exec(r.payload))) exit = { name: Number(m[1]) < 0 ? null : syscallName(Number(m[1]), arch), ret: Number(m[2]) };
    else if (r.event.startsWith('sys_enter_')) enter = r.event.slice('sys_enter_'.length);
    else if (r.event.startsWith('sys_exit_')) exit = { name: r.event.slice('sys_exit_'.length), ret: Number(BigInt.asIntN(64, BigInt(r.payload))) };
    if (enter !== null) {
      open.set(r.tid, { name: enter, ns: r.ns });
      continue;
    }
    if (!exit) continue;
    const o = open.get(r.tid);
    open.delete(r.tid);
    const failed = exit.ret < 0 && exit.ret >= -4095;
    if (o && (exit.name === null || exit.name === o.name)) {
      const x = row(o.name);
      x.calls++;
      x.ns += r.ns - o.ns;
      if (failed) x.errors++;
    } else if (!(exit.name !== null && exit.ret === 0 && ['clone', 'clone3', 'fork', 'vfork'].includes(exit.name))) {
      row(exit.name ?? 'syscall_-1').inFlight++;
    }
  }
  return rows;
}

/** Off-CPU ns per `tid state`, and each task's scheduler latencies (runnable → running), in order. */
export function rawSchedulerTimes(records: readonly RawRecord[]): { offCpu: Map<string, number>; latencies: Map<number, number[]> } {
  interface Task {
    running: boolean;
    offSince: number;
    offState: string;
    readySince: number;
  }
  const tasks = new Map<number, Task>();
  const task = (tid: number) => {
    let t = tasks.get(tid);
    if (!t) tasks.set(tid, (t = { running: false, offSince: NaN, offState: '', readySince: NaN }));
    return t;
  };
  const offCpu = new Map<string, number>();
  const latencies = new Map<number, number[]>();
  const runs = (tid: number, t: number) => {
    if (tid <= 0) return;
    const k = task(tid);
    if (k.running) return;
    k.running = true;
    if (!Number.isNaN(k.offSince)) {
      const key = `${tid} ${k.offState}`;
      offCpu.set(key, (offCpu.get(key) ?? 0) + t - k.offSince);
      k.offSince = NaN;
    }
    if (!Number.isNaN(k.readySince)) {
      const list = latencies.get(tid) ?? [];
      list.push(t - k.readySince);
      latencies.set(tid, list);
      k.readySince = NaN;
    }
  };
  for (const r of records) {
    if (r.lostCpu >= 0) {
      for (const k of tasks.values()) Object.assign(k, { running: false, offSince: NaN, readySince: NaN });
      continue;
    }
    runs(r.tid, r.ns);
    const sw = rawSwitch(r);
    if (sw) {
      if (sw.prevPid > 0) {
        const k = task(sw.prevPid);
        Object.assign(k, { running: false, offSince: r.ns, offState: sw.prevState, readySince: sw.prevState === 'R' || sw.prevState === 'R+' ? r.ns : NaN });
      }
      runs(sw.nextPid, r.ns);
    }
    const wakee = rawWakee(r);
    if (wakee !== null && wakee > 0) {
      const k = task(wakee);
      if (!k.running && Number.isNaN(k.readySince)) k.readySince = r.ns;
    }
  }
  return { offCpu, latencies };
}
