/**
 * What follows an event line's timestamp:
 *
 * - `sched_switch: prev_comm=…` — a trace event (trace-cmd pads the name: `sys_exit:      NR 1 = 2`);
 * - `sys_openat(dfd: …)` / `sys_openat -> 0x3` — ftrace's own print of syscalls:* events;
 * - `vfs_read <-ksys_read` — the function tracer (`func+0x1a/0x40 <-parent+0x…` with
 *   sym-offset, `func [module]` for a module, `func <-- parent` from trace-cmd, a bare
 *   `func` without print-parent);
 * - `<stack trace>` / `<user stack trace>` — a stack record, its frames on the next lines.
 */
import * as scan from '../scan';

/** Bound once: see ../scan.ts on calls through import bindings. */
const { isBlank, isSymbolStart, skipBlanks, trimEnd } = scan;

export const BodyKind = {
  Unknown: 0,
  Event: 1,
  SysEnter: 2,
  SysExit: 3,
  Function: 4,
  Stack: 5,
  UserStack: 6,
} as const;

/** Registers of the last classified body. */
export const BODY = {
  /** Event: end of the event name; SysEnter/SysExit: end of `sys_NAME`. */
  nameEnd: 0,
  /** A hash of the first token (the event name), to find it in a cache without slicing it. */
  nameHash: 0,
  /** Event: start of the payload (blanks skipped). */
  payloadStart: 0,
  /** Function: the function [start, funcEnd) and its parent [parentStart, parentEnd) (-1 when none). */
  funcEnd: 0,
  parentStart: -1,
  parentEnd: -1,
};

/** Classifies text[start…] and fills BODY. */
export function classifyBody(text: string, start: number): number {
  const n = text.length;
  if (start >= n) return BodyKind.Unknown;
  let c = text.charCodeAt(start);
  if (c === 60 /* < */) {
    if (text.startsWith('<stack trace', start)) return BodyKind.Stack;
    if (text.startsWith('<user stack trace', start)) return BodyKind.UserStack;
    return BodyKind.Unknown;
  }
  let i = start;
  let h = 0x811c9dc5;
  while (i < n && !isBlank(c) && c !== 58 /* : */ && c !== 40 /* ( */) {
    h = Math.imul(h ^ c, 0x01000193);
    c = text.charCodeAt(++i);
  }
  if (i === start) return BodyKind.Unknown;
  BODY.nameEnd = i;
  BODY.nameHash = h;
  if (i === n) return functionBody(text, start, i);
  if (c === 58) {
    const after = i + 1;
    if (after < n && !isBlank(text.charCodeAt(after))) return BodyKind.Unknown;
    BODY.payloadStart = skipBlanks(text, after);
    return BodyKind.Event;
  }
  const sys = text.startsWith('sys_', start) && i > start + 4;
  if (c === 40) return sys ? BodyKind.SysEnter : functionBody(text, start, i);
  if (sys && text.startsWith(' -> ', i)) return BodyKind.SysExit;
  return functionBody(text, start, i);
}

/** `func <-parent` (or `<--`, or no parent) with the function's token ending at `tokenEnd`. */
function functionBody(text: string, start: number, tokenEnd: number): number {
  const n = text.length;
  if (!isSymbolStart(text.charCodeAt(start))) return BodyKind.Unknown;
  const arrow = text.indexOf(' <-', tokenEnd);
  if (arrow < 0) {
    // A bare function, maybe with its module: `func` or `func [module]`.
    const rest = skipBlanks(text, tokenEnd);
    if (rest < n && !(text.charCodeAt(rest) === 91 /* [ */ && text.charCodeAt(trimEnd(text, rest, n) - 1) === 93)) return BodyKind.Unknown;
    BODY.funcEnd = trimEnd(text, start, n);
    BODY.parentStart = -1;
    BODY.parentEnd = -1;
    return BodyKind.Function;
  }
  // Arguments (func_args) are not part of the name.
  BODY.funcEnd = text.charCodeAt(tokenEnd) === 40 ? tokenEnd : trimEnd(text, start, arrow);
  let p = arrow + 3;
  if (text.charCodeAt(p) === 45 /* - */) p++;
  BODY.parentStart = skipBlanks(text, p);
  BODY.parentEnd = trimEnd(text, BODY.parentStart, n);
  if (BODY.parentEnd === BODY.parentStart) BODY.parentStart = BODY.parentEnd = -1;
  return BodyKind.Function;
}
