/**
 * Hot-path scanners of the perf script parser: charCode loops that find a record's time field,
 * a frame line's address and a callchain block's cache bucket without allocating.
 */
import { NS_PER_FRACTION_UNIT } from './event-line';

/** Result registers of findTimeField (no allocation on the hot path). */
export const TIME_FIELD = { sec: 0, nsOfSec: 0, end: 0 };

/**
 * Offset of the first `  123.456789:` time field (blank before, blank or end after), or -1.
 * It is almost always the real time field; a cache miss re-checks with the full parser.
 */
export function findTimeField(text: string): number {
  const n = text.length;
  for (let i = 1; i < n; i++) {
    const p = text.charCodeAt(i - 1);
    if (p !== 32 && p !== 9) continue;
    let j = i;
    let sec = 0;
    let c = text.charCodeAt(j);
    while (c >= 48 && c <= 57) {
      sec = sec * 10 + (c - 48);
      c = text.charCodeAt(++j);
    }
    if (j === i || c !== 46 /* . */) continue;
    const fracStart = ++j;
    let frac = 0;
    c = text.charCodeAt(j);
    while (c >= 48 && c <= 57) {
      if (j - fracStart < 9) frac = frac * 10 + (c - 48);
      c = text.charCodeAt(++j);
    }
    const digits = j - fracStart;
    if (digits === 0 || c !== 58 /* : */) continue;
    const after = text.charCodeAt(j + 1);
    if (j + 1 < n && after !== 32 && after !== 9) continue;
    TIME_FIELD.sec = sec;
    TIME_FIELD.nsOfSec = digits >= 9 ? frac : frac * (NS_PER_FRACTION_UNIT[digits] as number);
    TIME_FIELD.end = j + 1;
    return i;
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

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * The hex address at the start of an indented line, as a number (lossy above 2^53, which only
 * makes distinct lines share a cache bucket), or -1 when the line does not start that way.
 */
export function leadingAddress(text: string): number {
  let i = 0;
  let c = text.charCodeAt(0);
  while (c === 32 || c === 9) c = text.charCodeAt(++i);
  let value = 0;
  const start = i;
  for (;;) {
    if (c >= 48 && c <= 57) value = value * 16 + (c - 48);
    else if (c >= 97 && c <= 102) value = value * 16 + (c - 87);
    else break;
    c = text.charCodeAt(++i);
  }
  return i > start && (c === 32 || c === 9) ? value : -1;
}

export function looksLikeFrame(text: string): boolean {
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  const start = i;
  while (i < text.length && isHex(text.charCodeAt(i))) i++;
  if (i === start || i === text.length) return false;
  const sep = text.charCodeAt(i);
  if (sep !== 32 && sep !== 9) return false;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  const next = text.charCodeAt(i);
  return !(next >= 48 && next <= 57);
}
