import { ProfileBuilder } from '../profile/builder';
import type { Profile } from '../profile/types';
import { UnknownFormatError } from './errors';
import type { CaptureFormat, LineSink } from './format';
import { foldedFormat } from './folded';
import { lineBatches, type ByteSource, type ReadOptions, type ReadStats } from './lines';
import { perfScriptFormat } from './perf-script';

export { ParseError, UnknownFormatError } from './errors';
export type { ByteSource, ReadStats } from './lines';

/** Formats in sniffing order: the first 'yes' wins, else the first 'maybe'. */
export const FORMATS: readonly CaptureFormat[] = [perfScriptFormat, foldedFormat];

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

/**
 * Streams a capture (plain or gzip, detected by magic bytes) through the format detected
 * from its first page into a frozen Profile. Never holds more than a chunk of the input.
 */
export async function parseCapture(
  source: ByteSource,
  opts: ReadOptions & {
    /** Candidates for sniffing (default FORMATS). */
    formats?: readonly CaptureFormat[];
    /** Skip sniffing and parse as this format. */
    format?: CaptureFormat;
  },
): Promise<ParseResult> {
  const stats: ReadStats = { bytesIn: 0, bytesOut: 0, gzip: false, lines: 0 };
  const pending: string[][] = [];
  let pendingChars = 0;
  let sink: LineSink | null = null;
  let builder: ProfileBuilder | null = null;
  let format: CaptureFormat | null = null;
  let lineNo = 0;

  const start = (firstPage: string[][]): void => {
    const lines = firstPage.flat();
    const empty = lines.every((l) => l.trim().length === 0);
    // An empty capture is a valid perf script of zero samples (an idle node), not an unknown format.
    format = opts.format ?? (empty ? perfScriptFormat : detectFormat(lines, opts.formats ?? FORMATS));
    if (!format) {
      const first = lines.find((l) => l.trim().length > 0) ?? '';
      throw new UnknownFormatError(opts.file, first);
    }
    builder = new ProfileBuilder(format.id);
    sink = format.createParser(builder, { file: opts.file });
    for (const batch of firstPage) feed(batch);
  };
  const feed = (batch: string[]): void => {
    const s = sink as LineSink;
    for (let i = 0; i < batch.length; i++) s.line(batch[i] as string, ++lineNo);
  };

  for await (const batch of lineBatches(source, opts, stats)) {
    if (sink) {
      feed(batch);
      continue;
    }
    pending.push(batch);
    for (const l of batch) pendingChars += l.length + 1;
    if (pendingChars >= FIRST_PAGE_CHARS) start(pending.splice(0));
  }
  if (!sink) start(pending.splice(0));
  (sink as unknown as LineSink).end(lineNo);
  return { profile: (builder as unknown as ProfileBuilder).build(), format: format as unknown as CaptureFormat, stats };
}
