import type { SourceSummary } from '../api/schemas';
import { sourceKind } from '../api/sources';
import type { ByteSource } from '../parse/lines';
import { serverEnv } from './env';
import { HttpError, toHttpError } from './http';
import { startParseJob } from './ingest-pool';
import { acquireUploadSlot, modelLimits, withDeadlines } from './limits';
import { liveHub } from './live';
import { getStore } from './store';

/** What is left of a refused request body is read (and dropped) up to this much, so the client gets the answer instead of a reset connection. */
const DRAIN_BYTES = 64 * 1024 * 1024;
/** Bytes handed to the store and the parser at a time. */
const PIECE_BYTES = 1 << 20;
const DRAIN_MS = 10_000;

async function drain(body: ByteSource): Promise<void> {
  if (!(body instanceof ReadableStream) || body.locked) return;
  const reader = body.getReader();
  const until = Date.now() + DRAIN_MS;
  let n = 0;
  try {
    while (n < DRAIN_BYTES && Date.now() < until) {
      const r = await reader.read();
      if (r.done) return;
      n += r.value.length;
    }
    await reader.cancel();
  } catch {
    // the client is gone: nothing to tell it
  } finally {
    reader.releaseLock();
  }
}

/** Stops a body's source: a web stream is cancelled, a Node stream destroyed. */
function canceller(body: ByteSource): () => void {
  return () => {
    const b = body as { cancel?: () => Promise<void>; destroy?: (err?: Error) => void };
    if (typeof b.destroy === 'function') b.destroy();
    else if (typeof b.cancel === 'function') b.cancel().catch(() => undefined);
  };
}

/**
 * Streams a request body into the store (raw bytes) and the parser at once, then commits the
 * source atomically. Without a source name, the source is named after the kind its parser
 * detected (`perf`, `perf-tracepoints`, `ftrace`, `trace-cmd`, `strace`, `folded`, `pprof`,
 * `speedscope`), so a re-upload of the same kind replaces it. On any failure the upload is
 * discarded and the host keeps what it had. Progress is published to the capture's live events.
 */
export async function ingestSource(
  captureId: string,
  node: string,
  source: string | null,
  body: ByteSource | null,
  opts: {
    fileName?: string;
    arch?: string;
    client?: string;
    /** The source's time span (Unix epoch ns) when the upload says it and its records do not (Pyroscope pushes). */
    span?: { startNs: number; endNs: number };
    /** Parse as this text format (its id) instead of sniffing. */
    format?: string;
  } = {},
): Promise<SourceSummary> {
  if (!body) throw new HttpError(400, 'empty_body', 'send the capture as the request body');
  const env = serverEnv();
  const store = await getStore();
  const quota = env.TRACEFLEET_QUOTA_GB ? env.TRACEFLEET_QUOTA_GB * 1e9 : Infinity;
  const used = quota < Infinity ? await store.usage() : 0;
  if (used >= quota) throw new HttpError(507, 'quota_exceeded', `the server keeps ${env.TRACEFLEET_QUOTA_GB} GB of captures (TRACEFLEET_QUOTA_GB) and is full: delete captures to make room`);
  const slot = acquireUploadSlot(opts.client ?? 'server');
  const upload = await store.beginSourceUpload(captureId, node).catch((err: unknown) => {
    slot.release();
    throw err;
  });
  const live = liveHub().begin(captureId, node, source);
  const job = startParseJob({ file: opts.fileName ?? node, arch: opts.arch, maxBytes: env.TRACEFLEET_MAX_NODE_BYTES, maxRatio: env.TRACEFLEET_MAX_GZIP_RATIO, maxDocumentBytes: env.TRACEFLEET_MAX_DOCUMENT_BYTES, limits: modelLimits(), format: opts.format });
  try {
    const bytes = withDeadlines(body, canceller(body), {
      maxBytes: quota - used,
      tooMuch: () => new HttpError(507, 'quota_exceeded', `this upload would take the server past its ${env.TRACEFLEET_QUOTA_GB} GB (TRACEFLEET_QUOTA_GB)`),
    });
    // Each piece goes to the store (raw) and to the parser (a worker) at once; the parser's
    // failure (a parse error, a limit) ends the upload without waiting for the rest.
    let received = 0;
    const stop = job.result.then(
      () => false,
      () => true,
    );
    let failed = false;
    void stop.then((f) => (failed = f));
    // Gathered into 1 MB pieces first: the request arrives in ~64 KB chunks, and each piece
    // costs the compressor, the file and the worker a hand-over (a third of the CPU, per chunk).
    let piece = new Uint8Array(PIECE_BYTES);
    let filled = 0;
    const handOver = async (bytes: Uint8Array) => {
      await Promise.all([upload.write(bytes), job.push(bytes)]);
    };
    for await (const chunk of bytes) {
      if (failed) break;
      for (let off = 0; off < chunk.length; ) {
        const n = Math.min(chunk.length - off, PIECE_BYTES - filled);
        piece.set(chunk.subarray(off, off + n), filled);
        filled += n;
        off += n;
        if (filled === PIECE_BYTES) {
          await handOver(piece);
          piece = new Uint8Array(PIECE_BYTES);
          filled = 0;
        }
      }
      received += chunk.length;
      live.bytes(received);
    }
    if (filled > 0 && !failed) await handOver(piece.subarray(0, filled));
    job.end();
    live.parsing();
    const { info, encoded } = await job.result;
    if (info.bytesIn === 0) throw new HttpError(400, 'empty_body', 'the request body is empty: send the capture as the body (curl --data-binary @file)');
    const { meta } = info;
    const kind = sourceKind(info.format, info.recorded);
    const startNs = meta.clock.originSec * 1e9 + meta.clock.originNsOfSec;
    const summary = await upload.commit(encoded, {
      name: source ?? kind,
      kind,
      format: info.format,
      gzip: info.gzip,
      bytes: info.bytesIn,
      textBytes: info.bytesOut,
      lines: meta.lines,
      samples: info.records,
      syscalls: info.syscalls,
      slices: info.slices,
      runq: info.runq,
      events: info.events,
      startNs: opts.span?.startNs ?? startNs,
      endNs: opts.span?.endNs ?? startNs + meta.durationNs,
      clock: opts.span ? 'epoch' : meta.clock.kind,
      hostname: meta.hostname ?? null,
      capturedOn: meta.capturedOn ?? null,
      ...(meta.untimed ? { untimed: true } : {}),
      warnings: meta.warningCount,
      warningDetails: meta.warnings.slice(0, 20),
    });
    live.ready(summary.name);
    return summary;
  } catch (err) {
    job.cancel();
    await upload.abort();
    await drain(body);
    const h = toHttpError(err);
    live.failed({ code: h.code, message: h.status >= 500 && h.status !== 507 ? 'internal error' : h.message });
    throw err;
  } finally {
    slot.release();
  }
}
