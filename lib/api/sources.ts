/**
 * Which kind of source a capture is, and which source of a host each view reads. Shared by the
 * server (ingest, defaults of every query) and the browser (what it offers to choose).
 */
import type { SourceKind } from './schemas';

/** perf's event modifiers (`cycles:u`, `cpu-clock:ppp`): not a tracepoint's event name. */
const MODIFIERS = /^[ukhGHpPSDIWe]+$/;

/** Whether a perf event name is a tracepoint (`sched:sched_switch`, `raw_syscalls:sys_enter`, `probe:foo`). */
export function isTracepoint(event: string): boolean {
  const m = /^([A-Za-z0-9_.-]+):([A-Za-z_][A-Za-z0-9_]*)$/.exec(event);
  return !!m && !MODIFIERS.test(m[2] as string);
}

/** The kind of a parsed capture, from its format and the events it holds samples of. */
export function sourceKind(format: string, events: readonly string[]): SourceKind {
  switch (format) {
    case 'strace':
    case 'ftrace':
    case 'trace-cmd':
    case 'folded':
    case 'pprof':
    case 'speedscope':
      return format;
    default:
      return events.length > 0 && events.every(isTracepoint) ? 'perf-tracepoints' : 'perf';
  }
}

/** What a view reads of a host. */
export type SourceRole = 'stacks' | 'syscalls' | 'sched';

/** Kinds in order of preference for each role: CPU profiles for stacks, strace before tracepoints for syscalls. */
export const PREFERRED: Record<SourceRole, readonly SourceKind[]> = {
  stacks: ['perf', 'folded', 'pprof', 'speedscope', 'perf-tracepoints', 'ftrace', 'trace-cmd', 'strace'],
  syscalls: ['strace', 'perf-tracepoints', 'ftrace', 'trace-cmd', 'perf'],
  // Tracefs text records wakeups (latency from wakeup); perf tracepoint captures often do not.
  sched: ['trace-cmd', 'ftrace', 'perf-tracepoints', 'perf'],
};

/**
 * The source a view reads by default: the first of the preferred kinds the host has (ties by
 * name); for syscalls, among the sources that hold any.
 */
export function defaultSource<S extends { name: string; kind: SourceKind; samples: number; syscalls: number; slices: number }>(sources: readonly S[], role: SourceRole): S | undefined {
  const useful = sources.filter((s) => (role === 'syscalls' ? s.syscalls > 0 : role === 'sched' ? s.slices > 0 : s.samples > 0));
  const pool = useful.length > 0 ? useful : sources;
  for (const kind of PREFERRED[role]) {
    const match = pool.filter((s) => s.kind === kind).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0];
    if (match) return match;
  }
  return pool[0];
}

/**
 * The kind of source a capture's flame graphs and comparisons use when none is asked for: the
 * one most hosts have samples of, ties going to the preferred kind for stacks (CPU profiles first).
 */
export function defaultKind(nodes: readonly { sources: readonly { kind: SourceKind; samples: number }[] }[]): SourceKind {
  let best: SourceKind = 'perf';
  let bestHosts = 0;
  for (const kind of PREFERRED.stacks) {
    const hosts = nodes.filter((n) => n.sources.some((s) => s.kind === kind && s.samples > 0)).length;
    if (hosts > bestHosts) {
      best = kind;
      bestHosts = hosts;
    }
  }
  return best;
}

/** A host's source of a kind (the first by name when it has several), or undefined. */
export function sourceOfKind<S extends { name: string; kind: SourceKind }>(sources: readonly S[], kind: SourceKind): S | undefined {
  return sources.filter((s) => s.kind === kind).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0];
}
