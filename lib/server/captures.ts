import type { z } from 'zod';
import { captureUrl, type endpoints, type ResponseOf } from '../api/endpoints';
import { CaptureId, type CreateCaptureBody, type FetchBody, type NewTokenBody, type RenameCaptureBody, type UploadQuery } from '../api/schemas';
import { NotFoundError } from '../store';
import { issueUploadToken } from './auth';
import { serverEnv } from './env';
import { openUrl } from './fetch-url';
import { ingestSource } from './ingest';
import { clientKey } from './limits';
import { liveHub } from './live';
import { HttpError } from './http';
import { getCapture, pickSource } from './profiles';
import { getStore } from './store';

type Params = { id: string };
type NodeParams = { id: string; node: string };
type SourceParams = { id: string; node: string; source: string };

/** POST /api/captures: a new capture, and an upload token scoped to it (what each host's agent carries). */
export async function createCapture(body: z.output<typeof CreateCaptureBody>): Promise<ResponseOf<typeof endpoints.createCapture>> {
  const capture = await (await getStore()).createCapture(body.name || `capture ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`);
  return { id: capture.id, url: captureUrl(capture.id), uploadToken: await issueUploadToken(capture.id) };
}

export async function listCaptures(limit: number, ids?: readonly string[]): Promise<ResponseOf<typeof endpoints.listCaptures>> {
  return { captures: await (await getStore()).listCaptures(limit, ids) };
}

export async function captureRecord(p: Params): Promise<ResponseOf<typeof endpoints.capture>> {
  const { id, name, createdAt, nodes } = await getCapture(p.id);
  return { id, name, createdAt, nodes: [...nodes] };
}

/** The capture for a page: null when the id is malformed or names no capture (the page answers 404). */
export async function findCapture(id: string): Promise<ResponseOf<typeof endpoints.capture> | null> {
  if (!CaptureId.safeParse(id).success) return null;
  const capture = await (await getStore()).getCapture(id);
  return capture && { id: capture.id, name: capture.name, createdAt: capture.createdAt, nodes: [...capture.nodes] };
}

export async function renameCapture(p: Params, body: z.output<typeof RenameCaptureBody>): Promise<ResponseOf<typeof endpoints.renameCapture>> {
  if (!(await (await getStore()).renameCapture(p.id, body.name))) throw new NotFoundError('capture');
  liveHub().changed(p.id);
  return captureRecord(p);
}

/** DELETE /api/captures/{id}: the capture, its sources' bytes and its tokens are gone. */
export async function deleteCapture(p: Params): Promise<Response> {
  if (!(await (await getStore()).deleteCapture(p.id))) throw new NotFoundError('capture');
  liveHub().changed(p.id);
  return new Response(null, { status: 204 });
}

export async function nodeSummary(p: NodeParams): Promise<ResponseOf<typeof endpoints.node>> {
  const node = (await getCapture(p.id)).nodes.find((n) => n.name === p.node);
  if (!node) throw new NotFoundError(`node ${p.node}`);
  return node;
}

export async function sourceSummary(p: SourceParams): Promise<ResponseOf<typeof endpoints.source>> {
  return pickSource(await getCapture(p.id), p.node, p.source, 'stacks');
}

export async function deleteNode(p: NodeParams): Promise<Response> {
  if (!(await (await getStore()).deleteNode(p.id, p.node))) throw new NotFoundError(`node ${p.node}`);
  liveHub().changed(p.id);
  return new Response(null, { status: 204 });
}

export async function deleteSource(p: SourceParams): Promise<Response> {
  if (!(await (await getStore()).deleteSource(p.id, p.node, p.source))) throw new NotFoundError(`source ${p.source} of node ${p.node}`);
  liveHub().changed(p.id);
  return new Response(null, { status: 204 });
}

