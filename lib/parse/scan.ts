/**
 * Character-level scanners shared by every parser: charCode loops over a string at an offset,
 * no allocation. A scanner returns the offset just past what it read (its start when it read
 * nothing) and leaves the number it read in `SCAN`, a register object reused for every call
 * (read it before the next scan).
 *
 * Hot modules import this one as a namespace and bind what they use to module constants
 * (`import * as scan from '../scan'; const { decimal } = scan;`). Under tsx (npm run bench,
 * scripts) a call through an import binding goes through esbuild's CommonJS interop (a getter
 * shared by every export, with a megamorphic keyed load), about 8 ns a call, which took a fifth
 * off perf script throughput when these scanners were called a few times per line. A bound constant is a
 * plain call that V8 inlines (bundlers emit one getter per export, or none: harmless there).
 */

/** Registers of the last scan. */
export const SCAN = {
  /** `decimal`: the number; `hex`: the number (inexact above 2^53); `secondsNs`: the whole seconds. */
  value: 0,
  /** `fractionNs` and `secondsNs`: nanoseconds of the fraction. */
  ns: 0,
};

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** A space or a tab (the field separators of every format read here). */
export function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** `[A-Za-z0-9_]`, a regex `\w`. */
export function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** `[A-Za-z0-9_.]`: how a kernel symbol (a letter, `_` or `.`) or an unresolved address (a hex digit) starts. */
export function isSymbolStart(c: number): boolean {
  return isWordChar(c) || c === 46;
}

/** Offset of the first character at or after `i` that is not a space or tab. */
export function skipBlanks(text: string, i: number): number {
  const n = text.length;
  while (i < n && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** Offset of the first space or tab at or after `i` (the text's length when none). */
export function skipToBlank(text: string, i: number): number {
  const n = text.length;
  while (i < n && !isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** Offset of the first character at or after `i` that is not a space (tabs are not skipped). */
export function skipSpaces(text: string, i: number): number {
  while (text.charCodeAt(i) === 32) i++;
  return i;
}

/** Offset just past the last character of text[start, end) that is not a space or tab. */
export function trimEnd(text: string, start: number, end: number): number {
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return end;
}

/** Decimal digits at `i` into SCAN.value (0 when none); returns the offset after them. */
export function decimal(text: string, i: number): number {
  let v = 0;
  for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) v = v * 10 + (c - 48);
  SCAN.value = v;
  return i;
}

/** Hex digits (either case) at `i` into SCAN.value (inexact above 2^53); returns the offset after them. */
export function hex(text: string, i: number): number {
  let v = 0;
  for (let c = text.charCodeAt(i); ; c = text.charCodeAt(++i)) {
    if (c >= 48 && c <= 57) v = v * 16 + (c - 48);
    else if (c >= 97 && c <= 102) v = v * 16 + (c - 87);
    else if (c >= 65 && c <= 70) v = v * 16 + (c - 55);
    else break;
  }
  SCAN.value = v;
  return i;
}

/** Whether text[from, to) is one or more hex digits. */
export function allHex(text: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) if (!isHex(text.charCodeAt(i))) return false;
  return true;
}

/** Nanoseconds per unit of a fraction of 0–9 digits. */
const NS_PER_DIGITS = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 1e1, 1];

/**
 * The digits after a decimal point at `i` as exact nanoseconds into SCAN.ns: `123456` (µs) is
 * 123456000, digits past the ninth are dropped. Returns the offset after all the digits.
 */
export function fractionNs(text: string, i: number): number {
  const start = i;
  let v = 0;
  let c = text.charCodeAt(i);
  for (; c >= 48 && c <= 57 && i - start < 9; c = text.charCodeAt(++i)) v = v * 10 + (c - 48);
  SCAN.ns = v * (NS_PER_DIGITS[i - start] as number);
  while (c >= 48 && c <= 57) c = text.charCodeAt(++i);
  return i;
}

/**
 * `sec.frac` at `i` (digits on both sides of the point) into SCAN.value (seconds) and SCAN.ns;
 * returns the offset after the fraction, or -1 when the text there is not that.
 */
export function secondsNs(text: string, i: number): number {
  const j = decimal(text, i);
  if (j === i || text.charCodeAt(j) !== 46 /* . */) return -1;
  const k = fractionNs(text, j + 1);
  return k === j + 1 ? -1 : k;
}
