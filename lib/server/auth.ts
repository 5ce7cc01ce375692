import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TokenRecord } from '../store';
import { serverEnv } from './env';
import { HttpError } from './http';
import { getStore } from './store';

/** Who may call an endpoint: anyone with the link, a writer of the capture in the path, or the server's token holder. */
export type Access = 'open' | 'capture' | 'server';

const PREFIX = 'tfc';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Compares two secrets in constant time (their digests, so lengths do not leak either). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function bearer(req: Request): string | null {
  const h = req.headers.get('authorization');
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m ? (m[1] as string) : null;
}

/** Whether writes need a token (TRACEFLEET_TOKEN is set). */
export function writesGuarded(): boolean {
  return !!serverEnv().TRACEFLEET_TOKEN;
}

/** Whether the request carries the server's own token. */
export function hasServerToken(req: Request): boolean {
  const server = serverEnv().TRACEFLEET_TOKEN;
  const given = bearer(req);
  return !!server && !!given && sameSecret(given, server);
}

/** A new upload token for one capture: `tfc.<id>.<secret>`; the store keeps the secret's hash only. */
export async function issueUploadToken(captureId: string, days = serverEnv().TRACEFLEET_UPLOAD_TOKEN_DAYS): Promise<{ id: string; token: string; expiresAt: string }> {
  const id = randomBytes(9).toString('base64url');
  const secret = randomBytes(24).toString('base64url');
  const now = Date.now();
  const record: TokenRecord = { id, captureId, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + days * 86_400_000).toISOString(), revoked: false };
  await (await getStore()).addToken(record, digest(secret).toString('hex'));
  return { id, token: `${PREFIX}.${id}.${secret}`, expiresAt: record.expiresAt };
}

/** The capture an upload token may write to, or null when it is not a valid, live upload token. */
async function captureOfToken(token: string): Promise<string | null> {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) return null;
  const found = await (await getStore()).getToken(parts[1] as string);
  if (!found) return null;
  const ok = timingSafeEqual(digest(parts[2] as string), Buffer.from(found.secretHash, 'hex'));
  if (!ok || found.token.revoked || Date.parse(found.token.expiresAt) <= Date.now()) return null;
  return found.token.captureId;
}

/**
 * Refuses a request its token does not allow: 401 without a valid token, 403 with a token
 * for another capture. With no TRACEFLEET_TOKEN, everything is allowed.
 */
export async function authorize(req: Request, access: Access, captureId?: string): Promise<void> {
  if (access === 'open' || !writesGuarded() || hasServerToken(req)) return;
  const given = bearer(req);
  if (!given) throw new HttpError(401, 'unauthorized', 'this server needs a token for that: send Authorization: Bearer <token>');
  const scope = await captureOfToken(given);
  if (!scope) throw new HttpError(401, 'unauthorized', 'the token is not valid (unknown, revoked or expired)');
  if (access === 'server' || scope !== captureId) throw new HttpError(403, 'forbidden', 'this token only allows writes to its own capture');
}
