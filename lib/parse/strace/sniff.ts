import type { Sniff } from '../format';
import { LineKind, newScannedLine, scanLine } from './line';

/**
 * 'yes' when nearly every line of the first page reads as strace output and some of them are
 * syscalls; perf script, ftrace, trace-cmd and folded stacks never do (their lines start with
 * a comm, `#`, a tab or a frame list).
 */
export function sniffStrace(lines: readonly string[]): Sniff {
  const r = newScannedLine();
  let data = 0;
  let strace = 0;
  let calls = 0;
  for (const line of lines) {
    scanLine(line, r);
    if (r.kind === LineKind.Ignore) continue;
    data++;
    if (r.kind !== LineKind.Bad) strace++;
    if (r.kind === LineKind.Syscall || r.kind === LineKind.Resumed) calls++;
    if (data >= 200) break;
  }
  if (calls === 0) return 'no';
  if (strace >= data * 0.9) return 'yes';
  if (strace >= data * 0.5) return 'maybe';
  return 'no';
}
