import { ProfileBuilder, type ModelLimits } from '../profile/builder';
import type { Profile } from '../profile/types';
import { UnknownFormatError } from './errors';
import type { CaptureFormat, TextSink } from './format';
import { foldedFormat } from './folded';
import { textChunks, type ByteSource, type ReadOptions, type ReadStats } from './lines';
import { perfScriptFormat } from './perf-script';
import { ftraceFormat, traceCmdFormat } from './ftrace';
import { straceFormat } from './strace';

export { CaptureTooLargeError, ParseError, UnknownFormatError } from './errors';
export type { ByteSource, ReadStats } from './lines';

/** Formats in sniffing order: the first 'yes' wins, else the first 'maybe'. */
export const FORMATS: readonly CaptureFormat[] = [perfScriptFormat, straceFormat, ftraceFormat, traceCmdFormat, foldedFormat];

/** How much decoded text the sniffers see. */
export const FIRST_PAGE_CHARS = 64 * 1024;

export interface ParseResult {
  profile: Profile;
  format: CaptureFormat;
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

export interface ParseOptions extends ReadOptions {
  /** Candidates for sniffing (default FORMATS). */
  readonly formats?: readonly CaptureFormat[];
  /** Skip sniffing and parse as this format. */
  readonly format?: CaptureFormat;
  /** Syscall numbering for raw syscall events when the capture does not say (x86_64 by default). */
  readonly arch?: string;
  /** How much the capture may hold (records, frames, stack nodes). */
  readonly limits?: ModelLimits;
}

/**
 * Streams a capture (plain or gzip, detected by magic bytes) through the format detected
 * from its first page into a frozen Profile. Never holds more than a chunk of the input.
 */
export async function parseCapture(source: ByteSource, opts: ParseOptions): Promise<ParseResult> {
  const stats: ReadStats = { bytesIn: 0, bytesOut: 0, gzip: false };
  let sink: TextSink | null = null;
  let builder: ProfileBuilder | null = null;
  let format: CaptureFormat | null = null;
  const pending: string[] = [];
  let pendingChars = 0;

  const start = (): TextSink => {
    const firstPage = pending.join('');
    format = opts.format ?? detectFirstPage(firstPage, opts.formats);
    if (!format) throw new UnknownFormatError(opts.file, firstPageLines(firstPage).find((l) => l.trim().length > 0) ?? '');
    builder = new ProfileBuilder(format.id, opts.limits);
    if (opts.arch) builder.setMeta({ arch: opts.arch });
    const s = format.createParser(builder, { file: opts.file });
    for (const text of pending.splice(0)) s.chunk(text);
    return s;
  };

  for await (const text of textChunks(source, opts, stats)) {
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
