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
