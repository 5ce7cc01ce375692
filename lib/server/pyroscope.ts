/**
 * POST /api/ingest: Pyroscope's push API, so its clients (and anything that speaks it) feed a
 * capture. A push is the stacks of a short window (folded lines or a pprof); the capture is the
 * one named after the app (made when absent), the host a label of the name, the source
 * `pyroscope`. Sources are replaced whole, so each push is added to what the source holds: its
 * raw capture is kept as folded stacks (the sum of every push, one line per stack, which keeps it
 * the size of the distinct stacks however long the app pushes), and that sum is ingested again.
 */
import { gunzipSync } from 'node:zlib';
import type { z } from 'zod';
import { captureUrl, type endpoints, type ResponseOf } from '../api/endpoints';
import { NodeName, type IngestQuery } from '../api/schemas';
import { FOLDED } from '../parse/folded';
import { concat, GZIP_MAGIC, iterate } from '../parse/lines';
import { collapse, foldedLines } from '../profile/collapse';
import { decodeProfile } from '../profile/serialize';
import { serverEnv } from './env';
import { HttpError } from './http';
import { ingestSource } from './ingest';
import { startParseJob } from './ingest-pool';
import { clientKey, modelLimits, withDeadlines } from './limits';
import { getStore, sharedStore } from './store';

export const PYROSCOPE_SOURCE = 'pyroscope';
/** Labels that name the host, best first. */
const HOST_LABELS = ['node', 'host', 'hostname', 'instance'];
/** Captures listed when looking one up by name (most recent first). */
const MAX_CAPTURES_SEARCHED = 10_000;
/** The window of a push that does not say (Pyroscope's clients push every 10 s). */
const DEFAULT_WINDOW_S = 10;

/**
 * Per process, on globalThis (Next.js may load this module twice): pushes waiting for the one
 * before them by key, and capture ids by app name (checked against the store on use).
 */
const KEY = Symbol.for('tracefleet.pyroscope');
function state(): { queues: Map<string, Promise<unknown>>; captureOfApp: Map<string, string> } {
  const g = globalThis as { [KEY]?: ReturnType<typeof state> };
  g[KEY] ??= { queues: new Map(), captureOfApp: new Map() };
  return g[KEY];
}

/**
 * Runs `fn` after every earlier call with the same key has settled: pushes to one source, or
 * creations of one capture, one at a time; on PostgreSQL across every replica too (an advisory
 * lock of the key), so two replicas cannot both create the app's capture or lose a push.
 */
function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const { queues } = state();
  const locked = async () => {
    const shared = await sharedStore();
    return shared ? shared.withLock(`pyroscope:${key}`, fn) : fn();
  };
  const run = (queues.get(key) ?? Promise.resolve()).then(locked, locked);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

/** The capture named `app`: the most recent of that name, or a new one. */
function captureFor(app: string): Promise<string> {
  return serialized(`app:${app}`, async () => {
    const store = await getStore();
    const { captureOfApp } = state();
    const known = captureOfApp.get(app);
    if (known && (await store.getCapture(known))?.name === app) return known;
    const found = (await store.listCaptures(MAX_CAPTURES_SEARCHED)).find((c) => c.name === app);
    const id = found?.id ?? (await store.createCapture(app)).id;
    captureOfApp.set(app, id);
    return id;
  });
}

/** The whole body, up to `max` bytes (413 past it), with the upload deadlines. */
async function readBody(body: ReadableStream<Uint8Array> | null, max: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let length = 0;
  const tooMuch = () => new HttpError(413, 'too_large', `a push is read whole, and this one is larger than ${max} bytes (TRACEFLEET_MAX_DOCUMENT_BYTES)`);
  for await (const chunk of withDeadlines(body, () => void body.cancel().catch(() => undefined), { maxBytes: max, tooMuch })) {
    parts.push(chunk);
    length += chunk.length;
  }
  return concat(parts, length);
}

/** The profile of a push: the body, or the `profile` field of a multipart form (as Pyroscope's clients send pprof). */
async function profileBytes(bytes: Uint8Array, contentType: string): Promise<Uint8Array> {
  if (!/^multipart\/form-data\s*;/i.test(contentType)) return bytes;
  const form = await new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]), { headers: { 'content-type': contentType } }).formData().catch(() => {
    throw new HttpError(400, 'bad_request', 'the multipart body could not be read');
  });
  const profile = form.get('profile');
  if (!(profile instanceof Blob)) throw new HttpError(400, 'bad_request', 'the multipart body has no `profile` field');
  return new Uint8Array(await profile.arrayBuffer());
}

/** Folded text, gunzipped when it is gzip, at most `max` bytes. */
function text(bytes: Uint8Array, max: number): string {
  if (bytes[0] !== GZIP_MAGIC[0] || bytes[1] !== GZIP_MAGIC[1]) return new TextDecoder().decode(bytes);
  try {
    return new TextDecoder().decode(gunzipSync(bytes, { maxOutputLength: max }));
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new HttpError(413, 'too_large', `the push inflates past ${max} bytes (TRACEFLEET_MAX_DOCUMENT_BYTES)`);
    throw new HttpError(400, 'bad_request', 'the push is gzip data that is corrupt or truncated');
  }
}

