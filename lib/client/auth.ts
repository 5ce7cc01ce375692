'use client';
/**
 * What this browser holds: the server's token once the user entered it, and the captures it
 * created or opened (with the upload token a capture it created came with). Kept in
 * localStorage, never sent anywhere but as an Authorization header to this server.
 */
import { z } from 'zod';
import { CaptureId, UploadToken } from '../api/schemas';

const SERVER_TOKEN = 'tracefleet.serverToken';
const CAPTURES = 'tracefleet.captures';
const MAX_REMEMBERED = 200;

const Remembered = z.array(z.object({ id: CaptureId, name: z.string(), at: z.string(), uploadToken: UploadToken.optional() }));
export type RememberedCapture = z.infer<typeof Remembered>[number];

function storage(): Storage | null {
  return typeof window === 'undefined' ? null : window.localStorage;
}

export function serverToken(): string | null {
  return storage()?.getItem(SERVER_TOKEN) || null;
}

export function setServerToken(token: string | null): void {
  if (token) storage()?.setItem(SERVER_TOKEN, token);
  else storage()?.removeItem(SERVER_TOKEN);
}

export function rememberedCaptures(): RememberedCapture[] {
  const raw = storage()?.getItem(CAPTURES);
  if (!raw) return [];
  try {
    const parsed = Remembered.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Notes a capture this browser created or opened (newest first), keeping its upload token if it has one. */
export function rememberCapture(entry: { id: string; name: string; uploadToken?: z.infer<typeof UploadToken> }): void {
  const list = rememberedCaptures();
  const old = list.find((c) => c.id === entry.id);
  const next = [{ ...old, ...entry, uploadToken: entry.uploadToken ?? old?.uploadToken, at: new Date().toISOString() }, ...list.filter((c) => c.id !== entry.id)];
  storage()?.setItem(CAPTURES, JSON.stringify(next.slice(0, MAX_REMEMBERED)));
}

export function forgetCapture(id: string): void {
  storage()?.setItem(CAPTURES, JSON.stringify(rememberedCaptures().filter((c) => c.id !== id)));
}

/** The upload token this browser holds for a capture, when it is still valid. */
export function uploadTokenOf(captureId: string): string | null {
  const t = rememberedCaptures().find((c) => c.id === captureId)?.uploadToken;
  return t && Date.parse(t.expiresAt) > Date.now() ? t.token : null;
}

/** Authorization for a write: the server's token when entered, else the capture's upload token. */
export function authHeaders(captureId?: string): Record<string, string> {
  const token = serverToken() ?? (captureId ? uploadTokenOf(captureId) : null);
  return token ? { authorization: `Bearer ${token}` } : {};
}
