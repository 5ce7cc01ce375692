import type { ProfileBuilder } from '../../profile/builder';
import { SyscallFlag } from '../../profile/types';
import { detach } from '../../util/intern';
import { BoundedCache } from '../cache';
import { ParseError } from '../errors';
import { lineSink, type CaptureFormat, type LineSink, type ParseContext } from '../format';
import { firstQuoted, LineKind, newScannedLine, scanLine, TimeKind, type ScannedLine } from './line';
import { ProcessTable, type CallInfo, type PendingCall, type Proc } from './processes';
import { sniffStrace } from './sniff';

/** Lines at the start of a capture that may all be unreadable before it is refused as not strace. */
const MAX_LEADING_BAD_LINES = 1000;
/** Seconds values from this on are `-ttt` Unix times (1973+); smaller ones are `-r` deltas. */
const EPOCH_MIN_SEC = 1e8;
const HALF_DAY_SEC = 12 * 3600;

const TimeMode = { Unknown: 0, Epoch: 1, Relative: 2 } as const;

/**
 * strace text (`-f`, `-ttt`/`-tt`/`-t`/`-r`, `-T`, `-y`, `-i`, `-n`): every call becomes a
 * syscall interval and a `syscall` sample weighted by its duration (a one-frame stack named
 * after the call), so flame graphs show time in syscalls per process. Signals and exits
 * become `signal` / `exit` samples with their text as payload.
 */
class StraceParser implements LineSink {
  private readonly rec: ScannedLine = newScannedLine();
  private readonly procs: ProcessTable;
  /** Syscall names seen before (a hostile capture may print a million distinct ones). */
  private readonly calls = new BoundedCache<string, CallInfo>({ maxEntries: 1 << 16 });
  private readonly evSyscall: number;
  private evSignal = -1;
  private evExit = -1;
  /** Signal/exit samples seen before the first syscall sample, so `syscall` is the default event. */
  private early: (() => void)[] | null = [];

  private timeMode: number = TimeMode.Unknown;
  private relSec = 0;
  private relNs = 0;
  private lastTimeOfDay = -1;
  private dayOffset = 0;

  private goodLines = 0;
  private badLines = 0;
  private inSummary = false;

  constructor(
    private readonly builder: ProfileBuilder,
    private readonly ctx: ParseContext,
  ) {
    this.procs = new ProcessTable(builder);
    this.evSyscall = builder.eventType('syscall', 'ns');
  }

  line(text: string, lineNo: number): void {
    const r = this.rec;
    scanLine(text, r);
    switch (r.kind) {
      case LineKind.Syscall:
        this.inSummary = false;
        return this.whole(text, r, this.proc(r, ''));
      case LineKind.Unfinished:
        return this.unfinished(text, r, this.proc(r, ''));
      case LineKind.Resumed:
        return this.resumed(r, this.proc(r, r.name));
      case LineKind.Signal:
      case LineKind.Exit:
        return this.event(r, this.proc(r, ''));
      case LineKind.Ignore:
        return;
      default:
        return this.badLine(text, r.error, lineNo);
    }
  }

  end(lineCount: number): void {
    for (const p of this.procs.pendingTasks()) this.neverReturned(p);
    this.flushEarly();
    this.builder.setLineCount(lineCount);
  }

  private proc(r: ScannedLine, resumed: string): Proc {
    const p = this.procs.get(r.pid, resumed);
    if (r.comm && r.comm !== p.comm) this.procs.rename(p, detach(r.comm));
    return p;
  }

  private whole(text: string, r: ScannedLine, p: Proc): void {
    this.goodLines++;
    if (p.pending) this.neverReturned(p);
    const call = this.callInfo(r.name);
    const startNs = this.time(r);
    this.finish(p, call, startNs, r, 0, call.execs ? firstQuoted(text, r.argsStart, r.argsEnd) : '', call.forks && isThreadClone(text, r));
  }

  private unfinished(text: string, r: ScannedLine, p: Proc): void {
    this.goodLines++;
    if (p.pending) this.neverReturned(p);
    const call = this.callInfo(r.name);
    const pending: PendingCall = {
      call,
      startNs: this.time(r),
      execPath: call.execs ? detach(firstQuoted(text, r.argsStart, r.argsEnd)) : '',
      newThread: call.forks && isThreadClone(text, r),
    };
    this.procs.setPending(p, pending);
  }

  private resumed(r: ScannedLine, p: Proc): void {
    this.goodLines++;
    const t = this.time(r);
    const call = this.callInfo(r.name);
    const pending = p.pending;
    if (pending && pending.call.name === call.name) {
      this.procs.setPending(p, null);
      this.finish(p, call, pending.startNs, r, SyscallFlag.Resumed, pending.execPath, pending.newThread);
      return;
    }
    // The capture began mid-call (or the halves do not match): the call ends now and took -T.
    if (pending) this.neverReturned(p);
    const startNs = Number.isNaN(r.durationNs) ? t : t - r.durationNs;
    this.finish(p, call, startNs, r, SyscallFlag.Resumed, '', false);
  }

