/**
 * Background work shared by the replicas of one PostgreSQL: a `jobs` row per task, claimed by one
 * replica at a time with `FOR UPDATE SKIP LOCKED` under a lease it renews while working. A
 * replica that dies stops renewing; once the lease is over another replica takes the job.
 * Periodic tasks (retention) are one row each (`singleton`) that the runner moves to its next time.
 */
import type { PgStore } from '../store/pg-store';

export interface JobKind {
  /** Runs the job; a throw records the error and retries after `retryS`. */
  run(payload: unknown): Promise<void>;
  /** For a periodic job, seconds until it runs again; undefined: done once it succeeded. */
  everyS?: number;
  retryS?: number;
  /** Tries of a one-off job before it is given up (its last error kept); default 3. */
  maxAttempts?: number;
}

const LEASE_S = 60;
const POLL_S = 5;

export class PgJobRunner {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly store: PgStore,
    private readonly replica: string,
    private readonly kinds: Record<string, JobKind>,
  ) {}

  /** Ensures a job exists once for every replica (a periodic one, or a one-off named by `singleton`). */
  async ensure(kind: string, singleton = kind): Promise<void> {
    await this.store.q('INSERT INTO jobs (kind, singleton) VALUES ($1, $2) ON CONFLICT (singleton) DO NOTHING', [kind, singleton]);
  }

  /** Adds a one-off job and starts looking for work at once (here; other replicas at their next poll). */
  async enqueue(kind: string, payload: unknown): Promise<string> {
    const { rows } = await this.store.q<{ id: string }>('INSERT INTO jobs (kind, payload) VALUES ($1, $2) RETURNING id', [kind, JSON.stringify(payload)]);
    void this.tick();
    return (rows[0] as { id: string }).id;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), POLL_S * 1000);
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Claims and runs due jobs until none is left; returns how many ran. */
  async tick(): Promise<number> {
    if (this.busy) return 0;
    this.busy = true;
    let ran = 0;
    try {
      for (;;) {
        const job = await this.claim();
        if (!job) return ran;
        await this.runOne(job);
        ran++;
      }
    } catch {
      return ran; // the database is away: the next tick tries again
    } finally {
      this.busy = false;
    }
  }

  private async claim(): Promise<{ id: string; kind: string; payload: unknown; attempts: number } | null> {
    const { rows } = await this.store.q<{ id: string; kind: string; payload: unknown; attempts: number }>(
      `UPDATE jobs SET locked_by = $1, locked_until = now() + make_interval(secs => $2), attempts = attempts + 1
       WHERE id = (SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= now() AND (locked_until IS NULL OR locked_until < now()) AND kind = ANY($3)
                   ORDER BY run_at FOR UPDATE SKIP LOCKED LIMIT 1)
       RETURNING id, kind, payload, attempts`,
      [this.replica, LEASE_S, Object.keys(this.kinds)],
    );
    return rows[0] ?? null;
  }

  private async runOne(job: { id: string; kind: string; payload: unknown; attempts: number }): Promise<void> {
    const kind = this.kinds[job.kind] as JobKind;
    // Renew the lease while working, so nobody else takes a long job.
    const renew = setInterval(() => void this.store.q('UPDATE jobs SET locked_until = now() + make_interval(secs => $2) WHERE id = $1 AND locked_by = $3', [job.id, LEASE_S, this.replica]).catch(() => undefined), (LEASE_S / 3) * 1000);
    try {
      await kind.run(job.payload);
      if (kind.everyS !== undefined) {
        await this.store.q('UPDATE jobs SET run_at = now() + make_interval(secs => $2), locked_by = NULL, locked_until = NULL, attempts = 0, last_error = NULL WHERE id = $1', [job.id, kind.everyS]);
      } else {
        await this.store.q('UPDATE jobs SET done_at = now(), locked_by = NULL, locked_until = NULL WHERE id = $1', [job.id]);
      }
    } catch (err) {
      const message = String((err as Error)?.message ?? err).slice(0, 2000);
      const givenUp = kind.everyS === undefined && job.attempts >= (kind.maxAttempts ?? 3);
      await this.store.q(
        `UPDATE jobs SET run_at = now() + make_interval(secs => $2), locked_by = NULL, locked_until = NULL, last_error = $3, done_at = CASE WHEN $4 THEN now() END WHERE id = $1`,
        [job.id, kind.retryS ?? 60, message, givenUp],
      );
    } finally {
      clearInterval(renew);
    }
  }
}
