/**
 * The event-line layout shared by tracefs (`trace`, `trace_pipe`) and `trace-cmd report`:
 *
 *   `{comm}-{pid} [({tgid}|-------)] [{cpu}] [{flags}] {sec}.{frac}: {body}`
 *
 * tracefs pads the comm to 16 and the pid to 7 (`%16s-%-7d `), prints the tgid column with
 * `options/record-tgid` and the flags column (`d..2.`, or `d.h3` before 5.x kernels) with
 * `options/irq-info`. trace-cmd prints no flags unless `-l`, where the line becomes
 * `%8.8s-%-5d %3d{flags}` (cpu without brackets, flags glued to it). Multi-buffer reports
 * prefix every line with `{instance}: `. Comms may hold spaces and dashes (`Web Content-4567`,
 * `memfd:sealed-91-2288`): the pid is the digits after the last `-` before the cpu field.
 *
 * Parsing is a charCode scan into the registers of `EV` (no allocation per line).
 */

import * as scan from '../scan';

/** Bound once: see ../scan.ts on calls through import bindings. */
const { decimal, fractionNs, isBlank, isDigit, SCAN, skipBlanks, skipSpaces, skipToBlank, trimEnd } = scan;

/** Registers of the last line accepted by `parseEventLine`. */
export const EV = {
  /** Offset of the comm (after leading blanks and an instance prefix). */
  commStart: 0,
  /** Offset just past the comm (the `-` before the pid). */
  commEnd: 0,
  pid: 0,
  /** -1 when there is no tgid column or it reads `-------`. */
  tgid: -1,
  cpu: 0,
  /** Flags column [flagsStart, flagsEnd); both -1 when absent. */
  flagsStart: -1,
  flagsEnd: -1,
  sec: 0,
  nsOfSec: 0,
  /** The timestamp was a plain counter (`trace_clock` counter, x86-tsc) or relative µs, not seconds. */
  counter: false,
  /** Offset of the event body (after `: `). */
  bodyStart: 0,
};

/**
 * A timestamp at `i`: `123.456789:` (µs or ns precision), `123456789:` (counter clocks) or
 * `12us :` (latency format, µs since the buffer start); then a blank or the line end.
 * Sets EV.sec, nsOfSec, counter and bodyStart.
 */
export function parseTime(text: string, i: number): boolean {
  const n = text.length;
  const digitsEnd = decimal(text, i);
  if (digitsEnd === i) return false;
  let sec = SCAN.value;
  i = digitsEnd;
  let c = text.charCodeAt(i);
  let ns = 0;
  let counter = false;
  if (c === 46 /* . */) {
    const fracEnd = fractionNs(text, i + 1);
    if (fracEnd === i + 1) return false;
    ns = SCAN.ns;
    i = fracEnd;
    c = text.charCodeAt(i);
  } else if (c === 117 /* u */ && text.charCodeAt(i + 1) === 115 /* s */) {
    // Latency format: `  12us+: ` or `  12us : ` (µs, a delay mark after the unit).
    i += 2;
    c = text.charCodeAt(i);
    if (c !== 58) c = text.charCodeAt(++i);
    counter = true;
    ns = (sec % 1e6) * 1000;
    sec = Math.floor(sec / 1e6);
  } else {
    counter = true;
    ns = sec % 1e9;
    sec = Math.floor(sec / 1e9);
  }
  if (c !== 58 /* : */) return false;
  const after = i + 1;
  if (after < n && !isBlank(text.charCodeAt(after))) return false;
  EV.sec = sec;
  EV.nsOfSec = ns;
  EV.counter = counter;
  EV.bodyStart = after < n ? after + 1 : n;
  return true;
}

/** After the cpu field's `]` at `j`: blanks, an optional flags token, blanks, the timestamp. */
function afterCpu(text: string, j: number): boolean {
  const i = skipBlanks(text, j);
  if (i === j) return false;
  if (parseTime(text, i)) {
    EV.flagsStart = -1;
    EV.flagsEnd = -1;
    return true;
  }
  return flagsAndTime(text, i, 12);
}

