import type { z } from 'zod';
import { captureUrl, type endpoints, type ResponseOf } from '../api/endpoints';
import { CaptureId, type CreateCaptureBody, type FetchBody, type UploadQuery } from '../api/schemas';
import { NotFoundError } from '../store';
import { serverEnv } from './env';
import { openUrl } from './fetch-url';
import { ingestNode } from './ingest';
import { getCapture } from './profiles';
import { getStore } from './store';

type Params = { id: string };
type NodeParams = { id: string; node: string };

export async function createCapture(body: z.output<typeof CreateCaptureBody>): Promise<ResponseOf<typeof endpoints.createCapture>> {
  const capture = await (await getStore()).createCapture(body.name || `capture ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`);
  return { id: capture.id, url: captureUrl(capture.id) };
}

export async function listCaptures(limit: number): Promise<ResponseOf<typeof endpoints.listCaptures>> {
  return { captures: await (await getStore()).listCaptures(limit) };
}

export async function captureRecord(p: Params): Promise<ResponseOf<typeof endpoints.capture>> {
  const { id, name, createdAt, nodes } = await getCapture(p.id);
  return { id, name, createdAt, nodes: [...nodes] };
}

export async function nodeSummary(p: NodeParams): Promise<ResponseOf<typeof endpoints.node>> {
  const summary = (await getCapture(p.id)).nodes.find((n) => n.name === p.node);
  if (!summary) throw new NotFoundError(`node ${p.node}`);
  return summary;
}

export async function deleteNode(p: NodeParams): Promise<Response> {
  if (!(await (await getStore()).deleteNode(p.id, p.node))) throw new NotFoundError(`node ${p.node}`);
  return new Response(null, { status: 204 });
}

/** GET …/raw: the capture exactly as uploaded. */
export async function rawNode(p: NodeParams): Promise<Response> {
  const raw = await (await getStore()).openRaw(p.id, p.node);
  if (!raw) throw new NotFoundError(`node ${p.node}`);
  return new Response(raw.stream, {
    headers: {
      'content-type': raw.gzip ? 'application/gzip' : 'text/plain; charset=utf-8',
      'content-length': String(raw.bytes),
      'content-disposition': `attachment; filename="${p.node}${raw.gzip ? '.txt.gz' : '.txt'}"`,
    },
  });
}

/** Optional `x-file-name` (URI-encoded) names the upload in error messages. */
function fileNameHeader(req: Request): string | undefined {
  const raw = req.headers.get('x-file-name');
  if (!raw) return undefined;
  try {
    return decodeURIComponent(raw).slice(0, 256);
  } catch {
    return raw.slice(0, 256);
  }
}

/** PUT …/nodes/{node}: the request body streamed into the store and the parser. */
export async function putNode(p: NodeParams, q: z.output<typeof UploadQuery>, body: ReadableStream<Uint8Array> | null, req: Request): Promise<ResponseOf<typeof endpoints.putNode>> {
  return ingestNode(p.id, p.node, body, { fileName: fileNameHeader(req), arch: q.arch });
}

/** POST …/nodes/{node}/fetch: the server downloads the capture and ingests it as an upload. */
export async function fetchNode(p: NodeParams, body: z.output<typeof FetchBody>): Promise<ResponseOf<typeof endpoints.fetchNode>> {
  const { body: stream, name } = await openUrl(body.url, serverEnv().TRACEFLEET_FETCH_ALLOW_PRIVATE === '1');
  try {
    return await ingestNode(p.id, p.node, stream, { fileName: name, arch: body.arch });
  } finally {
    stream.destroy();
  }
}

/** The capture for a page: null when the id is malformed or names no capture (the page answers 404). */
export async function findCapture(id: string): Promise<ResponseOf<typeof endpoints.capture> | null> {
  if (!CaptureId.safeParse(id).success) return null;
  const capture = await (await getStore()).getCapture(id);
  return capture && { id: capture.id, name: capture.name, createdAt: capture.createdAt, nodes: [...capture.nodes] };
}
