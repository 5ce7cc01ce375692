import type { SourceSummary } from '../api/schemas';
import { sourceKind } from '../api/sources';
import { parseCapture } from '../parse';
import { recordCount, recordedEvents } from '../profile/select';
import type { ByteSource } from '../parse/lines';
import type { SourceUpload } from '../store';
import { serverEnv } from './env';
import { HttpError, toHttpError } from './http';
import { acquireUploadSlot, modelLimits, withDeadlines } from './limits';
import { liveHub } from './live';
import { getStore } from './store';

/** Writes each chunk to the upload before the parser sees it. */
async function* through(body: AsyncIterable<Uint8Array>, upload: SourceUpload): AsyncGenerator<Uint8Array> {
  for await (const value of body) {
    await upload.write(value);
    yield value;
  }
}

/** What is left of a refused request body is read (and dropped) up to this much, so the client gets the answer instead of a reset connection. */
const DRAIN_BYTES = 64 * 1024 * 1024;
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
 * detected (`perf`, `perf-tracepoints`, `ftrace`, `trace-cmd`, `strace`, `folded`), so a
 * re-upload of the same kind replaces it. On any failure the upload is discarded and the host
 * keeps what it had. Progress is published to the capture's live events.
 */
export async function ingestSource(
  captureId: string,
  node: string,
  source: string | null,
  body: ByteSource | null,
  opts: { fileName?: string; arch?: string; client?: string } = {},
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
  try {
    const bytes = withDeadlines(body, canceller(body), {
      maxBytes: quota - used,
      tooMuch: () => new HttpError(507, 'quota_exceeded', `this upload would take the server past its ${env.TRACEFLEET_QUOTA_GB} GB (TRACEFLEET_QUOTA_GB)`),
    });
    const { profile, format, stats } = await parseCapture(through(bytes, upload), {
      file: opts.fileName ?? node,
      maxBytes: env.TRACEFLEET_MAX_NODE_BYTES,
      maxRatio: env.TRACEFLEET_MAX_GZIP_RATIO,
      limits: modelLimits(),
      arch: opts.arch,
      onBytes: live.bytes,
    });
    live.parsing();
    if (stats.bytesIn === 0) throw new HttpError(400, 'empty_body', 'the request body is empty: send the capture as the body (curl --data-binary @file)');
    const { meta } = profile;
    const kind = sourceKind(format.id, recordedEvents(profile));
    const startNs = meta.clock.originSec * 1e9 + meta.clock.originNsOfSec;
    const summary = await upload.commit(profile, {
      name: source ?? kind,
      kind,
      format: format.id,
      gzip: stats.gzip,
      bytes: stats.bytesIn,
      textBytes: stats.bytesOut,
      lines: meta.lines,
      samples: recordCount(profile),
      syscalls: profile.syscalls.length,
      slices: profile.sched.length,
      runq: profile.runq.length,
      events: profile.eventTypes.filter((e) => e.samples > 0).map((e) => (e.derived ? { name: e.name, samples: e.samples, derived: true } : { name: e.name, samples: e.samples })),
      startNs,
      endNs: startNs + meta.durationNs,
      clock: meta.clock.kind,
      hostname: meta.hostname ?? null,
      capturedOn: meta.capturedOn ?? null,
      warnings: meta.warningCount,
      warningDetails: meta.warnings.slice(0, 20),
    });
    live.ready(summary.name);
    return summary;
  } catch (err) {
    await upload.abort();
    await drain(body);
    const h = toHttpError(err);
    live.failed({ code: h.code, message: h.status >= 500 && h.status !== 507 ? 'internal error' : h.message });
    throw err;
  } finally {
    slot.release();
  }
}