/** GET …/raw: a source exactly as uploaded. */
export async function rawSource(p: NodeParams & { source?: string }): Promise<Response> {
  const source = pickSource(await getCapture(p.id), p.node, p.source, 'stacks');
  const raw = await (await getStore()).openRaw(p.id, p.node, source.name);
  if (!raw) throw new NotFoundError(`source ${source.name} of node ${p.node}`);
  return new Response(raw.stream, {
    headers: {
      'content-type': raw.gzip ? 'application/gzip' : 'text/plain; charset=utf-8',
      'content-length': String(raw.bytes),
      'content-disposition': `attachment; filename="${p.node}.${source.name}${raw.gzip ? '.txt.gz' : '.txt'}"`,
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

/** PUT …/nodes/{node}[/sources/{source}]: the request body streamed into the store and the parser. */
export async function putSource(p: NodeParams & { source?: string }, q: z.output<typeof UploadQuery>, body: ReadableStream<Uint8Array> | null, req: Request): Promise<ResponseOf<typeof endpoints.putNode>> {
  return ingestSource(p.id, p.node, p.source ?? null, body, { fileName: fileNameHeader(req), arch: q.arch, client: clientKey(req) });
}

/**
 * POST …/nodes/{node}/fetch: the server downloads the capture and ingests it as an upload,
 * within TRACEFLEET_FETCH_DEADLINE_S in all, and stops when the client goes away.
 */
export async function fetchSource(p: NodeParams, body: z.output<typeof FetchBody>, req: Request): Promise<ResponseOf<typeof endpoints.fetchNode>> {
  const env = serverEnv();
  const deadline = AbortSignal.timeout(env.TRACEFLEET_FETCH_DEADLINE_S * 1000);
  const signal = AbortSignal.any([req.signal, deadline]);
  const { body: stream, name } = await openUrl(body.url, env.TRACEFLEET_FETCH_ALLOW_PRIVATE === '1', { signal, maxBytes: env.TRACEFLEET_MAX_NODE_BYTES });
  const stop = () => stream.destroy(new Error(deadline.aborted ? 'fetch deadline' : 'client gone'));
  signal.addEventListener('abort', stop, { once: true });
  try {
    return await ingestSource(p.id, p.node, body.source ?? null, stream, { fileName: name, arch: body.arch, client: clientKey(req) });
  } catch (err) {
    if (deadline.aborted) throw new HttpError(408, 'timeout', `the download did not end within ${env.TRACEFLEET_FETCH_DEADLINE_S} s (TRACEFLEET_FETCH_DEADLINE_S)`);
    throw err;
  } finally {
    signal.removeEventListener('abort', stop);
    stream.destroy();
  }
}

/**
 * POST …/nodes/{node}/fetch-later: the same download as a background job (202 at once): on
 * PostgreSQL any replica takes it, and another one when that replica dies; its progress and
 * failures show in the capture's live events.
 */
export async function fetchLater(p: NodeParams, body: z.output<typeof FetchBody>): Promise<ResponseOf<typeof endpoints.fetchLater>> {
  await getCapture(p.id);
  const { enqueue } = await import('./jobs');
  return { job: await enqueue('fetch', { ...body, captureId: p.id, node: p.node }) };
}

export async function listTokens(p: Params): Promise<ResponseOf<typeof endpoints.tokens>> {
  await getCapture(p.id);
  return { tokens: (await (await getStore()).listTokens(p.id)).map(({ id, createdAt, expiresAt, revoked }) => ({ id, createdAt, expiresAt, revoked })) };
}

export async function newToken(p: Params, body: z.output<typeof NewTokenBody>): Promise<ResponseOf<typeof endpoints.newToken>> {
  await getCapture(p.id);
  return issueUploadToken(p.id, body.days);
}

export async function revokeToken(p: { id: string; token: string }): Promise<Response> {
  if (!(await (await getStore()).revokeToken(p.id, p.token))) throw new NotFoundError(`token ${p.token}`);
  return new Response(null, { status: 204 });
}
