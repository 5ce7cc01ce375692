import { randomBytes } from 'node:crypto';
import type { IngestState, LiveEvent } from '../api/schemas';

type Listener = (event: LiveEvent) => void;

/** Finished ingests are kept this long, so a page opened after a failure still sees why. */
const KEEP_FINISHED_MS = 10 * 60_000;
const MAX_KEPT = 200;

/**
 * What is happening to each capture right now: uploads being received and parsed, and those
 * that ended lately. Route handlers publish; the capture page listens through server-sent
 * events (GET /api/captures/{id}/events). One per process (kept on globalThis for dev reloads).
 */
/**
 * Where events go when several replicas share a database (lib/server/live-pg.ts): published
 * to every replica (this one included, which delivers them on receipt), with ingest states kept
 * where any replica can read them.
 */
export interface LiveBus {
  publish(captureId: string, event: LiveEvent): Promise<void>;
  snapshot(captureId: string): Promise<IngestState[]>;
}

class LiveHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly ingests = new Map<string, Map<string, IngestState>>();
  private bus: LiveBus | null = null;

  /** Sends every event through a shared bus from now on. */
  attach(bus: LiveBus): void {
    this.bus = bus;
  }

  /** An event the bus received (from any replica): to this replica's listeners. */
  deliver(captureId: string, event: LiveEvent): void {
    for (const l of this.listeners.get(captureId) ?? []) {
      try {
        l(event);
      } catch {
        // A listener whose connection is gone must not stop the others.
      }
    }
  }

  /** The snapshot a page gets when it connects: from the bus (every replica's ingests) when there is one. */
  async currentSnapshot(captureId: string): Promise<IngestState[]> {
    if (this.bus) {
      try {
        return await this.bus.snapshot(captureId);
      } catch {
        // The database is away: this replica's own view is better than nothing.
      }
    }
    return this.snapshot(captureId);
  }

  subscribe(captureId: string, listener: Listener): () => void {
    let set = this.listeners.get(captureId);
    if (!set) this.listeners.set(captureId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(captureId);
    };
  }

  /** Ingests of a capture in progress or lately finished, oldest first. */
  snapshot(captureId: string): IngestState[] {
    this.prune(captureId);
    return [...(this.ingests.get(captureId)?.values() ?? [])];
  }

  /** The capture's content changed (a source committed or deleted, a rename): pages reload it. */
  changed(captureId: string): void {
    this.emit(captureId, { type: 'changed' });
  }

  /** Starts tracking an upload of a node; returns the handle that reports its progress. */
  begin(captureId: string, node: string, source: string | null) {
    const state: IngestState = { id: randomBytes(6).toString('base64url'), node, source, state: 'receiving', bytes: 0, startedAt: new Date().toISOString(), error: null };
    let list = this.ingests.get(captureId);
    if (!list) this.ingests.set(captureId, (list = new Map()));
    list.set(state.id, state);
    const update = (patch: Partial<IngestState>) => {
      Object.assign(state, patch);
      this.emit(captureId, { type: 'ingest', ingest: { ...state } });
    };
    update({});
    let lastSent = 0;
    return {
      bytes: (n: number) => {
        state.bytes = n;
        const now = Date.now();
        if (now - lastSent >= 250) {
          lastSent = now;
          update({});
        }
      },
      parsing: () => update({ state: 'parsing' }),
      ready: (source: string) => {
        update({ state: 'ready', source, finishedAt: new Date().toISOString() });
        this.changed(captureId);
      },
      failed: (error: { code: string; message: string }) => update({ state: 'failed', error, finishedAt: new Date().toISOString() }),
    };
  }

  private emit(captureId: string, event: LiveEvent): void {
    if (!this.bus) return this.deliver(captureId, event);
    // Delivered here when it comes back from the bus; if it cannot be sent, here at least.
    this.bus.publish(captureId, event).catch(() => this.deliver(captureId, event));
  }

  private prune(captureId: string): void {
    const list = this.ingests.get(captureId);
    if (!list) return;
    const cutoff = Date.now() - KEEP_FINISHED_MS;
    for (const [id, s] of list) if (s.finishedAt && Date.parse(s.finishedAt) < cutoff) list.delete(id);
    while (list.size > MAX_KEPT) list.delete(list.keys().next().value as string);
  }
}

export type IngestHandle = ReturnType<LiveHub['begin']>;

const KEY = Symbol.for('tracefleet.live');

export function liveHub(): LiveHub {
  const g = globalThis as { [KEY]?: LiveHub };
  g[KEY] ??= new LiveHub();
  return g[KEY];
}

/** Server-sent events of a capture until the client goes away, with a comment line every 15 s to keep proxies from closing it. */
export function liveEvents(captureId: string, signal: AbortSignal): Response {
  const hub = liveHub();
  const encoder = new TextEncoder();
  let cleanup = () => undefined as void;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      const event = (e: LiveEvent) => send(`data: ${JSON.stringify(e)}\n\n`);
      const unsubscribe = hub.subscribe(captureId, event);
      const ping = setInterval(() => send(': ping\n\n'), 15_000);
      cleanup = () => {
        clearInterval(ping);
        unsubscribe();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      signal.addEventListener('abort', () => cleanup(), { once: true });
      send('retry: 2000\n\n');
      hub.currentSnapshot(captureId).then((ingests) => event({ type: 'snapshot', ingests }));
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, { headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' } });
}
