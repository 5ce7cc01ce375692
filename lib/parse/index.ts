import { ProfileBuilder, type ModelLimits } from '../profile/builder';
import type { Profile } from '../profile/types';
import { CaptureTooLargeError, UnknownFormatError } from './errors';
import { MAX_DOCUMENT_BYTES, type BinaryFormat, type CaptureFormat, type TextSink } from './format';
import { foldedFormat } from './folded';
import { concat, decompressed, textOf, type ByteSource, type ReadOptions, type ReadStats } from './lines';
import { perfScriptFormat } from './perf-script';
import { ftraceFormat, traceCmdFormat } from './ftrace';
import { pprofFormat } from './pprof';
import { speedscopeFormat } from './speedscope';
import { straceFormat } from './strace';

export { CaptureTooLargeError, ParseError, UnknownFormatError } from './errors';
export type { ByteSource, ReadStats } from './lines';

/** Text formats in sniffing order: the first 'yes' wins, else the first 'maybe'. */
export const FORMATS: readonly CaptureFormat[] = [perfScriptFormat, straceFormat, ftraceFormat, traceCmdFormat, speedscopeFormat, foldedFormat];

/** Binary formats, tried (in this order) only on input that is not text. */
export const BINARY_FORMATS: readonly BinaryFormat[] = [pprofFormat];

/** Decompressed bytes the binary sniffers see. */
export const BINARY_HEAD_BYTES = 4096;

/** How much decoded text the sniffers see. */
export const FIRST_PAGE_CHARS = 64 * 1024;

export interface ParseResult {
  profile: Profile;
  format: CaptureFormat | BinaryFormat;
  stats: ReadStats;
}

export function detectFormat(firstLines: readonly string[], formats: readonly CaptureFormat[] = FORMATS): CaptureFormat | null {
  let maybe: CaptureFormat | null = null;
  for (const f of formats) {
    const answer = f.sniff(firstLines);
    if (answer === 'yes') return f;
    if (answer === 'maybe' && !maybe) maybe = f;
  }
  return maybe;
}

/** The whole lines of a capture's first page (a line cut at the page's end is not evidence). */
function firstPageLines(text: string): string[] {
  const page = text.slice(0, FIRST_PAGE_CHARS);
  const lines = page.split('\n');
  if (page.length === FIRST_PAGE_CHARS && lines.length > 1) lines.pop();
  return lines;
}

/**
 * The format of a capture, from the start of its decoded text (only the first FIRST_PAGE_CHARS
 * are read); null when no format recognises it. An empty capture is a valid perf script of
 * zero samples (an idle node), not an unknown format.
 */
export function detectFirstPage(text: string, formats: readonly CaptureFormat[] = FORMATS): CaptureFormat | null {
  const lines = firstPageLines(text);
  if (lines.every((l) => l.trim().length === 0)) return perfScriptFormat;
  return detectFormat(lines, formats);
}

/**
 * Whether the first bytes are not text: a control character that no capture prints (NUL and
 * the like; tabs, line and form feeds, escapes are text) or invalid UTF-8. Latin-1 text also
 * lands here, and goes on to the text formats when no binary format claims it.
 */
export function looksBinary(head: Uint8Array): boolean {
  for (const b of head) if (b < 0x20 && b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 0x1b) return true;
  try {
    // stream: a sequence cut at the head's end is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return false;
  } catch {
    return true;
  }
}

/** The binary format of the first bytes of a (decompressed) input, or null: text, or no format claims it. */
export function detectBinary(head: Uint8Array, whole: boolean, formats: readonly BinaryFormat[] = BINARY_FORMATS): BinaryFormat | null {
  if (!looksBinary(head)) return null;
  let maybe: BinaryFormat | null = null;
  for (const f of formats) {
    const answer = f.sniffBytes(head, whole);
    if (answer === 'yes') return f;
    if (answer === 'maybe' && !maybe) maybe = f;
  }
  return maybe;
}