/** A flags token of at most `maxFlags` characters at `i`, blanks, then the timestamp; sets EV.flagsStart/flagsEnd. */
function flagsAndTime(text: string, i: number, maxFlags: number): boolean {
  const fe = skipToBlank(text, i);
  if (fe - i > maxFlags) return false;
  const t = skipBlanks(text, fe);
  if (t === fe || !parseTime(text, t)) return false;
  EV.flagsStart = i;
  EV.flagsEnd = fe;
  return true;
}

/**
 * The `-{pid}` that ends a `{comm}-{pid}` task field at `end` (digits right before `end`, a `-`
 * before them, after `start`): returns the offset of the `-` (the comm's end) with the pid in
 * SCAN.value, or -1.
 */
export function dashPid(text: string, start: number, end: number): number {
  let p = end;
  while (p > start && isDigit(text.charCodeAt(p - 1))) p--;
  if (p === end || p <= start || text.charCodeAt(p - 1) !== 45 /* - */ || decimal(text, p) !== end) return -1;
  return p - 1;
}

/**
 * `{comm}-{pid}` with an optional `({tgid})` column, in text[0, end). With `instance`, a
 * leading `{name}: ` (trace-cmd's multi-buffer prefix) is skipped.
 */
function parseHead(text: string, end: number, instance: boolean): boolean {
  let e = trimEnd(text, 0, end);
  EV.tgid = -1;
  if (e > 0 && text.charCodeAt(e - 1) === 41 /* ) */) {
    const open = text.lastIndexOf('(', e - 1);
    if (open <= 0) return false;
    let k = skipSpaces(text, open + 1);
    const digitsEnd = decimal(text, k);
    if (digitsEnd > k && digitsEnd === e - 1) EV.tgid = SCAN.value;
    else {
      k = digitsEnd;
      while (k < e - 1 && text.charCodeAt(k) === 45 /* - */) k++;
      if (k !== e - 1) return false;
    }
    e = trimEnd(text, 0, open);
  }
  const commEnd = dashPid(text, 0, e);
  if (commEnd < 0) return false;
  const pid = SCAN.value;
  // Stops at the `-` before the pid at the latest.
  let s = skipBlanks(text, 0);
  if (instance) {
    const colon = text.indexOf(': ', s);
    if (colon > s && colon < commEnd && skipToBlank(text, s) >= colon) s = skipBlanks(text, colon + 2);
  }
  EV.commStart = s;
  EV.commEnd = commEnd;
  EV.pid = pid;
  return true;
}

/**
 * trace-cmd `report -l`: `{comm}-{pid} {cpu}{flags} {time}:` — the cpu has no brackets and the
 * flags are glued to it. Tried only when no `[cpu]` field was found.
 */
function parseLatencyLayout(text: string, instance: boolean): boolean {
  const n = text.length;
  for (let t = text.indexOf(' ', 1); t > 0 && t < n; t = text.indexOf(' ', t + 1)) {
    const i = decimal(text, t + 1);
    if (i === t + 1) continue;
    const cpu = SCAN.value;
    if (i >= n || isBlank(text.charCodeAt(i)) || !flagsAndTime(text, i, 8)) continue;
    if (!parseHead(text, t, instance)) return false;
    EV.cpu = cpu;
    return true;
  }
  return false;
}

/** Parses the layout of an event line into EV; false when `text` is not one. */
export function parseEventLine(text: string, instance: boolean): boolean {
  for (let b = text.indexOf('[', 1); b > 0; b = text.indexOf('[', b + 1)) {
    if (!isBlank(text.charCodeAt(b - 1))) continue;
    const j = decimal(text, b + 1);
    if (j === b + 1 || text.charCodeAt(j) !== 93 /* ] */) continue;
    const cpu = SCAN.value;
    if (!afterCpu(text, j + 1)) continue;
    if (!parseHead(text, b - 1, instance)) continue;
    EV.cpu = cpu;
    return true;
  }
  return parseLatencyLayout(text, instance);
}
