/**
 * A raw upload on its way to disk: kept as sent when it is gzip already, else brotli-compressed
 * on the way in (quality 1: over 1 GB/s on one core, 20–30× smaller on perf text), by zlib on
 * libuv's thread pool, so the request thread only hands chunks over. Writes are pipelined: a
 * chunk is accepted at once unless the compressor and the disk are behind (then the upload
 * waits: backpressure). Reading gives back exactly the bytes that were sent.
 */
import { once } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import { PassThrough, Readable, Writable, type Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import { constants, createBrotliCompress, createBrotliDecompress } from 'node:zlib';
import { concatBytes } from '../util/bytes';

/** How a raw upload is stored: as sent, or brotli-compressed. */
export type RawEncoding = 'identity' | 'br';

const GZIP = [0x1f, 0x8b];

export interface RawWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes and syncs what was written (a file: the caller closes it); how it was stored and how many bytes were sent. */
  finish(): Promise<{ encoding: RawEncoding; bytes: number }>;
  /** Stops writing (the file is removed by the caller). */
  abort(): Promise<void>;
}

export function rawWriter(fh: FileHandle): RawWriter {
  return rawWriterTo(() => fileSink(fh), () => fh.sync());
}

/** The same into any writable (a store's blob), `flush` making what was written durable. */
export function rawWriterTo(target: () => Writable, flush: () => Promise<void>): RawWriter {
  let sink: Transform | null = null;
  let out: Writable | null = null;
  let encoding: RawEncoding = 'identity';
  let done: Promise<void> | null = null;
  let head: Uint8Array | null = null;
  let failure: unknown = null;
  let bytes = 0;
  const open = (first: Uint8Array) => {
    encoding = first[0] === GZIP[0] && first[1] === GZIP[1] ? 'identity' : 'br';
    const s = encoding === 'br' ? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 1 } }) : new PassThrough();
    const o = target();
    s.pipe(o);
    done = finished(o);
    done.catch((err: unknown) => (failure = err));
    s.on('error', (err) => (failure = err));
    sink = s;
    out = o;
  };
  const push = async (chunk: Uint8Array) => {
    if (failure) throw failure;
    const s = sink as Transform;
    bytes += chunk.length;
    if (!s.write(chunk)) await Promise.race([once(s, 'drain'), (done as Promise<void>).then(() => undefined)]);
    if (failure) throw failure;
  };
  return {
    write: async (chunk) => {
      if (chunk.length === 0) return;
      if (!sink) {
        // The encoding is decided on the first two bytes (a gzip upload is kept as sent).
        const joined: Uint8Array = head ? concatBytes([head, chunk]) : chunk;
        if (joined.length < 2) {
          head = joined.slice();
          return;
        }
        head = null;
        open(joined);
        return push(joined);
      }
      return push(chunk);
    },
    finish: async () => {
      if (!sink) open(head ?? new Uint8Array(0));
      if (head) await push(head);
      (sink as Transform).end();
      await done;
      if (failure) throw failure;
      await flush();
      return { encoding, bytes };
    },
    abort: async () => {
      sink?.destroy();
      out?.destroy();
      await done?.catch(() => undefined);
    },
  };
}

/** Writes all of `chunk` at the file's position. */
export async function writeAll(fh: FileHandle, chunk: Uint8Array): Promise<void> {
  let off = 0;
  while (off < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, off, chunk.length - off);
    off += bytesWritten;
  }
}

/** A writable stream into a file handle that stays open (the caller syncs and closes it). */
function fileSink(fh: FileHandle): Writable {
  return new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Uint8Array, _enc, cb) {
      writeAll(fh, chunk).then(() => cb(), cb);
    },
  });
}

/** The bytes that were sent, from a raw file stored in `encoding`. */
export function rawStream(file: Readable, encoding: RawEncoding): Readable {
  if (encoding === 'identity') return file;
  const out = createBrotliDecompress();
  file.on('error', (err) => out.destroy(err));
  return file.pipe(out);
}