  /** Records a returned (or `= ?`) call: an interval, and a sample unless it never returned. */
  private finish(p: Proc, call: CallInfo, startNs: number, r: ScannedLine, flags: number, execPath: string, newThread: boolean): void {
    const b = this.builder;
    if (call.execs && r.ret === 0 && execPath) this.procs.execed(p, execPath);
    const thread = this.procs.thread(p);
    if (r.noReturn) {
      b.syscall(startNs, NaN, thread, -1, call.name, NaN, '', flags | SyscallFlag.Unfinished);
      return;
    }
    const d = r.durationNs;
    b.syscall(startNs, d, thread, -1, call.name, r.ret, r.errno, r.errno ? flags | SyscallFlag.Error : flags);
    b.sample(startNs, call.stack, thread, -1, this.evSyscall, 0, Number.isNaN(d) ? 1 : d, 0, 0);
    if (this.early) this.flushEarly();
    if (call.forks && r.ret > 0) this.procs.forked(p, r.ret, newThread);
  }

  /** A call printed `<unfinished ...>` whose other half never came. */
  private neverReturned(p: Proc): void {
    const pending = p.pending as PendingCall;
    this.procs.setPending(p, null);
    this.builder.syscall(pending.startNs, NaN, this.procs.thread(p), -1, pending.call.name, NaN, '', SyscallFlag.Unfinished);
  }

  private event(r: ScannedLine, p: Proc): void {
    this.goodLines++;
    const b = this.builder;
    const t = this.time(r);
    const exit = r.kind === LineKind.Exit;
    const thread = this.procs.thread(p);
    const stack = b.child(-1, b.frame(detach(r.name), exit ? '[exit]' : '[signal]', ''));
    const payload = b.strings.intern(r.payload);
    if (exit) {
      if (p.pending) this.neverReturned(p);
      this.procs.remove(p);
    }
    if (this.evSignal < 0 && !exit) this.evSignal = b.eventType('signal', 'samples');
    if (this.evExit < 0 && exit) this.evExit = b.eventType('exit', 'samples');
    const ev = exit ? this.evExit : this.evSignal;
    const emit = () => b.sample(t, stack, thread, -1, ev, 0, 1, 0, payload);
    if (this.early) this.early.push(emit);
    else emit();
  }

  private flushEarly(): void {
    const early = this.early;
    this.early = null;
    if (early) for (const emit of early) emit();
  }

  private badLine(text: string, error: string, lineNo: number): void {
    if (this.inSummary || text.startsWith('% time')) {
      // strace -c's table appended by `-C -o file`: not calls, and already in the model.
      this.inSummary = true;
      return;
    }
    this.builder.warn(lineNo, `${error}: ${JSON.stringify(text.slice(0, 80))}`);
    if (this.goodLines === 0 && ++this.badLines >= MAX_LEADING_BAD_LINES)
      throw new ParseError(this.ctx.file, lineNo, `no strace output in the first ${MAX_LEADING_BAD_LINES} lines`);
  }

  private callInfo(name: string): CallInfo {
    let info = this.calls.get(name);
    if (!info) {
      const own = detach(name);
      const b = this.builder;
      info = {
        name: own,
        stack: b.child(-1, b.frame(own, '[syscall]', '')),
        forks: own === 'clone' || own === 'clone3' || own === 'fork' || own === 'vfork',
        execs: own === 'execve' || own === 'execveat',
      };
      this.calls.set(own, info);
    }
    return info;
  }

  /** ns from relNs() for the line's timestamp, NaN when it has none. */
  private time(r: ScannedLine): number {
    const b = this.builder;
    if (r.timeKind === TimeKind.Seconds) {
      if (this.timeMode === TimeMode.Unknown) this.timeMode = r.sec >= EPOCH_MIN_SEC ? TimeMode.Epoch : TimeMode.Relative;
      if (this.timeMode === TimeMode.Epoch) return b.relNs('epoch', r.sec, r.nsOfSec);
      // -r: each value is the time since the previous line.
      this.relSec += r.sec;
      this.relNs += r.nsOfSec;
      if (this.relNs >= 1e9) {
        this.relNs -= 1e9;
        this.relSec++;
      }
      return b.relNs('none', this.relSec, this.relNs);
    }
    if (r.timeKind === TimeKind.TimeOfDay) {
      // -tt has no date: 1970-01-01, plus a day each time the clock goes back past midnight.
      if (this.lastTimeOfDay >= 0 && r.sec + HALF_DAY_SEC < this.lastTimeOfDay) this.dayOffset += 86400;
      this.lastTimeOfDay = r.sec;
      return b.relNs('none', r.sec + this.dayOffset, r.nsOfSec);
    }
    return NaN;
  }
}

function isThreadClone(text: string, r: ScannedLine): boolean {
  const i = text.indexOf('CLONE_THREAD', r.argsStart);
  return i >= 0 && i < r.argsEnd;
}

export const straceFormat: CaptureFormat = {
  id: 'strace',
  label: 'strace',
  sniff: sniffStrace,
  createParser: (builder: ProfileBuilder, ctx: ParseContext) => lineSink(new StraceParser(builder, ctx)),
};
