import type { NodeSummary } from '../api/schemas';
import { parseCapture } from '../parse';
import type { NodeUpload } from '../store';
import { serverEnv } from './env';
import { HttpError } from './http';
import { getStore } from './store';

async function* through(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>, upload: NodeUpload): AsyncGenerator<Uint8Array> {
  if (Symbol.asyncIterator in body) {
    for await (const value of body as AsyncIterable<Uint8Array>) {
      await upload.write(value);
      yield value;
    }
    return;
  }
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      await upload.write(value);
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Streams a request body into the store (raw bytes) and the parser at once, then commits the
 * node atomically. On any failure the upload is discarded and the node keeps what it had.
 */
export async function ingestNode(
  captureId: string,
  node: string,
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null,
  opts: { fileName?: string; arch?: string } = {},
): Promise<NodeSummary> {
  if (!body) throw new HttpError(400, 'empty_body', 'send the capture as the request body');
  const store = await getStore();
  const upload = await store.beginNodeUpload(captureId, node);
  try {
    const { profile, format, stats } = await parseCapture(through(body, upload), {
      file: opts.fileName ?? node,
      maxBytes: serverEnv().TRACEFLEET_MAX_NODE_BYTES,
      arch: opts.arch,
    });
    const { meta } = profile;
    const startNs = meta.clock.originSec * 1e9 + meta.clock.originNsOfSec;
    return await upload.commit(profile, {
      name: node,
      format: format.id,
      gzip: stats.gzip,
      bytes: stats.bytesIn,
      textBytes: stats.bytesOut,
      lines: meta.lines,
      samples: profile.samples.length,
      events: profile.eventTypes.map((e) => ({ name: e.name, samples: e.samples })),
      startNs,
      endNs: startNs + meta.durationNs,
      clock: meta.clock.kind,
      hostname: meta.hostname ?? null,
      warnings: meta.warningCount,
      warningDetails: meta.warnings.slice(0, 20),
    });
  } catch (err) {
    await upload.abort();
    throw err;
  }
}
