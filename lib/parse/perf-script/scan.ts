/**
 * Hot-path scanners of the perf script parser: charCode loops that find a record's time field,
 * a frame line's address and a callchain block's cache bucket without allocating. They are built
 * on the shared primitives of ../scan.ts.
 */
import * as scan from '../scan';

/** Bound once: see ../scan.ts on calls through import bindings. */
const { hex, isBlank, isDigit, SCAN, secondsNs, skipBlanks, skipToBlank } = scan;

/** Result registers of findTimeField and timeFieldAt (no allocation on the hot path). */
export const TIME_FIELD = { sec: 0, nsOfSec: 0, end: 0 };

/**
 * A `123.456789:` time field at `i` followed by a blank or the line end: sets TIME_FIELD and
 * returns true, else false.
 */
export function timeFieldAt(text: string, i: number): boolean {
  const j = secondsNs(text, i);
  if (j < 0 || text.charCodeAt(j) !== 58 /* : */) return false;
  if (j + 1 < text.length && !isBlank(text.charCodeAt(j + 1))) return false;
  TIME_FIELD.sec = SCAN.value;
  TIME_FIELD.nsOfSec = SCAN.ns;
  TIME_FIELD.end = j + 1;
  return true;
}

/**
 * Offset of the first `  123.456789:` time field (blank before, blank or end after), or -1.
 * It is almost always the real time field; a cache miss re-checks with the full parser.
 */
export function findTimeField(text: string): number {
  const n = text.length;
  // Word by word (a scanner call per word, not per character).
  for (let i = skipToBlank(text, 0); i < n; i = skipToBlank(text, i)) {
    i = skipBlanks(text, i);
    if (isDigit(text.charCodeAt(i)) && timeFieldAt(text, i)) return i;
  }
  return -1;
}

/**
 * Bucket of a callchain block: a hash of its length and of 32 characters spread over it (cheap,
 * and enough to tell apart blocks that differ in a stray address); equality is checked after.
 */
export function blockKey(text: string, start: number, end: number): number {
  let h = Math.imul(end - start, 0x9e3779b1);
  const step = Math.max(1, (end - start) >> 5);
  for (let i = start; i < end; i += step) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * The hex address at the start of an indented line, as a number (lossy above 2^53, which only
 * makes distinct lines share a cache bucket), or -1 when the line does not start that way.
 */
export function leadingAddress(text: string): number {
  const start = skipBlanks(text, 0);
  const end = hex(text, start);
  return end > start && isBlank(text.charCodeAt(end)) ? SCAN.value : -1;
}

/** An indented line that starts with a hex address followed by something other than a number. */
export function looksLikeFrame(text: string): boolean {
  const start = skipBlanks(text, 0);
  const i = hex(text, start);
  if (i === start || i === text.length || !isBlank(text.charCodeAt(i))) return false;
  return !isDigit(text.charCodeAt(skipBlanks(text, i)));
}
