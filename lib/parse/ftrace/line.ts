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

const SP = 32;
const TAB = 9;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isBlank(c: number): boolean {
  return c === SP || c === TAB;
}

const POW10 = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 10, 1];

/**
 * A timestamp at `i`: `123.456789:` (µs or ns precision), `123456789:` (counter clocks) or
 * `12us :` (latency format, µs since the buffer start); then a blank or the line end.
 * Sets EV.sec, nsOfSec, counter and bodyStart.
 */
export function parseTime(text: string, i: number): boolean {
  const n = text.length;
  let c = text.charCodeAt(i);
  if (!isDigit(c)) return false;
  let sec = 0;
  while (isDigit(c)) {
    sec = sec * 10 + (c - 48);
    c = text.charCodeAt(++i);
  }
  let ns = 0;
  let counter = false;
  if (c === 46 /* . */) {
    const fracStart = ++i;
    c = text.charCodeAt(i);
    while (isDigit(c)) {
      if (i - fracStart < 9) ns = ns * 10 + (c - 48);
      c = text.charCodeAt(++i);
    }
    const digits = i - fracStart;
    if (digits === 0) return false;
    if (digits < 9) ns *= POW10[digits] as number;
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
  const n = text.length;
  let i = j;
  while (i < n && isBlank(text.charCodeAt(i))) i++;
  if (i === j) return false;
  if (parseTime(text, i)) {
    EV.flagsStart = -1;
    EV.flagsEnd = -1;
    return true;
  }
  const fs = i;
  while (i < n && !isBlank(text.charCodeAt(i))) i++;
  const fe = i;
  if (fe - fs > 12) return false;
  while (i < n && isBlank(text.charCodeAt(i))) i++;
  if (i === fe || !parseTime(text, i)) return false;
  EV.flagsStart = fs;
  EV.flagsEnd = fe;
  return true;
}

/**
 * `{comm}-{pid}` with an optional `({tgid})` column, in text[0, end). With `instance`, a
 * leading `{name}: ` (trace-cmd's multi-buffer prefix) is skipped.
 */
function parseHead(text: string, end: number, instance: boolean): boolean {
  let e = end;
  while (e > 0 && isBlank(text.charCodeAt(e - 1))) e--;
  EV.tgid = -1;
  if (e > 0 && text.charCodeAt(e - 1) === 41 /* ) */) {
    const open = text.lastIndexOf('(', e - 1);
    if (open <= 0) return false;
    let k = open + 1;
    while (k < e - 1 && text.charCodeAt(k) === SP) k++;
    let tgid = 0;
    let digits = 0;
    let c = text.charCodeAt(k);
    while (isDigit(c)) {
      tgid = tgid * 10 + (c - 48);
      digits++;
      c = text.charCodeAt(++k);
    }
    if (digits > 0 && k === e - 1) EV.tgid = tgid;
    else {
      while (k < e - 1 && text.charCodeAt(k) === 45 /* - */) k++;
      if (k !== e - 1) return false;
    }
    e = open;
    while (e > 0 && isBlank(text.charCodeAt(e - 1))) e--;
  }
  let p = e;
  while (p > 0 && isDigit(text.charCodeAt(p - 1))) p--;
  if (p === e || p === 0 || text.charCodeAt(p - 1) !== 45 /* - */) return false;
  let pid = 0;
  for (let k = p; k < e; k++) pid = pid * 10 + (text.charCodeAt(k) - 48);
  const commEnd = p - 1;
  let s = 0;
  while (s < commEnd && isBlank(text.charCodeAt(s))) s++;
  if (instance) {
    const colon = text.indexOf(': ', s);
    if (colon > s && colon < commEnd) {
      let k = s;
      while (k < colon && !isBlank(text.charCodeAt(k))) k++;
      if (k === colon) {
        s = colon + 2;
        while (s < commEnd && isBlank(text.charCodeAt(s))) s++;
      }
    }
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
    let i = t + 1;
    let c = text.charCodeAt(i);
    if (!isDigit(c)) continue;
    let cpu = 0;
    while (isDigit(c)) {
      cpu = cpu * 10 + (c - 48);
      c = text.charCodeAt(++i);
    }
    if (isBlank(c) || i >= n) continue;
    const fs = i;
    while (i < n && !isBlank(text.charCodeAt(i))) i++;
    const fe = i;
    if (fe - fs > 8) continue;
    while (i < n && isBlank(text.charCodeAt(i))) i++;
    if (i === fe || !parseTime(text, i)) continue;
    if (!parseHead(text, t, instance)) return false;
    EV.cpu = cpu;
    EV.flagsStart = fs;
    EV.flagsEnd = fe;
    return true;
  }
  return false;
}

/** Parses the layout of an event line into EV; false when `text` is not one. */
export function parseEventLine(text: string, instance: boolean): boolean {
  for (let b = text.indexOf('[', 1); b > 0; b = text.indexOf('[', b + 1)) {
    if (!isBlank(text.charCodeAt(b - 1))) continue;
    let j = b + 1;
    let c = text.charCodeAt(j);
    if (!isDigit(c)) continue;
    let cpu = 0;
    while (isDigit(c)) {
      cpu = cpu * 10 + (c - 48);
      c = text.charCodeAt(++j);
    }
    if (c !== 93 /* ] */) continue;
    if (!afterCpu(text, j + 1)) continue;
    if (!parseHead(text, b - 1, instance)) continue;
    EV.cpu = cpu;
    return true;
  }
  return parseLatencyLayout(text, instance);
}

/** Offset of the first non-blank character at or after `i`. */
export function skipBlanks(text: string, i: number): number {
  const n = text.length;
  while (i < n && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** Offset just past the last non-blank character before `end`. */
export function trimEnd(text: string, start: number, end: number): number {
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return end;
}
