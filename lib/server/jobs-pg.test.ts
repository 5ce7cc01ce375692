/**
 * Jobs on a real PostgreSQL: replicas claiming from one table run each job exactly once, a
 * periodic job comes back, a failing one is retried and then given up, and the job of a replica
 * that died (its lease ran out) is taken over.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PgStore } from '../store/pg-store';
import { PgJobRunner, type JobKind } from './jobs-pg';

const URL = process.env.TRACEFLEET_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];
afterAll(async () => {
  const admin = new pg.Client({ connectionString: URL });
  await admin.connect();
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await admin.end();
});

async function twoReplicas(kinds: Record<string, JobKind>) {
  const schema = `tf_jobs_${randomBytes(5).toString('hex')}`;
  schemas.push(schema);
  const a = await PgStore.open({ url: URL, schema, poolSize: 4 });
  const b = await PgStore.open({ url: URL, schema, poolSize: 4 });
  return { a, b, ra: new PgJobRunner(a, 'replica-a', kinds), rb: new PgJobRunner(b, 'replica-b', kinds) };
}

describe('jobs claimed with SKIP LOCKED', () => {
  it('two replicas working one queue run every job exactly once', async () => {
    const ran: string[] = [];
    const kinds = { work: { run: async (p: unknown) => void ran.push((p as { n: string }).n) } };
    const { a, b, ra, rb } = await twoReplicas(kinds);
    for (let i = 0; i < 40; i++) await a.q("INSERT INTO jobs (kind, payload) VALUES ('work', $1)", [JSON.stringify({ n: String(i) })]);
    const [na, nb] = await Promise.all([ra.tick(), rb.tick()]);
    expect(na + nb).toBe(40);
    expect([...ran].sort()).toEqual(Array.from({ length: 40 }, (_, i) => String(i)).sort());
    expect((await a.q('SELECT 1 FROM jobs WHERE done_at IS NULL')).rowCount).toBe(0);
    await a.close();
    await b.close();
  });

  it('a periodic job comes back at its next time; a failing one is retried, then given up with its error', async () => {
    let periodic = 0;
    const kinds = { tick: { everyS: 3600, run: async () => void periodic++ }, broken: { retryS: 0, maxAttempts: 2, run: async () => Promise.reject(new Error('no such host')) } };
    const { a, b, ra } = await twoReplicas(kinds);
    await ra.ensure('tick');
    await ra.ensure('tick');
    await a.q("INSERT INTO jobs (kind) VALUES ('broken')");
    await ra.tick();
    await ra.tick();
    expect(periodic).toBe(1);
    const { rows } = await a.q<{ kind: string; run_at: Date; done_at: Date | null; attempts: number; last_error: string | null }>('SELECT kind, run_at, done_at, attempts, last_error FROM jobs ORDER BY kind');
    const byKind = Object.fromEntries(rows.map((r) => [r.kind, r]));
    expect(byKind.tick?.done_at).toBeNull();
    expect(byKind.tick!.run_at.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(byKind.broken).toMatchObject({ attempts: 2, last_error: 'no such host' });
    expect(byKind.broken?.done_at).not.toBeNull();
    await a.close();
    await b.close();
  });

  it('the job of a replica that died is taken over once its lease is over', async () => {
    let finishedBy = '';
    const never = new Promise<void>(() => undefined);
    const { a, b, ra, rb } = await twoReplicas({
      slow: { run: async (p: unknown) => ((p as { who?: string }).who === 'a' ? never : void (finishedBy = 'b')) },
    });
    await a.q("INSERT INTO jobs (kind, payload) VALUES ('slow', '{\"who\":\"a\"}')");
    void ra.tick(); // replica A claims it and hangs (as if killed)
    await expect.poll(async () => (await a.q("SELECT 1 FROM jobs WHERE locked_by = 'replica-a'")).rowCount).toBe(1);
    expect(await rb.tick()).toBe(0); // locked: B leaves it alone
    // A's lease runs out (it died, nobody renews it); B takes the job over.
    await a.q("UPDATE jobs SET locked_until = now() - interval '1 second', payload = '{\"who\":\"b\"}'");
    expect(await rb.tick()).toBe(1);
    expect(finishedBy).toBe('b');
    expect((await b.q("SELECT locked_by, done_at IS NOT NULL AS done, attempts FROM jobs")).rows[0]).toMatchObject({ done: true, attempts: 2 });
    ra.stop();
    await b.close();
    await a.pool.end().catch(() => undefined);
  });
});
