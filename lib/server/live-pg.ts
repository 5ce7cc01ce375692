/**
 * Live events across replicas on one PostgreSQL: every event is a NOTIFY on one channel, and
 * every replica LISTENs and hands what it hears to its own pages (lib/server/live.ts). Ingest
 * states are rows with a heartbeat that their replica renews; when a replica dies, any other
 * marks its ingests failed (within HEARTBEAT_STALE_S + SWEEP_S) and tells every page. The same
 * loop collects blobs that dead writers left, and a 'changed' event drops that capture's
 * entries from this process's caches and its query workers' (keys carry versions, so nothing
 * stale is ever served; this frees the memory of replaced versions).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { IngestState, LiveEvent } from '../api/schemas';
import type { PgStore } from '../store/pg-store';
import { evictCapture } from './pool';
import type { LiveBus } from './live';

const CHANNEL = 'tracefleet_live';
/** A heartbeat older than this means the replica is gone. */
export const HEARTBEAT_STALE_S = 15;
const HEARTBEAT_S = 5;
const SWEEP_S = 5;
/** NOTIFY payloads are at most 8000 bytes: long error messages are cut. */
const MAX_MESSAGE = 1000;
const KEEP_FINISHED = '10 minutes';

export class PgLiveBus implements LiveBus {
  readonly replica = randomBytes(6).toString('base64url');
  private listener: pg.Client | null = null;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(
    private readonly store: PgStore,
    private readonly url: string,
    private readonly deliver: (captureId: string, event: LiveEvent) => void,
  ) {}

  start(): void {
    void this.listen();
    this.timers.push(setInterval(() => void this.heartbeat().catch(() => undefined), HEARTBEAT_S * 1000));
    this.timers.push(setInterval(() => void this.sweep().catch(() => undefined), SWEEP_S * 1000));
    for (const t of this.timers) t.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await this.listener?.end().catch(() => undefined);
  }

  async publish(captureId: string, event: LiveEvent): Promise<void> {
    const e = trimmed(event);
    if (e.type === 'ingest') {
      const s = e.ingest;
      const finished = s.state === 'ready' || s.state === 'failed';
      await this.store.q(
        `INSERT INTO ingests (id, capture_id, replica, state, finished) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, finished = excluded.finished, heartbeat_at = now(), updated_at = now()`,
        [s.id, captureId, this.replica, JSON.stringify(s), finished],
      );
    }
    await this.store.q('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ c: captureId, e })]);
  }

  async snapshot(captureId: string): Promise<IngestState[]> {
    const { rows } = await this.store.q<{ state: unknown }>(
      `SELECT state FROM ingests WHERE capture_id = $1 AND (NOT finished OR updated_at > now() - interval '${KEEP_FINISHED}') ORDER BY state->>'startedAt'`,
      [captureId],
    );
    return rows.flatMap((r) => {
      const parsed = IngestState.safeParse(r.state);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** This replica's ingests are alive. */
  private async heartbeat(): Promise<void> {
    await this.store.q('UPDATE ingests SET heartbeat_at = now() WHERE replica = $1 AND NOT finished', [this.replica]);
  }

  /** Ingests whose replica stopped beating fail, on every page; dead writers' blobs go. */
  async sweep(): Promise<void> {
    const { rows } = await this.store.q<{ capture_id: string; state: unknown }>(
      `UPDATE ingests SET finished = TRUE, updated_at = now(),
         state = state || jsonb_build_object('state', 'failed', 'finishedAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'error', jsonb_build_object('code', 'replica_lost', 'message', 'the server receiving this upload stopped (its heartbeat is over ' || $1 || ' s old); nothing stored before was lost: send it again'))
       WHERE NOT finished AND heartbeat_at < now() - make_interval(secs => $1)
       RETURNING capture_id, state`,
      [HEARTBEAT_STALE_S],
    );
    for (const r of rows) {
      const ingest = IngestState.safeParse(r.state);
      if (ingest.success) await this.store.q('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ c: r.capture_id, e: { type: 'ingest', ingest: ingest.data } })]);
    }
    await this.store.q(`DELETE FROM ingests WHERE finished AND updated_at < now() - interval '${KEEP_FINISHED}'`);
    await this.store.collectGarbage();
  }

  /** One connection that LISTENs, re-established (with backoff) whenever it drops. */
  private async listen(): Promise<void> {
    let delay = 500;
    while (!this.closed) {
      const client = new pg.Client({ connectionString: this.url, options: `-c search_path=${this.store.schema}`, connectionTimeoutMillis: 5_000 });
      const ended = new Promise<void>((resolve) => {
        client.on('error', () => resolve());
        client.on('end', () => resolve());
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${CHANNEL}`);
        this.listener = client;
        delay = 500;
        client.on('notification', (n) => this.onNotification(n.payload));
        await ended;
      } catch {
        // The database is away: try again shortly.
      }
      this.listener = null;
      await client.end().catch(() => undefined);
      if (this.closed) return;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(5_000, delay * 2);
    }
  }

  private onNotification(payload: string | undefined): void {
    let msg: { c?: unknown; e?: unknown };
    try {
      msg = JSON.parse(payload ?? '') as { c?: unknown; e?: unknown };
    } catch {
      return;
    }
    const event = LiveEvent.safeParse(msg.e);
    if (typeof msg.c !== 'string' || !event.success) return;
    if (event.data.type === 'changed') evictCapture(msg.c);
    this.deliver(msg.c, event.data);
  }
}

function trimmed(event: LiveEvent): LiveEvent {
  if (event.type !== 'ingest' || !event.ingest.error || event.ingest.error.message.length <= MAX_MESSAGE) return event;
  return { ...event, ingest: { ...event.ingest, error: { ...event.ingest.error, message: `${event.ingest.error.message.slice(0, MAX_MESSAGE)}…` } } };
}