export interface ParseOptions extends ReadOptions {
  /** Candidates for sniffing (default FORMATS, and BINARY_FORMATS for input that is not text). */
  readonly formats?: readonly CaptureFormat[];
  readonly binaryFormats?: readonly BinaryFormat[];
  /** Skip sniffing and parse as this format. */
  readonly format?: CaptureFormat | BinaryFormat;
  /** Most decompressed bytes of a format read whole (pprof, speedscope); default MAX_DOCUMENT_BYTES. */
  readonly maxDocumentBytes?: number;
  /** Syscall numbering for raw syscall events when the capture does not say (x86_64 by default). */
  readonly arch?: string;
  /** How much the capture may hold (records, frames, stack nodes). */
  readonly limits?: ModelLimits;
}

const isBinary = (f: CaptureFormat | BinaryFormat): f is BinaryFormat => 'decode' in f;

/**
 * Streams a capture (plain or gzip, detected by magic bytes) into a frozen Profile: binary input
 * (pprof) is recognised from its first decompressed bytes and decoded whole; text goes through
 * the format detected from its first page, and never more than a chunk of it is held.
 */
export async function parseCapture(source: ByteSource, opts: ParseOptions): Promise<ParseResult> {
  const stats: ReadStats = { bytesIn: 0, bytesOut: 0, gzip: false };
  const bytes = decompressed(source, opts, stats);
  const head: Uint8Array[] = [];
  let headLength = 0;
  let whole = false;
  if (!opts.format || isBinary(opts.format)) {
    while (headLength < BINARY_HEAD_BYTES) {
      const r = await bytes.next();
      if (r.done) {
        whole = true;
        break;
      }
      head.push(r.value);
      headLength += r.value.length;
    }
  }
  // The head's pieces as they came (chunk boundaries stay where the input put them), then the
  // rest; without a head (a format given), the bytes themselves, one generator fewer per piece.
  const all =
    head.length === 0
      ? bytes
      : (async function* () {
          yield* head;
          yield* bytes;
        })();
  const binary = opts.format ? (isBinary(opts.format) ? opts.format : null) : detectBinary(concat(head, headLength), whole, opts.binaryFormats);
  if (binary) return parseDocument(binary, all, opts, stats);
  return parseText(all, opts, stats);
}

/** A binary format: every decompressed byte (up to maxDocumentBytes), then decoded at once. */
async function parseDocument(format: BinaryFormat, input: AsyncIterable<Uint8Array>, opts: ParseOptions, stats: ReadStats): Promise<ParseResult> {
  const max = opts.maxDocumentBytes ?? MAX_DOCUMENT_BYTES;
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const piece of input) {
    length += piece.length;
    if (length > max) throw new CaptureTooLargeError(opts.file, max, `${format.label}s are read whole, and this one is larger than ${max} bytes after decompression (TRACEFLEET_MAX_DOCUMENT_BYTES)`);
    parts.push(piece);
  }
  const builder = new ProfileBuilder(format.id, opts.limits);
  if (opts.arch) builder.setMeta({ arch: opts.arch });
  format.decode(concat(parts, length), builder, { file: opts.file, maxDocumentBytes: max });
  return { profile: builder.build(), format, stats };
}

async function parseText(input: AsyncIterable<Uint8Array>, opts: ParseOptions, stats: ReadStats): Promise<ParseResult> {
  let sink: TextSink | null = null;
  let builder: ProfileBuilder | null = null;
  let format: CaptureFormat | null = null;
  const pending: string[] = [];
  let pendingChars = 0;

  const start = (): TextSink => {
    const firstPage = pending.join('');
    format = (opts.format as CaptureFormat | undefined) ?? detectFirstPage(firstPage, opts.formats);
    if (!format) throw new UnknownFormatError(opts.file, firstPageLines(firstPage).find((l) => l.trim().length > 0) ?? '');
    builder = new ProfileBuilder(format.id, opts.limits);
    if (opts.arch) builder.setMeta({ arch: opts.arch });
    const s = format.createParser(builder, { file: opts.file, maxDocumentBytes: opts.maxDocumentBytes });
    for (const text of pending.splice(0)) s.chunk(text);
    return s;
  };

  for await (const text of textOf(input, opts)) {
    if (sink) {
      sink.chunk(text);
      continue;
    }
    pending.push(text);
    pendingChars += text.length;
    if (pendingChars >= FIRST_PAGE_CHARS) sink = start();
  }
  sink ??= start();
  sink.end();
  return { profile: (builder as unknown as ProfileBuilder).build(), format: format as unknown as CaptureFormat, stats };
}
