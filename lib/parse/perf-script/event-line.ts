/**
 * The record line of `perf script`: `comm pid/tid [cpu] time: period event: rest`, where every
 * field after the comm may be missing (`-F` field sets), the comm may hold spaces and digits,
 * old perf versions right-align the comm, and `rest` is a tracepoint payload or, without
 * callchains, the sample's only frame.
 */
export interface EventLine {
  comm: string;
  /** -1 when only one number was printed (perf prints the TID then). */
  pid: number;
  /** -1 for `:-1 -1` records of exiting threads. */
  tid: number;
  cpu: number;
  hasTime: boolean;
  sec: number;
  nsOfSec: number;
  /** 0 when no period was printed. */
  period: number;
  /** '' when no event field was printed. */
  event: string;
  rest: string;
  /** What stackcollapse-perf.pl counts for this record and whether it can read its event name. */
  perlWeight: number;
  perlFilterable: boolean;
}

const PID_CANDIDATE = /\s+(-?\d+)(?:\/(-?\d+))?(?=\s|$)/g;
const CPU = /^\[(\d+)\]\s*/;
const TIME = /^(\d+)\.(\d+):(?:\s+|$)/;
const PERIOD = /^(\d+)\s+/;
const EVENT = /^(\S*?):(?:\s+|$)/;
/** stackcollapse-perf.pl's period/event pattern, applied to the whole line. */
const PERL_EVENT = /:\s*(\d+)*\s+(\S+):\s*$/;

function isStrongRest(rest: string): boolean {
  return CPU.test(rest) || TIME.test(rest);
}

/** Parses a record line, or returns null when the line is not one. */
export function parseEventLine(line: string): EventLine | null {
  let start = 0;
  while (start < line.length && (line.charCodeAt(start) === 32 || line.charCodeAt(start) === 9)) start++;
  const s = start > 0 ? line.slice(start) : line;
  if (s.length < 3) return null;

  // The comm ends where `pid[/tid]` follows. Comms hold spaces and digits ("FS Broker 5906"),
  // so prefer the split whose remainder starts like a cpu or time field; otherwise take the
  // first split, as stackcollapse-perf.pl does.
  PID_CANDIDATE.lastIndex = 1;
  let chosen: RegExpExecArray | null = null;
  let fallback: RegExpExecArray | null = null;
  for (let m = PID_CANDIDATE.exec(s); m; m = PID_CANDIDATE.exec(s)) {
    const after = s.slice(m.index + m[0].length).trimStart();
    if (isStrongRest(after)) {
      chosen = m;
      break;
    }
    if (!fallback && m.index >= 2 && !(m[1] as string).startsWith('-')) fallback = m;
  }
  const m = chosen ?? fallback;
  if (!m) return null;
  if (!chosen && start > 0) return null; // an indented line is a frame unless it clearly is a record

  const comm = s.slice(0, m.index);
  const first = Number(m[1]);
  const second = m[2] === undefined ? undefined : Number(m[2]);
  let rest = s.slice(m.index + m[0].length).trimStart();

  let cpu = -1;
  const cpuMatch = CPU.exec(rest);
  if (cpuMatch) {
    cpu = Number(cpuMatch[1]);
    rest = rest.slice(cpuMatch[0].length);
  }
  let hasTime = false;
  let sec = 0;
  let nsOfSec = 0;
  const timeMatch = TIME.exec(rest);
  if (timeMatch) {
    hasTime = true;
    sec = Number(timeMatch[1]);
    const frac = timeMatch[2] as string;
    nsOfSec = frac.length >= 9 ? Number(frac.slice(0, 9)) : Number(frac) * 10 ** (9 - frac.length);
    rest = rest.slice(timeMatch[0].length);
  }
  let period = 0;
  const periodMatch = PERIOD.exec(rest);
  if (periodMatch && EVENT.test(rest.slice(periodMatch[0].length))) {
    period = Number(periodMatch[1]);
    rest = rest.slice(periodMatch[0].length);
  }
  let event = '';
  const eventMatch = EVENT.exec(rest);
  if (eventMatch && !/^[0-9a-f]+$/.test(eventMatch[1] as string)) {
    event = eventMatch[1] as string;
    rest = rest.slice(eventMatch[0].length);
  }
  if (!hasTime && !event && cpu < 0) return null;

  const perl = PERL_EVENT.exec(line);
  return {
    comm,
    pid: second === undefined ? -1 : first,
    tid: second === undefined ? first : second,
    cpu,
    hasTime,
    sec,
    nsOfSec,
    period,
    event,
    rest,
    perlWeight: perl ? Number(perl[1]) || 1 : 1,
    perlFilterable: perl !== null,
  };
}
