import type { z } from 'zod';
import type { ErrorBody } from '../api/schemas';

/** An error with the HTTP status and machine-readable code it maps to. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { file?: string; line?: number } = {},
    /** Headers the answer carries (Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function json(data: unknown, init: number | ResponseInit = 200): Response {
  const opts = typeof init === 'number' ? { status: init } : init;
  return Response.json(data, { ...opts, headers: { 'cache-control': 'no-store', ...opts.headers } });
}

/** What the mapper reads of an error: its stable name, and the fields some errors carry. */
interface ErrorLike {
  name?: string;
  message?: string;
  status?: unknown;
  code?: unknown;
  extra?: { file?: string; line?: number };
  what?: string;
  file?: string;
  line?: number;
}

/**
 * The one mapping from failures to HTTP answers: 4xx for anything a client sent, 500 only for
 * our bugs. Errors are told apart by their stable `name` (and an HttpError by its status and
 * code), never by `instanceof`: Next.js can load a module twice (a route's bundle and the
 * server-rendering layer), and a class from one copy is not the class of the other.
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const file = typeof e.file === 'string' ? e.file : undefined;
  switch (e.name) {
    case 'HttpError':
      if (typeof e.status === 'number' && typeof e.code === 'string') return new HttpError(e.status, e.code, e.message ?? '', e.extra ?? {});
      break;
    case 'NotFoundError':
      return new HttpError(404, 'not_found', `${e.what ?? 'resource'} not found`);
    case 'UnknownFormatError':
      return new HttpError(415, 'unknown_format', e.message ?? '', { file });
    case 'ParseError':
      return new HttpError(422, 'parse_error', e.message ?? '', { file, line: e.line || undefined });
    case 'CaptureTooLargeError':
      return new HttpError(413, 'too_large', e.message ?? '', { file });
    case 'ModelLimitError':
      return new HttpError(422, 'too_complex', `capture is too complex to index: ${e.message ?? ''}`);
    case 'StoreUnavailableError':
      return new HttpError(503, 'database_unavailable', 'the database is unavailable; try again shortly', {}, { 'Retry-After': '5' });
  }
  // ENOSPC/EDQUOT: the disk; SQLITE_FULL; PostgreSQL's 53100 disk_full.
  if (e.code === 'ENOSPC' || e.code === 'EDQUOT' || e.code === 'SQLITE_FULL' || e.code === '53100') return new HttpError(507, 'disk_full', 'the server ran out of disk space while storing this upload; nothing stored before it was lost');
  if (isClientAbort(err)) return new HttpError(400, 'aborted', 'the upload was interrupted before it ended');
  return new HttpError(500, 'internal', 'internal error');
}

function isClientAbort(err: unknown): boolean {
  const e = err as { name?: string; code?: string; message?: string } | null;
  return !!e && (e.name === 'AbortError' || e.code === 'ECONNRESET' || e.code === 'ERR_STREAM_PREMATURE_CLOSE' || /aborted|terminated/i.test(e.message ?? ''));
}

export function errorResponse(err: unknown): Response {
  const h = toHttpError(err);
  if (h.code === 'internal') console.error('tracefleet: internal error', err);
  const body: ErrorBody = { error: { code: h.code, message: h.message, ...h.extra } };
  return json(body, { status: h.status, headers: h.headers });
}

/** Runs a route body, turning every failure into the JSON error body. */
export async function handle(fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (err) {
    return errorResponse(err);
  }
}

/** Validates with a zod schema, or fails with a 400 that says which field was wrong. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const detail = r.error.issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`).join('; ');
  const code = where === 'node' || r.error.issues.some((i) => i.path[0] === 'node') ? 'invalid_node_name' : 'bad_request';
  throw new HttpError(400, code, detail);
}

export function searchParams(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.url).searchParams);
}
