import type { ProfileBuilder } from './builder';
import { ERRNO_NAMES, SYSCALLS_ARM64, SYSCALLS_X86_64 } from './syscall-names';
import { SyscallFlag, type Profile } from './types';
import { lowerBound } from '../util/search';

/** Syscall name of a raw number for an architecture (x86_64 unless the capture says arm64/aarch64). */
export function syscallName(nr: number, arch?: string): string {
  const table = arch && /^(arm64|aarch64)/.test(arch) ? SYSCALLS_ARM64 : SYSCALLS_X86_64;
  return table[nr] || `syscall_${nr}`;
}

/** errno name of a negative kernel return value (-2 → ENOENT), '' when it is not an error. */
export function errnoOf(ret: number): string {
  if (!(ret < 0 && ret >= -4095)) return '';
  return ERRNO_NAMES[-ret] ?? `E${-ret}`;
}

/** Calls that return twice, in the parent and in the new child (the child's return, 0, is not a call). */
const FORKING = new Set(['clone', 'clone3', 'fork', 'vfork']);

/**
 * Pairs raw enter/exit events per thread into syscall intervals (ftrace raw_syscalls,
 * perf raw_syscalls:* and syscalls:*).
 * - An exit pairs with its thread's open entry of the same name; an exit the kernel could not
 *   number (`NR -1`, e.g. rt_sigreturn) takes the open entry's name.
 * - A return of 0 from clone/clone3/fork/vfork without an entry is the new child's first return,
 *   not a call.
 * - Any other exit without its entry was in flight when the capture started (or its entry was
 *   lost): flagged InFlight and counted apart, never as a 0-second call.
 * - An entry without its exit stays Unfinished.
 */
export class SyscallPairer {
  private readonly open = new Map<number, { name: string; startNs: number; thread: number; cpu: number }>();

  constructor(private readonly builder: ProfileBuilder) {}

  enter(tid: number, thread: number, timeNs: number, cpu: number, name: string): void {
    const prev = this.open.get(tid);
    if (prev) this.builder.syscall(prev.startNs, NaN, prev.thread, prev.cpu, prev.name, NaN, '', SyscallFlag.Unfinished);
    this.open.set(tid, { name, startNs: timeNs, thread, cpu });
  }

  /** `name` null: the kernel did not say which call returned (NR -1). */
  exit(tid: number, thread: number, timeNs: number, cpu: number, name: string | null, ret: number): void {
    const start = this.open.get(tid);
    const errno = errnoOf(ret);
    const flags = errno ? SyscallFlag.Error : 0;
    if (start && (name === null || start.name === name)) {
      this.open.delete(tid);
      this.builder.syscall(start.startNs, timeNs - start.startNs, start.thread, start.cpu, start.name, ret, errno, flags);
      return;
    }
    if (start) {
      this.open.delete(tid);
      this.builder.syscall(start.startNs, NaN, start.thread, start.cpu, start.name, NaN, '', SyscallFlag.Unfinished);
    }
    if (name !== null && ret === 0 && FORKING.has(name)) return;
    this.builder.syscall(timeNs, NaN, thread, cpu, name ?? 'syscall_-1', ret, errno, flags | SyscallFlag.InFlight);
  }

  /** Entries still open at the end never returned (exit_group, or the capture stopped). */
  finish(): void {
    for (const s of this.open.values()) this.builder.syscall(s.startNs, NaN, s.thread, s.cpu, s.name, NaN, '', SyscallFlag.Unfinished);
    this.open.clear();
  }
}

export interface SyscallRow {
  name: string;
  calls: number;
  errors: number;
  totalSeconds: number;
  maxSeconds: number;
  /** Calls already running when the capture started (returns without their entry), not in `calls`. */
  inFlight: number;
  /** Time seen of those calls (capture start to their return): a lower bound of their duration. */
  inFlightSeconds: number;
}

/**
 * `strace -c` over the syscall table: calls that returned (an unfinished/resumed pair counts
 * once; calls that never return are not counted), errors (negative errno, `? ERESTART…`),
 * total and longest time in the call; calls in flight at the start are counted apart. Sorted by
 * total time, then calls, then name. Optionally only calls that start in [fromNs, toNs), or of
 * processes named `comm`.
 */
export function syscallSummary(profile: Profile, range: { fromNs?: number; toNs?: number; comm?: string } = {}): SyscallRow[] {
  const s = profile.syscalls;
  const lo = range.fromNs === undefined ? 0 : lowerBound(s.startNs, range.fromNs);
  const hi = range.toNs === undefined ? s.length : lowerBound(s.startNs, range.toNs);
  const rows = new Map<number, SyscallRow>();
  const comm = range.comm === undefined ? -1 : profile.strings.indexOf(range.comm);
  if (range.comm !== undefined && comm < 0) return [];
  for (let i = lo; i < hi; i++) {
    const flags = s.flags[i] as number;
    if (flags & SyscallFlag.Unfinished) continue;
    if (comm >= 0 && (profile.threads.comm[s.thread[i] as number] as number) !== comm) continue;
    const key = s.name[i] as number;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { name: profile.strings[key] as string, calls: 0, errors: 0, totalSeconds: 0, maxSeconds: 0, inFlight: 0, inFlightSeconds: 0 }));
    if (flags & SyscallFlag.InFlight) {
      row.inFlight++;
      row.inFlightSeconds += (s.durationNs[i] as number) / 1e9;
      continue;
    }
    row.calls++;
    if (flags & SyscallFlag.Error) row.errors++;
    const d = s.durationNs[i] as number;
    if (!Number.isNaN(d)) {
      row.totalSeconds += d / 1e9;
      if (d / 1e9 > row.maxSeconds) row.maxSeconds = d / 1e9;
    }
  }
  return [...rows.values()].sort((a, b) => b.totalSeconds - a.totalSeconds || b.calls - a.calls || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