/** Adds folded lines (`stack count`) to `into`, each stack under `prefix`; returns the lines that were not folded lines. */
function addFolded(into: Map<string, number>, lines: string, prefix: string): number {
  let skipped = 0;
  for (const raw of lines.split('\n')) {
    const line = raw.trim();
    if (line.length === 0) continue;
    const m = FOLDED.exec(line);
    if (!m) {
      skipped++;
      continue;
    }
    const stack = prefix + (m[1] as string);
    into.set(stack, (into.get(stack) ?? 0) + Number(m[2]));
  }
  return skipped;
}

/** A pprof push as folded lines (process names first), parsed in an ingest worker like any upload. */
async function pprofLines(bytes: Uint8Array, file: string): Promise<string[]> {
  if (bytes.length === 0) throw new HttpError(400, 'empty_body', 'the push has no profile');
  const env = serverEnv();
  const job = startParseJob({ file, maxBytes: env.TRACEFLEET_MAX_NODE_BYTES, maxRatio: env.TRACEFLEET_MAX_GZIP_RATIO, maxDocumentBytes: env.TRACEFLEET_MAX_DOCUMENT_BYTES, limits: modelLimits() });
  try {
    await job.push(bytes);
    job.end();
    const { encoded } = await job.result;
    return foldedLines(collapse(decodeProfile(concat(encoded, encoded.reduce((n, e) => n + e.length, 0))), {}));
  } catch (err) {
    job.cancel();
    throw err;
  }
}

/** What the host's pyroscope source holds already, as folded text ('' when it has none). */
async function storedText(captureId: string, node: string, max: number): Promise<string> {
  const store = await getStore();
  const source = (await store.getCapture(captureId))?.nodes.find((n) => n.name === node)?.sources.find((s) => s.name === PYROSCOPE_SOURCE);
  if (!source) return '';
  if (source.format !== 'folded') throw new HttpError(409, 'conflict', `source ${PYROSCOPE_SOURCE} of host ${node} holds a ${source.format} capture, not pushed stacks: delete it first`);
  const raw = await store.openRaw(captureId, node, PYROSCOPE_SOURCE);
  if (!raw) return '';
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of iterate(raw.stream)) {
    parts.push(chunk);
    length += chunk.length;
  }
  return text(concat(parts, length), max);
}

export async function pyroscopeIngest(q: z.output<typeof IngestQuery>, body: ReadableStream<Uint8Array> | null, req: Request): Promise<ResponseOf<typeof endpoints.ingest>> {
  const env = serverEnv();
  const { app, labels } = q.name;
  const hostLabel = HOST_LABELS.map((k) => labels[k]).find((v) => v !== undefined && v !== '');
  const node = NodeName.safeParse(hostLabel ?? 'default');
  if (!node.success) throw new HttpError(400, 'invalid_node_name', `the host label (${HOST_LABELS.join(', ')}) must be 1-128 characters of A-Z a-z 0-9 . _ - (got ${JSON.stringify(hostLabel)})`);
  const until = q.until ?? Date.now() / 1000;
  const from = q.from ?? until - DEFAULT_WINDOW_S;
  if (from > until) throw new HttpError(400, 'bad_request', `from (${from}) is after until (${until})`);
  // Held whole in memory (one push, and the source's sum): the document cap, within the source cap.
  const max = Math.min(env.TRACEFLEET_MAX_DOCUMENT_BYTES, env.TRACEFLEET_MAX_NODE_BYTES);
  const file = `${app} (${PYROSCOPE_SOURCE} push)`;
  const pushed = await profileBytes(await readBody(body, max), req.headers.get('content-type') ?? '');
  const stacks = new Map<string, number>();
  // Folded pushes are one process's stacks: the app's. A pprof names its own processes.
  const skipped = q.format === 'folded' ? addFolded(stacks, text(pushed, max), `${app};`) : addFolded(stacks, (await pprofLines(pushed, file)).join('\n'), '');
  if (stacks.size === 0 && skipped > 0) throw new HttpError(400, 'bad_request', `none of the ${skipped} lines of the push is a folded line (\`frame;frame;… count\`): a pprof needs format=pprof`);

  const id = await captureFor(app);
  return serialized(`source:${id}/${node.data}`, async () => {
    addFolded(stacks, await storedText(id, node.data, max), '');
    const previous = (await (await getStore()).getCapture(id))?.nodes.find((n) => n.name === node.data)?.sources.find((s) => s.name === PYROSCOPE_SOURCE);
    const known = previous?.clock === 'epoch' ? previous : null;
    const span = { startNs: Math.min(from * 1e9, known?.startNs ?? Infinity), endNs: Math.max(until * 1e9, known?.endNs ?? -Infinity) };
    const answer = { id, url: captureUrl(id), node: node.data, source: PYROSCOPE_SOURCE, stacks: stacks.size, skipped, ...span };
    // Nothing pushed yet and nothing now: the capture exists, the host gets a source with its first stacks.
    if (stacks.size === 0) return answer;
    const lines = [...stacks].map(([stack, count]) => `${stack} ${Number.isInteger(count) ? count.toFixed(0) : String(count)}`).sort();
    const bytes = new TextEncoder().encode(`${lines.join('\n')}\n`);
    if (bytes.length > max) throw new HttpError(413, 'too_large', `the pushed stacks of host ${node.data} would take ${bytes.length} bytes, past ${max} (TRACEFLEET_MAX_DOCUMENT_BYTES): delete the source to start again`);
    await ingestSource(id, node.data, PYROSCOPE_SOURCE, [bytes], { fileName: file, client: clientKey(req), span, format: 'folded' });
    return answer;
  });
}
