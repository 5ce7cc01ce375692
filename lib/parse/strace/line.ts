/**
 * One strace output line, scanned in place with indexOf/charCodeAt (no regex on the hot path).
 *
 *   [PID | [pid PID]] [TIME] [[ip]] [[nr]] BODY
 *
 * TIME is `-ttt` / `-r` seconds (`1764153748.123456`, `0.000123`), `-tt` / `-t` time of day
 * (`10:42:28.123456`) or absent. BODY is one of
 *   name(args) = ret [ERRNO (text) | (decoding) | <path>] [<duration>]
 *   name(args <unfinished ...>
 *   <... name resumed>rest) = ret … [<duration>]
 *   --- SIGCHLD {…} ---         --- stopped by SIGSTOP ---
 *   +++ exited with 0 +++       +++ killed by SIGKILL +++
 */
import { ERRNO_NAMES } from '../../profile/syscall-names';
import * as scan from '../scan';

/** Bound once: see ../scan.ts on calls through import bindings. */
const { decimal, fractionNs, hex, isDigit, isWordChar, SCAN, skipSpaces } = scan;

export const LineKind = {
  /** A whole call on one line. */
  Syscall: 0,
  /** `name(args <unfinished ...>`. */
  Unfinished: 1,
  /** `<... name resumed>…`. */
  Resumed: 2,
  Signal: 3,
  Exit: 4,
  /** Blank, `strace: Process N attached`, `-k` stack lines: nothing to record. */
  Ignore: 5,
  /** Not strace: `error` says why. */
  Bad: 6,
} as const;
export type LineKind = (typeof LineKind)[keyof typeof LineKind];

export const TimeKind = {
  None: 0,
  /** `sec.frac`: `-ttt` (Unix epoch) or `-r` (relative to the previous line). */
  Seconds: 1,
  /** `hh:mm:ss[.frac]`: `-tt` / `-t`. */
  TimeOfDay: 2,
} as const;
export type TimeKind = (typeof TimeKind)[keyof typeof TimeKind];

/** Result registers of scanLine, reused for every line. */
export interface ScannedLine {
  kind: LineKind;
  /** -1 without a PID column. */
  pid: number;
  /** Process name printed beside the PID by `-Y` (`1234<sh>`), else ''. */
  comm: string;
  timeKind: TimeKind;
  sec: number;
  nsOfSec: number;
  /** Syscall name; signal name for Signal; `exit` or the killing signal for Exit. */
  name: string;
  /** Arguments text is `text.slice(argsStart, argsEnd)` (Syscall, Unfinished). */
  argsStart: number;
  argsEnd: number;
  /** NaN for `= ?`. A negative errno (-2) for `-1 ENOENT`. */
  ret: number;
  /** `ENOENT`, `ERESTARTSYS`, … or ''. */
  errno: string;
  /** `= ?` with no errno: the call never returned. */
  noReturn: boolean;
  /** `-T` time in the call, NaN when not printed. */
  durationNs: number;
  /** Signal / exit text between the `---` / `+++` markers. */
  payload: string;
  error: string;
}

export function newScannedLine(): ScannedLine {
  return { kind: LineKind.Ignore, pid: -1, comm: '', timeKind: TimeKind.None, sec: 0, nsOfSec: 0, name: '', argsStart: 0, argsEnd: 0, ret: NaN, errno: '', noReturn: false, durationNs: NaN, payload: '', error: '' };
}

const SPACE = 32;
const DOT = 46;
const COLON = 58;
const LT = 60;
const GT = 62;
const LBRACKET = 91;
const RBRACKET = 93;
const LPAREN = 40;
const RPAREN = 41;
const MINUS = 45;
const PLUS = 43;
const QUESTION = 63;
const UNFINISHED = ' <unfinished ...>';
const RESUMED = ' resumed>';

