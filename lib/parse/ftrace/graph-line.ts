/**
 * The line layout of the function_graph tracer (kernel/trace/trace_functions_graph.c):
 *
 *   `[{abstime} |  ][{cpu}) ][{comm-pid} | ][{lat} | ][{mark} {duration} us |  ]{indent}{body}`
 *
 * Every column is an option (`funcgraph-abstime`, `-cpu`, `-proc`, `latency-format`,
 * `-duration`; `context-info` off drops them all). The body is indented two blanks per call
 * depth and reads `func() {` (entry), `func();` (a leaf with its duration), `}` or
 * `} /* func *\/` (return), `/* … *\/` (an event or trace_printk) or an irq marker. A context
 * switch is printed as ` {cpu}) {comm-pid} => {comm-pid}` between two dashed lines. trace-cmd
 * prints the duration column and body after `funcgraph_entry:` / `funcgraph_exit:`.
 */
import * as scan from '../scan';
import * as line from './line';

/** Bound once: see ../scan.ts on calls through import bindings. */
const { decimal, fractionNs, isDigit, isSymbolStart, SCAN, secondsNs, skipBlanks, trimEnd } = scan;
const { dashPid } = line;

export const GraphKind = {
  None: 0,
  Open: 1,
  Leaf: 2,
  Close: 3,
  Comment: 4,
  Irq: 5,
  Switch: 6,
  Separator: 7,
  Overrun: 8,
} as const;

/** Registers of the last parsed graph line. */
export const GL = {
  /** An abstime column was printed (sec, nsOfSec). */
  hasTime: false,
  sec: 0,
  nsOfSec: 0,
  /** -1 without a cpu column. */
  cpu: -1,
  /** -1 without a proc column. */
  procPid: -1,
  procCommStart: 0,
  procCommEnd: 0,
  /** NaN when no duration was printed. */
  durNs: NaN,
  /** Call depth from the indentation. */
  depth: 0,
  /** Function name (Open, Leaf, Close with `/* func *\/`) or comment text; empty when nameEnd === nameStart. */
  nameStart: 0,
  nameEnd: 0,
  /** Context switch: the tasks on both sides of `=>`. */
  prevPid: -1,
  prevCommStart: 0,
  prevCommEnd: 0,
  nextPid: -1,
  nextCommStart: 0,
  nextCommEnd: 0,
  /** The line had a cpu, time or duration column: evidence of function_graph output. */
  strong: false,
};

/**
 * `{comm}-{pid}` in text[start, end) (blanks around allowed), as the graph tracer prints a task:
 * returns the pid and sets `TASK.commStart/commEnd`, or -1.
 */
const TASK = { commStart: 0, commEnd: 0 };
function parseTask(text: string, start: number, end: number): number {
  const s = skipBlanks(text, start);
  const commEnd = dashPid(text, s, trimEnd(text, s, end));
  if (commEnd < 0) return -1;
  TASK.commStart = s;
  TASK.commEnd = commEnd;
  return SCAN.value;
}

/** `12345.678901 |` at i: returns the offset after `|`, or -1. */
function absTime(text: string, i: number): number {
  const end = secondsNs(text, i);
  if (end < 0) return -1;
  i = skipBlanks(text, end);
  if (text.charCodeAt(i) !== 124 /* | */) return -1;
  GL.sec = SCAN.value;
  GL.nsOfSec = SCAN.ns;
  return i + 1;
}

/** `1234 us |` (funcgraph-reltime) at i: returns the offset after `|`, or -1. */
function relTime(text: string, i: number): number {
  const s = i;
  i = decimal(text, i);
  if (i === s || !text.startsWith(' us', i)) return -1;
  i = skipBlanks(text, i + 3);
  return text.charCodeAt(i) === 124 ? i + 1 : -1;
}

/** `{digits})` at i: returns the offset after `)`, or -1 (sets GL.cpu). */
function cpuField(text: string, i: number): number {
  const end = decimal(text, i);
  if (end === i || text.charCodeAt(end) !== 41 /* ) */) return -1;
  if (end + 1 < text.length && text.charCodeAt(end + 1) !== 32) return -1;
  GL.cpu = SCAN.value;
  return end + 1;
}

/** `[mark ]12.345 us` in text[s, e): sets GL.durNs. Marks: + ! # * @ $ (over 10 µs … 1 s). */
function duration(text: string, s: number, e: number): boolean {
  if (e - s < 4 || !text.startsWith(' us', e - 3)) return false;
  let i = s;
  const c0 = text.charCodeAt(i);
  if (c0 === 43 || c0 === 33 || c0 === 35 || c0 === 42 || c0 === 64 || c0 === 36) i = skipBlanks(text, i + 1);
  const usEnd = decimal(text, i);
  if (usEnd === i) return false;
  const us = SCAN.value;
  i = usEnd;
  let ns = 0;
  if (text.charCodeAt(i) === 46 /* . */) {
    // The fraction of a µs, in ns (rounded past the third digit).
    i = fractionNs(text, i + 1);
    ns = Math.round(SCAN.ns / 1e6);
  }
  if (i !== e - 3) return false;
  GL.durNs = us * 1000 + ns;
  return true;
}

