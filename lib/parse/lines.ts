import { Buffer, isAscii } from 'node:buffer';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CaptureTooLargeError, ParseError } from './errors';
import { concatBytes as concat } from '../util/bytes';

export const GZIP_MAGIC = [0x1f, 0x8b] as const;
/** A single line longer than this is not a capture line; refuse it instead of buffering forever. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;
/**
 * Bytes gathered before decoding (default of ReadOptions.chunkBytes): big pieces keep most
 * records inside one chunk; below ~1 MB Node makes ordinary (not external) strings, which V8
 * compares and hashes fastest.
 */
export const CHUNK_BYTES = 900_000;

/** Largest piece gunzip hands on. */
export const GUNZIP_CHUNK_BYTES = 256 * 1024;

/** Decompressed bytes before the ratio guard applies (small files compress a lot, legitimately). */
export const RATIO_GRACE = 64 * 1024 * 1024;

export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | ReadableStream<Uint8Array>;

export interface ReadStats {
  /** Bytes read from the source (compressed size for gzip input). */
  bytesIn: number;
  /** Bytes after decompression. */
  bytesOut: number;
  gzip: boolean;
}

export interface ReadOptions {
  readonly file: string;
  /** Decompressed-size cap: exceeding it is a CaptureTooLargeError. */
  readonly maxBytes?: number;
  /** Largest decompressed / compressed ratio of gzip input (bombs), checked past the first RATIO_GRACE bytes. */
  readonly maxRatio?: number;
  readonly onBytes?: (bytesIn: number) => void;
  /**
   * Bytes gathered before a text chunk is cut at its last newline and decoded (default
   * CHUNK_BYTES). Tests set it small so that the parsers receive chunks whose boundaries follow
   * the input's pieces.
   */
  readonly chunkBytes?: number;
}

/** Any byte source as an async iterator of chunks. */
export async function* iterate(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (Symbol.asyncIterator in source) {
    yield* source as AsyncIterable<Uint8Array>;
    return;
  }
  if (Symbol.iterator in source) {
    yield* source as Iterable<Uint8Array>;
    return;
  }
  const reader = (source as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Byte arrays joined (lib/util/bytes.ts), for the readers of this folder. */
export { concat };

/**
 * Bytes → decompressed bytes: gzip is detected by its magic number in the first two bytes,
 * never by file name. Counts bytes in and out and enforces the size cap.
 */
export async function* decompressed(source: ByteSource, opts: ReadOptions, stats: ReadStats): AsyncGenerator<Uint8Array> {
  const input = iterate(source);
  const head: Uint8Array[] = [];
  let headLen = 0;
  while (headLen < 2) {
    const r = await input.next();
    if (r.done) break;
    head.push(r.value);
    headLen += r.value.length;
  }
  const counted = async function* (): AsyncGenerator<Uint8Array> {
    for (const chunk of head) {
      stats.bytesIn += chunk.length;
      opts.onBytes?.(stats.bytesIn);
      yield chunk;
    }
    for (;;) {
      const r = await input.next();
      if (r.done) return;
      stats.bytesIn += r.value.length;
      opts.onBytes?.(stats.bytesIn);
      yield r.value;
    }
  };
  const first = head.length > 0 ? concat(head, headLen) : new Uint8Array(0);
  stats.gzip = first.length >= 2 && first[0] === GZIP_MAGIC[0] && first[1] === GZIP_MAGIC[1];
  let out: AsyncIterable<Uint8Array> = counted();
  // Compressed bytes the inflater has taken in: the ratio is measured against them, not against
  // what was read ahead into its queue (a whole small bomb can be read before it inflates).
  let consumed = () => stats.bytesIn;
  if (stats.gzip) {
    // node:zlib inflates several times faster than the web DecompressionStream; it also reads
    // concatenated gzip members (`cat a.gz b.gz`), as gunzip does.
    // pipeline(), not pipe(): when the reader stops (a parse error, a limit), every stage is
    // destroyed and the source generator closed, instead of reading on into a closed upload.
    const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
    consumed = () => gunzip.bytesWritten;
    out = pipeline(Readable.from(counted()), gunzip, () => undefined);
  }
  const max = opts.maxBytes ?? Infinity;
  const ratio = opts.maxRatio ?? Infinity;
  try {
    for await (const chunk of out) {
      stats.bytesOut += chunk.length;
      if (stats.bytesOut > max) throw new CaptureTooLargeError(opts.file, max);
      if (stats.gzip && stats.bytesOut > RATIO_GRACE && stats.bytesOut > ratio * consumed())
        throw new CaptureTooLargeError(opts.file, max, `gzip data inflates more than ${ratio}× (${consumed()} bytes gave ${stats.bytesOut} so far): refused as a compression bomb (TRACEFLEET_MAX_GZIP_RATIO)`);
      yield chunk;
    }
  } catch (err) {
    if (err instanceof ParseError || err instanceof CaptureTooLargeError) throw err;
    if (stats.gzip) throw new ParseError(opts.file, 0, `gzip data is corrupt or truncated (${(err as Error).message})`);
    throw err;
  }
}

const utf8 = new TextDecoder('utf-8');

/** Whole lines of bytes → text. ASCII (nearly every capture) takes the fast Latin-1 path. */
function decode(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const text = isAscii(buf) ? buf.toString('latin1') : utf8.decode(buf);
  return buf.indexOf(13) >= 0 ? text.replaceAll('\r\n', '\n') : text;
}

/**
 * Decoded text in chunks that end at a line boundary, with CRLF turned into LF. Chunks are cut
 * at a newline byte, so a UTF-8 sequence is never split. Invalid UTF-8 becomes U+FFFD rather
 * than an error: capture text is whatever the tool printed.
 */
export function textChunks(source: ByteSource, opts: ReadOptions, stats: ReadStats): AsyncGenerator<string> {
  return textOf(decompressed(source, opts, stats), opts);
}

/** Decompressed bytes → text chunks ending at line boundaries (textChunks after `decompressed`). */
export async function* textOf(input: AsyncIterable<Uint8Array>, opts: ReadOptions): AsyncGenerator<string> {
  const chunkBytes = Math.max(1, opts.chunkBytes ?? CHUNK_BYTES);
  let parts: Uint8Array[] = [];
  let pending = 0;
  // Offset in the pending bytes just past their last newline (0: none). Each piece is searched
  // once, so gathering stays linear however small the pieces are.
  let cut = 0;
  for await (const bytes of input) {
    if (bytes.length === 0) continue;
    const nl = bytes.lastIndexOf(10);
    if (nl >= 0) cut = pending + nl + 1;
    parts.push(bytes);
    pending += bytes.length;
    if (pending < chunkBytes) continue;
    if (cut === 0) {
      if (pending > MAX_LINE_CHARS) throw new ParseError(opts.file, 0, `a line is longer than ${MAX_LINE_CHARS} bytes`);
      continue;
    }
    const buf = concat(parts, pending);
    const rest = buf.slice(cut);
    parts = rest.length > 0 ? [rest] : [];
    pending = rest.length;
    const text = decode(buf.subarray(0, cut));
    cut = 0;
    yield text;
  }
  if (pending > 0) yield decode(concat(parts, pending));
}
