import type { NodeSummary } from '../api/schemas';
import { parseCapture } from '../parse';
import { iterate, type ByteSource } from '../parse/lines';
import type { NodeUpload } from '../store';
import { serverEnv } from './env';
import { HttpError } from './http';
import { getStore } from './store';

/** Writes each chunk to the upload before the parser sees it. */
async function* through(body: ByteSource, upload: NodeUpload): AsyncGenerator<Uint8Array> {
  for await (const value of iterate(body)) {
    await upload.write(value);
    yield value;
  }
}

/**
 * Streams a request body into the store (raw bytes) and the parser at once, then commits the
 * node atomically. On any failure the upload is discarded and the node keeps what it had.
 */
export async function ingestNode(
  captureId: string,
  node: string,
  body: ByteSource | null,
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
    if (stats.bytesIn === 0) throw new HttpError(400, 'empty_body', 'the request body is empty: send the capture as the body (curl --data-binary @file)');
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