/** The latency-format column (`d..2`, `dNh2.`) in text[s, e). */
function latFlags(text: string, s: number, e: number): boolean {
  if (e - s < 4 || e - s > 6) return false;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (!(isDigit(c) || c === 46 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return false;
  }
  return true;
}

function reset(): void {
  GL.hasTime = false;
  GL.cpu = -1;
  GL.procPid = -1;
  GL.durNs = NaN;
  GL.depth = 0;
  GL.nameStart = 0;
  GL.nameEnd = 0;
  GL.strong = false;
}

/** Parses a tracefs function_graph line into GL; returns its GraphKind (None when it is not one). */
export function parseGraphLine(text: string): number {
  reset();
  const n = text.length;
  let i = skipBlanks(text, 0);
  if (i === n) return GraphKind.None;
  if (text.charCodeAt(i) === 45 /* - */) {
    let k = i;
    while (k < n && text.charCodeAt(k) === 45) k++;
    if (k - i >= 10 && skipBlanks(text, k) === n) return GraphKind.Separator;
  }
  if (text.startsWith('(Overruns:', i)) return GraphKind.Overrun;
  let pos = 0;
  const t = absTime(text, i);
  if (t >= 0) {
    GL.hasTime = true;
    GL.strong = true;
    pos = t;
    if (text.charCodeAt(pos) === 32) pos++;
    if (text.charCodeAt(pos) === 32) pos++;
    i = skipBlanks(text, pos);
  }
  const r = relTime(text, i);
  if (r >= 0 && cpuField(text, skipBlanks(text, r)) >= 0) {
    pos = r;
    i = skipBlanks(text, pos);
  }
  const c = cpuField(text, i);
  if (c >= 0) {
    GL.strong = true;
    pos = c < n ? c + 1 : n;
    const arrow = text.indexOf('|', pos) < 0 ? text.indexOf(' => ', pos) : -1;
    if (arrow >= 0) {
      GL.prevPid = parseTask(text, pos, arrow);
      GL.prevCommStart = TASK.commStart;
      GL.prevCommEnd = TASK.commEnd;
      GL.nextPid = parseTask(text, arrow + 4, n);
      GL.nextCommStart = TASK.commStart;
      GL.nextCommEnd = TASK.commEnd;
      return GL.prevPid >= 0 && GL.nextPid >= 0 ? GraphKind.Switch : GraphKind.None;
    }
  }
  return columns(text, pos, true);
}

/**
 * trace-cmd's `funcgraph_entry:` / `funcgraph_exit:` payload from `from` (right after the
 * event name's colon): the duration column and the body.
 */
export function parseGraphPayload(text: string, from: number): number {
  reset();
  return columns(text, from, false);
}

/** The proc, latency and duration columns from `pos`, then the body. */
function columns(text: string, pos: number, allowProc: boolean): number {
  let bodyStart = pos;
  for (let k = 0; k < 3; k++) {
    const bar = text.indexOf('|', pos);
    if (bar < 0) break;
    const s = skipBlanks(text, pos);
    const e = trimEnd(text, s, bar);
    if (s === e || duration(text, s, e)) {
      GL.strong = true;
      bodyStart = bar + 1;
      // `|  ` separates the duration column from the indented body.
      if (text.charCodeAt(bodyStart) === 32) bodyStart++;
      if (text.charCodeAt(bodyStart) === 32) bodyStart++;
      return body(text, bodyStart);
    }
    if (allowProc && GL.procPid < 0) {
      const pid = parseTask(text, s, e);
      if (pid >= 0) {
        GL.procPid = pid;
        GL.procCommStart = TASK.commStart;
        GL.procCommEnd = TASK.commEnd;
        pos = bar + 1;
        bodyStart = text.charCodeAt(pos) === 32 ? pos + 1 : pos;
        continue;
      }
    }
    if (latFlags(text, s, e)) {
      pos = bar + 1;
      bodyStart = text.charCodeAt(pos) === 32 ? pos + 1 : pos;
      continue;
    }
    break;
  }
  return body(text, bodyStart);
}

/** The indented body at `start`. */
function body(text: string, start: number): number {
  const n = text.length;
  const i = skipBlanks(text, start);
  if (i === n) return GraphKind.None;
  GL.depth = (i - start) >> 1;
  const c = text.charCodeAt(i);
  if (c === 125 /* } */) {
    const k = text.indexOf('/*', i + 1);
    if (k >= 0) {
      const s = skipBlanks(text, k + 2);
      let e = s;
      while (e < n && text.charCodeAt(e) !== 32 && text.charCodeAt(e) !== 42) e++;
      GL.nameStart = s;
      GL.nameEnd = e;
    }
    return GraphKind.Close;
  }
  if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42) {
    const close = text.lastIndexOf('*/');
    GL.nameStart = skipBlanks(text, i + 2);
    GL.nameEnd = trimEnd(text, GL.nameStart, close > i ? close : n);
    return GraphKind.Comment;
  }
  if (text.startsWith('==========>', i) || text.startsWith('<==========', i)) return GraphKind.Irq;
  if (!isSymbolStart(c)) return GraphKind.None;
  const paren = text.indexOf('(', i);
  if (paren < 0) return GraphKind.None;
  // The arguments (funcgraph-args) may nest parentheses: find the matching one.
  let depth = 0;
  let q = paren;
  for (; q < n; q++) {
    const d = text.charCodeAt(q);
    if (d === 40) depth++;
    else if (d === 41 && --depth === 0) break;
  }
  if (q >= n) return GraphKind.None;
  GL.nameStart = i;
  GL.nameEnd = trimEnd(text, i, paren);
  const after = text.charCodeAt(q + 1);
  if (after === 59 /* ; */) return GraphKind.Leaf;
  if (after === 32 && text.charCodeAt(q + 2) === 123 /* { */) return GraphKind.Open;
  return GraphKind.None;
}