const isUpperOrDigit = (c: number) => (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;

function bad(out: ScannedLine, error: string): void {
  out.kind = LineKind.Bad;
  out.error = error;
}

/** Scans `text` into `out`. */
export function scanLine(text: string, out: ScannedLine): void {
  out.kind = LineKind.Ignore;
  out.pid = -1;
  out.comm = '';
  out.timeKind = TimeKind.None;
  out.durationNs = NaN;
  out.ret = NaN;
  out.errno = '';
  out.noReturn = false;
  out.payload = '';
  const n = text.length;
  let i = skipSpaces(text, 0);
  if (i === n) return;
  let c = text.charCodeAt(i);

  // PID column: `1234 ` (-f with -o) or `[pid  1234] ` (-f to a terminal), `1234<comm>` with -Y.
  if (c === LBRACKET && text.startsWith('[pid', i)) {
    const j = skipSpaces(text, i + 4);
    const e = decimal(text, j);
    if (e === j) return bad(out, 'malformed [pid N] prefix');
    out.pid = SCAN.value;
    const k = pidComm(text, e, out);
    if (text.charCodeAt(k) !== RBRACKET) return bad(out, 'malformed [pid N] prefix');
    i = skipSpaces(text, k + 1);
  } else if (isDigit(c)) {
    const e = decimal(text, i);
    const pid = SCAN.value;
    const k = pidComm(text, e, out);
    if (text.charCodeAt(k) === SPACE) {
      out.pid = pid;
      i = skipSpaces(text, k);
    } else {
      out.comm = '';
    }
  }

  // Timestamp.
  c = text.charCodeAt(i);
  if (isDigit(c)) {
    let j = decimal(text, i);
    const first = SCAN.value;
    if (text.charCodeAt(j) === COLON) {
      const m = decimal(text, j + 1);
      if (m === j + 1 || text.charCodeAt(m) !== COLON) return bad(out, 'malformed time of day');
      const min = SCAN.value;
      j = decimal(text, m + 1);
      if (j === m + 1) return bad(out, 'malformed time of day');
      out.sec = first * 3600 + min * 60 + SCAN.value;
      out.nsOfSec = 0;
      if (text.charCodeAt(j) === DOT) {
        j = fractionNs(text, j + 1);
        out.nsOfSec = SCAN.ns;
      }
      out.timeKind = TimeKind.TimeOfDay;
    } else if (text.charCodeAt(j) === DOT) {
      out.sec = first;
      j = fractionNs(text, j + 1);
      out.nsOfSec = SCAN.ns;
      out.timeKind = TimeKind.Seconds;
    } else {
      return bad(out, 'expected a timestamp or a syscall');
    }
    if (text.charCodeAt(j) !== SPACE) return bad(out, 'malformed timestamp');
    i = skipSpaces(text, j);
  }

  // `-i` instruction pointer `[00007f…]` and `-n` syscall number `[ 257]`.
  while (text.charCodeAt(i) === LBRACKET) {
    const j = text.indexOf(']', i);
    if (j < 0) return bad(out, 'unterminated [...] field');
    i = skipSpaces(text, j + 1);
  }

  c = text.charCodeAt(i);
  if (c === LT) return resumedLine(text, i, out);
  if (c === MINUS && text.startsWith('--- ', i)) return signalLine(text, i, out);
  if (c === PLUS && text.startsWith('+++ ', i)) return exitLine(text, i, out);
  if (isWordChar(c)) return syscallLine(text, i, out);
  if (c === GT && out.timeKind === TimeKind.None && out.pid < 0) return; // `-k` stack trace line ` > lib(func+0x1) [0x…]`
  bad(out, 'not a strace line');
}

/** `<comm>` after a PID (-Y); returns the index after it. */
function pidComm(text: string, i: number, out: ScannedLine): number {
  if (text.charCodeAt(i) !== LT) return i;
  const k = text.indexOf('>', i + 1);
  if (k < 0) return i;
  out.comm = text.slice(i + 1, k);
  return k + 1;
}

function syscallLine(text: string, i: number, out: ScannedLine): void {
  let j = i;
  while (isWordChar(text.charCodeAt(j))) j++;
  if (text.charCodeAt(j) !== LPAREN) {
    if (text.startsWith('strace: ', i)) return; // `strace: Process 1234 attached`
    return bad(out, 'expected "name(" after the timestamp');
  }
  out.name = text.slice(i, j);
  out.argsStart = j + 1;
  if (text.endsWith(UNFINISHED)) {
    out.kind = LineKind.Unfinished;
    out.argsEnd = text.length - UNFINISHED.length;
    return;
  }
  out.kind = LineKind.Syscall;
  if (returnTail(text, j + 1, out)) return;
  // strace -f writing to a terminal: `vfork(strace: Process 2002 attached` and ` <unfinished ...>` on the next line.
  const attached = text.indexOf('strace: Process ', j);
  if (attached > 0) {
    out.kind = LineKind.Unfinished;
    out.argsEnd = attached;
  }
}

function resumedLine(text: string, i: number, out: ScannedLine): void {
  if (!text.startsWith('<... ', i)) {
    if (text.startsWith(UNFINISHED.slice(1), i)) return; // the second half of a `name(strace: Process N attached` line
    return bad(out, 'not a strace line');
  }
  const k = text.indexOf(RESUMED, i + 5);
  if (k < 0) return bad(out, 'expected "<... name resumed>"');
  out.name = text.slice(i + 5, k);
  out.kind = LineKind.Resumed;
  out.argsStart = k + RESUMED.length;
  out.argsEnd = out.argsStart;
  returnTail(text, k + RESUMED.length, out);
}

/**
 * `) = ret …  <duration>` at the end of the line. The return is the last ` = ` that follows a
 * `)` (plus strace's column padding) and is followed by a well-formed value, so ` = ` inside
 * string arguments or `-y` paths is skipped.
 */
function returnTail(text: string, from: number, out: ScannedLine): boolean {
  let end = text.length;
  if (text.charCodeAt(end - 1) === GT) {
    const lt = text.lastIndexOf('<', end - 1);
    if (lt > from && text.charCodeAt(lt - 1) === SPACE) {
      const d = duration(text, lt + 1, end - 1);
      if (!Number.isNaN(d) || text.startsWith('unavailable>', lt + 1)) {
        out.durationNs = d;
        end = lt - 1;
      }
    }
  }
  let eq = text.lastIndexOf(' = ', end - 1);
  for (; eq >= from; eq = eq > 0 ? text.lastIndexOf(' = ', eq - 1) : -1) {
    let q = eq - 1;
    while (q >= from && text.charCodeAt(q) === SPACE) q--;
    if (q < from || text.charCodeAt(q) !== RPAREN) continue;
    if (retValue(text, eq + 3, end, out)) {
      out.argsEnd = q;
      return true;
    }
  }
  bad(out, 'no "= result" at the end of the syscall line');
  return false;
}

/** Parses `ret [ERRNO (text)]…` at `i`; false when it is not a return value. */
function retValue(text: string, i: number, end: number, out: ScannedLine): boolean {
  const c = text.charCodeAt(i);
  let j: number;
  let ret: number;
  if (c === QUESTION) {
    ret = NaN;
    j = i + 1;
  } else if (c === 48 && text.charCodeAt(i + 1) === 120 /* x */) {
    j = Math.min(hex(text, i + 2), end);
    if (j === i + 2) return false;
    ret = Number(text.slice(i, j));
  } else {
    const neg = c === MINUS;
    const start = neg ? i + 1 : i;
    j = decimal(text, start);
    if (j === start) return false;
    ret = neg ? -SCAN.value : SCAN.value;
  }
  if (j < end) {
    const after = text.charCodeAt(j);
    if (after !== SPACE && after !== LT) return false;
  }
  let errno = '';
  if (j < end && text.charCodeAt(j) === SPACE && text.charCodeAt(j + 1) === 69 /* E */ && (c === QUESTION || ret === -1)) {
    let k = j + 1;
    while (k < end && isUpperOrDigit(text.charCodeAt(k))) k++;
    if (k === end || text.charCodeAt(k) === SPACE) errno = text.slice(j + 1, k);
  }
  out.ret = errno && ret === -1 ? -(ERRNO_NUMBERS.get(errno) ?? 1) : ret;
  out.errno = errno;
  out.noReturn = c === QUESTION && errno === '';
  return true;
}

/** `0.000012` (or `0.000012345` with `--syscall-times=ns`) between `i` and `end`, in ns; NaN if malformed. */
function duration(text: string, i: number, end: number): number {
  const point = decimal(text, i);
  if (point === i || text.charCodeAt(point) !== DOT) return NaN;
  const sec = SCAN.value;
  if (fractionNs(text, point + 1) !== end) return NaN;
  return sec * 1e9 + SCAN.ns;
}

function signalLine(text: string, i: number, out: ScannedLine): void {
  const end = text.endsWith(' ---') ? text.length - 4 : text.length;
  out.payload = text.slice(i + 4, end);
  out.kind = LineKind.Signal;
  const sig = out.payload.indexOf('SIG');
  if (sig < 0) {
    out.name = 'signal';
    return;
  }
  let k = sig;
  while (isUpperOrDigit(out.payload.charCodeAt(k))) k++;
  out.name = out.payload.slice(sig, k);
}

function exitLine(text: string, i: number, out: ScannedLine): void {
  const end = text.endsWith(' +++') ? text.length - 4 : text.length;
  out.payload = text.slice(i + 4, end);
  out.kind = LineKind.Exit;
  if (out.payload.startsWith('killed by ')) {
    let k = 10;
    while (isUpperOrDigit(out.payload.charCodeAt(k))) k++;
    out.name = out.payload.slice(10, k) || 'killed';
  } else {
    const sp = out.payload.indexOf(' ');
    out.name = sp < 0 ? out.payload : out.payload.slice(0, sp); // exited, superseded
  }
}

/** First quoted string of the arguments (execve's path), '' when there is none. */
export function firstQuoted(text: string, from: number, to: number): string {
  const q = text.indexOf('"', from);
  if (q < 0 || q >= to) return '';
  let k = q + 1;
  while (k < to) {
    const c = text.charCodeAt(k);
    if (c === 92 /* \ */) k += 2;
    else if (c === 34 /* " */) return text.slice(q + 1, k);
    else k++;
  }
  return '';
}

/** `ENOENT` → 2, so `-1 ENOENT` is recorded as the kernel's return value (-2), as the other formats record it. */
const ERRNO_NUMBERS = new Map<string, number>(Object.entries(ERRNO_NAMES).map(([nr, name]) => [name, Number(nr)]));
