/**
 * The record line of `perf script`: `comm pid/tid [cpu] time: period event: rest`, where every
 * field after the comm may be missing (`-F` field sets), the comm may hold spaces and digits,
 * old perf versions right-align the comm, and `rest` is a tracepoint payload or, without
 * callchains, the sample's only frame.
 */
import * as scan from '../scan';

/** Bound once: see ../scan.ts on calls through import bindings. */
const { SCAN, secondsNs, skipBlanks } = scan;

export interface RecordHead {
  comm: string;
  /** -1 when only one number was printed (perf prints the TID then). */
  pid: number;
  /** -1 for `:-1 -1` records of exiting threads. */
  tid: number;
  cpu: number;
}

export interface RecordTail {
  /** 0 when no period was printed. */
  period: number;
  /** '' when no event field was printed. */
  event: string;
  rest: string;
  /** What stackcollapse-perf.pl counts for this record and whether it can read its event name. */
  perlWeight: number;
  perlFilterable: boolean;
}

export interface EventLine extends RecordHead, RecordTail {
  hasTime: boolean;
  sec: number;
  nsOfSec: number;
  /** Offset of the time field in the line, -1 when there is none. */
  timeAt: number;
  /** Offset just past the time field's colon. */
  timeEnd: number;
}

const PID_CANDIDATE = /\s+(-?\d+)(?:\/(-?\d+))?(?=\s|$)/g;
const CPU = /^\[(\d+)\]\s*/;
const TIME = /^\d+\.\d+:(?=\s|$)/;
const PERIOD = /^(\d+)\s+/;
const EVENT = /^(\S*?):(?:\s+|$)/;
const HEX = /^[0-9a-f]+$/;
/** stackcollapse-perf.pl's period/event pattern; it always matches at or after the time field's colon. */
const PERL_EVENT = /:\s*(\d+)*\s+(\S+):\s*$/;

function isStrongRest(rest: string): boolean {
  return CPU.test(rest) || TIME.test(rest);
}

/**
 * Everything after the time field (`period event: rest`), given the text from the time
 * field's colon on (or the whole remainder when there is no time field).
 */
export function parseRecordTail(afterTime: string, perlText: string): RecordTail {
  let rest = afterTime.trimStart();
  let period = 0;
  const periodMatch = PERIOD.exec(rest);
  if (periodMatch && EVENT.test(rest.slice(periodMatch[0].length))) {
    period = Number(periodMatch[1]);
    rest = rest.slice(periodMatch[0].length);
  }
  let event = '';
  const eventMatch = EVENT.exec(rest);
  if (eventMatch && !HEX.test(eventMatch[1] as string)) {
    event = eventMatch[1] as string;
    rest = rest.slice(eventMatch[0].length);
  }
  const perl = PERL_EVENT.exec(perlText);
  return { period, event, rest, perlWeight: perl ? Number(perl[1]) || 1 : 1, perlFilterable: perl !== null };
}

/** Parses a record line, or returns null when the line is not one. */
export function parseEventLine(line: string): EventLine | null {
  const start = skipBlanks(line, 0);
  if (line.length - start < 3) return null;

  // The comm ends where `pid[/tid]` follows. Comms hold spaces and digits ("FS Broker 5906"),
  // so prefer the split whose remainder starts like a cpu or time field; otherwise take the
  // first split, as stackcollapse-perf.pl does.
  PID_CANDIDATE.lastIndex = start + 1;
  let chosen: RegExpExecArray | null = null;
  let fallback: RegExpExecArray | null = null;
  for (let m = PID_CANDIDATE.exec(line); m; m = PID_CANDIDATE.exec(line)) {
    const after = line.slice(m.index + m[0].length).trimStart();
    if (isStrongRest(after)) {
      chosen = m;
      break;
    }
    if (!fallback && m.index >= start + 2 && !(m[1] as string).startsWith('-')) fallback = m;
  }
  const m = chosen ?? fallback;
  if (!m) return null;
  if (!chosen && start > 0) return null; // an indented line is a frame unless it clearly is a record

  const first = Number(m[1]);
  const second = m[2] === undefined ? undefined : Number(m[2]);
  let at = skipBlanks(line, m.index + m[0].length);

  let cpu = -1;
  const cpuMatch = CPU.exec(line.slice(at));
  if (cpuMatch) {
    cpu = Number(cpuMatch[1]);
    at += cpuMatch[0].length;
  }
  let hasTime = false;
  let sec = 0;
  let nsOfSec = 0;
  let timeAt = -1;
  let timeEnd = at;
  const timeMatch = TIME.exec(line.slice(at));
  if (timeMatch) {
    hasTime = true;
    // The numbers as the hot path's findTimeField reads them (one scanner for both).
    secondsNs(line, at);
    sec = SCAN.value;
    nsOfSec = SCAN.ns;
    timeAt = at;
    timeEnd = at + timeMatch[0].length;
  }
  const tail = parseRecordTail(line.slice(timeEnd), hasTime ? line.slice(timeEnd - 1) : line);
  if (!hasTime && !tail.event && cpu < 0) return null;
  return {
    comm: line.slice(start, m.index),
    pid: second === undefined ? -1 : first,
    tid: second === undefined ? first : second,
    cpu,
    hasTime,
    sec,
    nsOfSec,
    timeAt,
    timeEnd,
    ...tail,
  };
}
