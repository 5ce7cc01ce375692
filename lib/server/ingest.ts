import type { SourceSummary } from '../api/schemas';
import { sourceKind } from '../api/sources';
import { parseCapture } from '../parse';
import { iterate, type ByteSource } from '../parse/lines';
import type { SourceUpload } from '../store';
import { serverEnv } from './env';
import { HttpError, toHttpError } from './http';
import { liveHub } from './live';
import { getStore } from './store';

/** Writes each chunk to the upload before the parser sees it. */
async function* through(body: ByteSource, upload: SourceUpload): AsyncGenerator<Uint8Array> {
  for await (const value of iterate(body)) {
    await upload.write(value);
    yield value;
  }
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
  opts: { fileName?: string; arch?: string } = {},
): Promise<SourceSummary> {
  if (!body) throw new HttpError(400, 'empty_body', 'send the capture as the request body');
  const store = await getStore();
  const upload = await store.beginSourceUpload(captureId, node);
  const live = liveHub().begin(captureId, node, source);
  try {
    const { profile, format, stats } = await parseCapture(through(body, upload), {
      file: opts.fileName ?? node,
      maxBytes: serverEnv().TRACEFLEET_MAX_NODE_BYTES,
      arch: opts.arch,
      onBytes: live.bytes,
    });
    live.parsing();
    if (stats.bytesIn === 0) throw new HttpError(400, 'empty_body', 'the request body is empty: send the capture as the body (curl --data-binary @file)');
    const { meta } = profile;
    const kind = sourceKind(
      format.id,
      profile.eventTypes.filter((e) => e.samples > 0).map((e) => e.name),
    );
    const startNs = meta.clock.originSec * 1e9 + meta.clock.originNsOfSec;
    const summary = await upload.commit(profile, {
      name: source ?? kind,
      kind,
      format: format.id,
      gzip: stats.gzip,
      bytes: stats.bytesIn,
      textBytes: stats.bytesOut,
      lines: meta.lines,
      samples: profile.samples.length,
      syscalls: profile.syscalls.length,
      slices: profile.sched.length,
      events: profile.eventTypes.map((e) => ({ name: e.name, samples: e.samples })),
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
    const h = toHttpError(err);
    live.failed({ code: h.code, message: h.status >= 500 ? 'internal error' : h.message });
    throw err;
  }
}
