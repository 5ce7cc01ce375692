import type { ModelLimits } from '../profile/builder';
import { iterate, type ByteSource } from '../parse/lines';
import { serverEnv } from './env';
import { HttpError } from './http';

const KEY = Symbol.for('tracefleet.uploads');

/** Uploads being received, in all and per client (kept on globalThis for dev reloads). */
function inFlight(): { total: number; byClient: Map<string, number> } {
  const g = globalThis as { [KEY]?: { total: number; byClient: Map<string, number> } };
  g[KEY] ??= { total: 0, byClient: new Map() };
  return g[KEY];
}

/**
 * Who is uploading, for the per-client limit: the bearer token when there is one (each agent
 * or teammate), else the peer address.
 */
export function clientKey(req: Request): string {
  const auth = req.headers.get('authorization');
  if (auth) return `token:${auth.slice(-16)}`;
  // server.mjs sets the peer's address (overwriting any such header a client sent).
  return `addr:${req.headers.get('x-tracefleet-peer') || 'unknown'}`;
}

/** Takes an upload slot, or refuses with 429 and Retry-After; release() gives it back. */
export function acquireUploadSlot(client: string): { release: () => void } {
  const env = serverEnv();
  const f = inFlight();
  const mine = f.byClient.get(client) ?? 0;
  if (f.total >= env.TRACEFLEET_MAX_UPLOADS || mine >= env.TRACEFLEET_MAX_UPLOADS_PER_CLIENT) {
    const which = f.total >= env.TRACEFLEET_MAX_UPLOADS ? `${env.TRACEFLEET_MAX_UPLOADS} uploads are being received` : `you have ${mine} uploads in progress`;
    throw new HttpError(429, 'too_many_uploads', `${which}: try again in a few seconds`, {}, { 'retry-after': '5' });
  }
  f.total++;
  f.byClient.set(client, mine + 1);
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      f.total--;
      const left = (f.byClient.get(client) ?? 1) - 1;
      if (left > 0) f.byClient.set(client, left);
      else f.byClient.delete(client);
    },
  };
}

/**
 * The bytes of an upload with its deadlines: the whole body within TRACEFLEET_UPLOAD_DEADLINE_S,
 * and never TRACEFLEET_UPLOAD_IDLE_S without a byte (408 either way, and `cancel` stops the
 * source), and at most `maxBytes` in all (`tooMuch` says what to answer past it).
 */
export async function* withDeadlines(source: ByteSource, cancel: () => void, limit?: { maxBytes: number; tooMuch: () => HttpError }): AsyncGenerator<Uint8Array> {
  const env = serverEnv();
  const deadline = Date.now() + env.TRACEFLEET_UPLOAD_DEADLINE_S * 1000;
  const it = iterate(source);
  let received = 0;
  try {
    for (;;) {
      const left = deadline - Date.now();
      const wait = Math.min(env.TRACEFLEET_UPLOAD_IDLE_S * 1000, left);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          cancel();
          reject(
            left <= env.TRACEFLEET_UPLOAD_IDLE_S * 1000
              ? new HttpError(408, 'timeout', `the upload did not end within ${env.TRACEFLEET_UPLOAD_DEADLINE_S} s (TRACEFLEET_UPLOAD_DEADLINE_S)`)
              : new HttpError(408, 'timeout', `no bytes arrived for ${env.TRACEFLEET_UPLOAD_IDLE_S} s (TRACEFLEET_UPLOAD_IDLE_S)`),
          );
        }, Math.max(0, wait));
      });
      let r: IteratorResult<Uint8Array>;
      try {
        r = await Promise.race([it.next(), timeout]);
      } finally {
        clearTimeout(timer);
      }
      if (r.done) return;
      received += r.value.length;
      if (limit && received > limit.maxBytes) {
        cancel();
        throw limit.tooMuch();
      }
      yield r.value;
    }
  } finally {
    // Lets go of the source (a web stream's reader lock) when the reader stops early.
    void it.return(undefined).catch(() => undefined);
  }
}

/** What one capture may hold, from the server's settings (ingest and re-derivation parse alike). */
export function modelLimits(): ModelLimits {
  const env = serverEnv();
  return { maxRecords: env.TRACEFLEET_MAX_RECORDS, maxFrames: env.TRACEFLEET_MAX_FRAMES, maxStackNodes: 4 * env.TRACEFLEET_MAX_FRAMES };
}
