import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseCapture, type ParseResult } from '../lib/parse';
import type { CaptureFormat } from '../lib/parse/format';
import { collapse, foldedLines, type CollapseOptions } from '../lib/profile/collapse';

export function readText(file: string): string {
  const raw = readFileSync(file);
  return (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
}

/** The bytes of `data` cut into chunks whose sizes cycle through `sizes` (chunk boundaries are where streaming parsers break). */
export function* chunked(data: Uint8Array, sizes: readonly number[] = [1, 2, 3, 5, 7, 11, 13, 4093]): Generator<Uint8Array> {
  let i = 0;
  let k = 0;
  while (i < data.length) {
    const n = sizes[k++ % sizes.length] as number;
    yield data.subarray(i, i + n);
    i += n;
  }
}

export async function parseBytes(bytes: Uint8Array, file = 'test', chunkSizes?: readonly number[], format?: CaptureFormat): Promise<ParseResult> {
  return parseCapture(chunkSizes ? chunked(bytes, chunkSizes) : [bytes], { file, format });
}

export async function parseText(text: string, file = 'test', format?: CaptureFormat): Promise<ParseResult> {
  return parseBytes(new TextEncoder().encode(text), file, undefined, format);
}

export function fold(result: ParseResult, opts: CollapseOptions = {}): string[] {
  return foldedLines(collapse(result.profile, opts));
}

/**
 * stackcollapse-perf.pl only stores a sample when a blank line follows it. Returns the text
 * Perl effectively reads (without a trailing record that no blank line ends) and that record.
 */
export function splitUnterminatedTail(text: string): { terminated: string; tail: string } {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const lines = body.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if ((lines[i] as string).replace(/\r$/, '') !== '') continue;
    const after = lines.slice(i + 1);
    if (!after.some((l) => l.trim() !== '' && !l.startsWith('#'))) return { terminated: text, tail: '' };
    return { terminated: lines.slice(0, i + 1).join('\n') + '\n', tail: after.join('\n') + '\n' };
  }
  return { terminated: '', tail: text };
}

/** Sums folded lines (`stack count`) into a map, adding `extra` lines. */
export function foldedMap(lines: readonly string[], ...extra: readonly string[][]): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of [lines, ...extra].flat()) {
    const sp = l.lastIndexOf(' ');
    const key = l.slice(0, sp);
    out.set(key, (out.get(key) ?? 0) + Number(l.slice(sp + 1)));
  }
  return out;
}

const isNaNNumber = (v: unknown): boolean => typeof v === 'number' && Number.isNaN(v);

function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}`;
  if (Array.isArray(v)) return `array(${v.length})`;
  return String(v);
}

/**
 * The first difference between two values, walked generically: objects by their own keys (a key
 * on one side only is a difference), arrays and typed arrays element by element (same kind and
 * length), NaN equal to NaN. Returns `path: a ≠ b`, or null when they are equal. Used on whole
 * Profiles, so a table or column added to the model is compared without changing a test.
 */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  if (a === b || (isNaNNumber(a) && isNaNNumber(b))) return null;
  const differ = `${path}: ${describeValue(a)} ≠ ${describeValue(b)}`;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return differ;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor) return differ;
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    if (x.length !== y.length) return `${path}.length: ${x.length} ≠ ${y.length}`;
    for (let i = 0; i < x.length; i++) {
      const u = x[i] as number;
      const v = y[i] as number;
      if (u !== v && !(Number.isNaN(u) && Number.isNaN(v))) return `${path}[${i}]: ${u} ≠ ${v}`;
    }
    return null;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return differ;
    if (a.length !== b.length) return `${path}.length: ${a.length} ≠ ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: objects of different kinds`;
  const x = a as Readonly<Record<string, unknown>>;
  const y = b as Readonly<Record<string, unknown>>;
  for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) {
    if (!Object.hasOwn(x, key) || !Object.hasOwn(y, key)) return `${path}.${key}: present on one side only`;
    const d = firstDifference(x[key], y[key], `${path}.${key}`);
    if (d !== null) return d;
  }
  return null;
}

export { recordCount } from '../lib/profile/select';
