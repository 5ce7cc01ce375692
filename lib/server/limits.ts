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
 * The bytes of an upload with its deadlines (408 past any of them, and `cancel` stops the
 * source): the whole body within TRACEFLEET_UPLOAD_DEADLINE_S; never TRACEFLEET_UPLOAD_IDLE_S
 * without a byte; and, over any such window, at least TRACEFLEET_UPLOAD_MIN_KBPS on average, so
 * a client trickling bytes cannot hold an upload slot. Only time spent waiting for the client
 * counts towards the last two (not time the server takes to store and parse what came). At
 * most `maxBytes` in all (`tooMuch` says what to answer past it). One timer per upload checks
 * all of it, a few times per window.
 */
export async function* withDeadlines(source: ByteSource, cancel: () => void, limit?: { maxBytes: number; tooMuch: () => HttpError }): AsyncGenerator<Uint8Array> {
  const env = serverEnv();
  const started = Date.now();
  const windowMs = env.TRACEFLEET_UPLOAD_IDLE_S * 1000;
  const minBytes = env.TRACEFLEET_UPLOAD_MIN_KBPS * 1024 * env.TRACEFLEET_UPLOAD_IDLE_S;
  const it = iterate(source);
  let received = 0;
  let lastByte = started;
  // Bytes received by each tick's time (client time only): the window's start is marks[0].
  const marks: { t: number; n: number }[] = [{ t: started, n: 0 }];
  let waiting = true;
  // Why the upload was stopped, and how to wake the read in progress with it. (Not a race
  // against one long-lived promise: each race would leave a reaction on it holding its chunk,
  // so the whole upload would stay in memory until the end.)
  let stopped: HttpError | null = null;
  let wake: ((err: HttpError) => void) | null = null;
  const stop = (err: HttpError) => {
    stopped = err;
    wake?.(err);
  };
  const check = () => {
    const now = Date.now();
    let err: HttpError | null = null;
    if (now - started >= env.TRACEFLEET_UPLOAD_DEADLINE_S * 1000) err = new HttpError(408, 'timeout', `the upload did not end within ${env.TRACEFLEET_UPLOAD_DEADLINE_S} s (TRACEFLEET_UPLOAD_DEADLINE_S)`);
    else if (waiting) {
      marks.push({ t: now, n: received });
      while (marks.length > 1 && now - (marks[1] as { t: number }).t >= windowMs) marks.shift();
      const from = marks[0] as { t: number; n: number };
      if (now - lastByte >= windowMs) err = new HttpError(408, 'timeout', `no bytes arrived for ${env.TRACEFLEET_UPLOAD_IDLE_S} s (TRACEFLEET_UPLOAD_IDLE_S)`);
      else if (now - from.t >= windowMs && received - from.n < minBytes)
        err = new HttpError(408, 'too_slow', `the upload sent less than ${env.TRACEFLEET_UPLOAD_MIN_KBPS} KB/s over ${env.TRACEFLEET_UPLOAD_IDLE_S} s (TRACEFLEET_UPLOAD_MIN_KBPS)`);
    }
    if (err) {
      clearInterval(timer);
      cancel();
      stop(err);
    }
  };
  const timer = setInterval(check, Math.max(20, Math.min(1000, windowMs / 4)));
  try {
    for (;;) {
      if (stopped) throw stopped;
      const r = await new Promise<IteratorResult<Uint8Array>>((resolve, reject) => {
        wake = reject;
        it.next().then(resolve, reject);
      });
      wake = null;
      if (r.done) return;
      received += r.value.length;
      if (limit && received > limit.maxBytes) {
        cancel();
        throw limit.tooMuch();
      }
      // The time the consumer holds a chunk is the server's, not the client's: the clock of
      // the idle and rate checks stops meanwhile.
      const held = Date.now();
      lastByte = held;
      waiting = false;
      yield r.value;
      const d = Date.now() - held;
      waiting = true;
      if (d > 0) {
        lastByte += d;
        for (const m of marks) m.t += d;
      }
    }
  } finally {
    clearInterval(timer);
    // Lets go of the source (a web stream's reader lock) when the reader stops early.
    void it.return(undefined).catch(() => undefined);
  }
}

/** What one capture may hold, from the server's settings (ingest and re-derivation parse alike). */
export function modelLimits(): ModelLimits {
  const env = serverEnv();
  return { maxRecords: env.TRACEFLEET_MAX_RECORDS, maxFrames: env.TRACEFLEET_MAX_FRAMES, maxStackNodes: 4 * env.TRACEFLEET_MAX_FRAMES };
}
