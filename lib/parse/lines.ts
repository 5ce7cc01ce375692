import { ParseError } from './errors';

export const GZIP_MAGIC = [0x1f, 0x8b] as const;
/** A single line longer than this is not a capture line; refuse it instead of buffering forever. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | ReadableStream<Uint8Array>;

export interface ReadStats {
  /** Bytes read from the source (compressed size for gzip input). */
  bytesIn: number;
  /** Bytes after decompression. */
  bytesOut: number;
  gzip: boolean;
  lines: number;
}

export interface ReadOptions {
  readonly file: string;
  /** Decompressed-size cap (gzip bombs): exceeding it is a ParseError. */
  readonly maxBytes?: number;
  readonly onBytes?: (bytesIn: number) => void;
}

async function* iterate(source: ByteSource): AsyncGenerator<Uint8Array> {
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

/**
 * Bytes → decompressed bytes: gzip is detected by its magic number in the first two bytes,
 * never by file name. Counts bytes in and out and enforces the size cap.
 */
async function* decompressed(source: ByteSource, opts: ReadOptions, stats: ReadStats): AsyncGenerator<Uint8Array> {
  const input = iterate(source);
  const head: Uint8Array[] = [];
  let headLen = 0;
  let first: IteratorResult<Uint8Array>;
  while (headLen < 2 && !(first = await input.next()).done) {
    head.push(first.value);
    headLen += first.value.length;
  }
  const counted = async function* (): AsyncGenerator<Uint8Array> {
    for (const chunk of head) {
      stats.bytesIn += chunk.length;
      opts.onBytes?.(stats.bytesIn);
      yield chunk;
    }
    for await (const chunk of { [Symbol.asyncIterator]: () => input }) {
      stats.bytesIn += chunk.length;
      opts.onBytes?.(stats.bytesIn);
      yield chunk;
    }
  };
  const joined = head.length === 1 ? head[0] : concat(head);
  stats.gzip = !!joined && joined.length >= 2 && joined[0] === GZIP_MAGIC[0] && joined[1] === GZIP_MAGIC[1];
  let out: AsyncIterable<Uint8Array> = counted();
  if (stats.gzip) {
    const stream = toReadable(counted()).pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
    out = iterate(stream);
  }
  const max = opts.maxBytes ?? Infinity;
  try {
    for await (const chunk of out) {
      stats.bytesOut += chunk.length;
      if (stats.bytesOut > max) throw new ParseError(opts.file, 0, `capture is larger than the ${max}-byte limit after decompression`);
      yield chunk;
    }
  } catch (err) {
    if (err instanceof ParseError) throw err;
    if (stats.gzip) throw new ParseError(opts.file, 0, `gzip data is corrupt or truncated (${(err as Error).message})`);
    throw err;
  }
}

function toReadable(source: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await source.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await source.return(undefined);
    },
  });
}

function concat(parts: Uint8Array[]): Uint8Array | undefined {
  if (parts.length === 0) return undefined;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Decoded text in chunks of whole lines: yields arrays of lines (without `\n` or `\r\n`).
 * Invalid UTF-8 becomes U+FFFD rather than an error: capture text is whatever the tool printed.
 */
export async function* lineBatches(source: ByteSource, opts: ReadOptions, stats: ReadStats): AsyncGenerator<string[]> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  for await (const bytes of decompressed(source, opts, stats)) {
    const text = decoder.decode(bytes, { stream: true });
    const lines = splitLines(carry, text, opts.file, stats);
    carry = lines.pop() as string;
    if (lines.length > 0) yield lines;
  }
  const rest = carry + decoder.decode();
  const last = splitLines('', rest, opts.file, stats);
  const tail = last.pop() as string;
  if (tail.length > 0) {
    last.push(tail.endsWith('\r') ? tail.slice(0, -1) : tail);
    stats.lines++;
  }
  if (last.length > 0) yield last;
}

/** Splits `carry + text` on newlines; the last element is the unterminated remainder. */
function splitLines(carry: string, text: string, file: string, stats: ReadStats): string[] {
  const out: string[] = [];
  let start = 0;
  let idx = text.indexOf('\n');
  if (carry.length > 0) {
    if (idx < 0) {
      if (carry.length + text.length > MAX_LINE_CHARS) throw new ParseError(file, stats.lines + 1, `line is longer than ${MAX_LINE_CHARS} characters`);
      out.push(carry + text);
      return out;
    }
    let line = carry + text.slice(0, idx);
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    out.push(line);
    stats.lines++;
    start = idx + 1;
    idx = text.indexOf('\n', start);
  }
  while (idx >= 0) {
    const end = idx > start && text.charCodeAt(idx - 1) === 13 ? idx - 1 : idx;
    out.push(text.slice(start, end));
    stats.lines++;
    start = idx + 1;
    idx = text.indexOf('\n', start);
  }
  const rest = text.slice(start);
  if (rest.length > MAX_LINE_CHARS) throw new ParseError(file, stats.lines + 1, `line is longer than ${MAX_LINE_CHARS} characters`);
  out.push(rest);
  return out;
}
