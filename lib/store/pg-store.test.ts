/**
 * PgStore against a real PostgreSQL (TRACEFLEET_TEST_DATABASE_URL; `npm run test:unit` starts a
 * private one where none answers): the CaptureStore contract, unchanged, then what only a shared
 * database has to get right. Each store gets a schema of its own. Never skipped.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../../tests/corpus';
import { parseText, readText } from '../../tests/helpers';
import { captureStoreContract, newSource } from './contract';
import { CHUNK_BYTES, PgStore, StoreUnavailableError } from './pg-store';

export const TEST_DATABASE_URL = process.env.TRACEFLEET_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const profiles = await Promise.all(
  ['real/cluster1/node-c.perf.txt', 'speedscope/sample/profiles/linux-perf/forks.linux-perf.txt'].map(async (f) => (await parseText(readText(path.join(CORPUS, f)))).profile),
);

const schemas: string[] = [];
const freshSchema = () => {
  const s = `tf_test_${randomBytes(6).toString('hex')}`;
  schemas.push(s);
  return s;
};
const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
afterAll(async () => {
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await admin.end();
});

const bytesOf = async (s: PgStore, captureId: string) =>
  Number(
    (
      await s.q<{ n: string }>(
        'SELECT COALESCE(SUM(octet_length(c.data)), 0) AS n FROM sources s JOIN blob_chunks c ON c.blob_id IN (s.raw_blob, s.profile_blob) WHERE s.capture_id = $1',
        [captureId],
      )
    ).rows[0]?.n ?? 0,
  );

captureStoreContract('PgStore (a real PostgreSQL)', {
  open: () => PgStore.open({ url: TEST_DATABASE_URL, schema: freshSchema() }),
  reopen: async (s) => {
    await s.close();
    return PgStore.open({ url: TEST_DATABASE_URL, schema: (s as PgStore).schema });
  },
  bytesOf: (s, id) => bytesOf(s as PgStore, id),
  profiles: [profiles[0]!, profiles[1]!],
});

describe('PgStore: what a shared database adds', () => {
  it('migrates once when replicas start together on an empty database', async () => {
    const schema = freshSchema();
    const stores = await Promise.all(Array.from({ length: 4 }, () => PgStore.open({ url: TEST_DATABASE_URL, schema, poolSize: 2 })));
    const { rows } = await stores[0]!.q<{ version: number }>('SELECT version FROM tracefleet_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
    // Any replica reads what another wrote.
    const c = await stores[1]!.createCapture('shared');
    expect((await stores[3]!.getCapture(c.id))?.name).toBe('shared');
    for (const s of stores) await s.close();
  });

  it('streams a raw upload of many rows both ways, a download survives a re-upload, and no orphan rows stay', async () => {
    const s = await PgStore.open({ url: TEST_DATABASE_URL, schema: freshSchema() });
    const c = await s.createCapture('big');
    // gzip magic first: stored as sent, so the rows are the bytes themselves.
    const body = randomBytes(3 * CHUNK_BYTES + 12345);
    body[0] = 0x1f;
    body[1] = 0x8b;
    const up = await s.beginSourceUpload(c.id, 'n');
    for (let off = 0; off < body.length; off += 65536) await up.write(body.subarray(off, off + 65536));
    await up.commit(profiles[0]!, newSource('perf', 1));
    const rows = Number((await s.q<{ n: string }>('SELECT count(*) AS n FROM blob_chunks')).rows[0]?.n);
    expect(rows).toBeGreaterThanOrEqual(4);
    const raw = await s.openRaw(c.id, 'n', 'perf');
    expect(Buffer.from(await new Response(raw!.stream).arrayBuffer()).equals(body)).toBe(true);
    // A download under way when the source is replaced still gets every byte of what it started.
    const inFlight = (await s.openRaw(c.id, 'n', 'perf'))!.stream.getReader();
    const first = await inFlight.read();
    const second = await s.beginSourceUpload(c.id, 'n');
    await second.write(new Uint8Array([1, 2, 3]));
    await second.commit(profiles[1]!, newSource('perf', 1));
    const rest: Uint8Array[] = [first.value!];
    for (let r = await inFlight.read(); !r.done; r = await inFlight.read()) rest.push(r.value);
    expect(Buffer.concat(rest).equals(body)).toBe(true);
    const replaced = await s.openRaw(c.id, 'n', 'perf');
    expect([...new Uint8Array(await new Response(replaced!.stream).arrayBuffer())]).toEqual([1, 2, 3]);
    // Deleted sources go at once; replaced blobs once their lease is over.
    await s.deleteCapture(c.id);
    await s.q("UPDATE blobs SET lease_until = now() - interval '1 second' WHERE NOT committed");
    expect(await s.collectGarbage()).toBe(2);
    expect((await s.q('SELECT 1 FROM blobs')).rowCount).toBe(0);
    expect((await s.q('SELECT 1 FROM blob_chunks')).rowCount).toBe(0);
    await s.close();
  });

  it('collects the blob of a writer that died (its lease ran out), and never a committed one', async () => {
    const s = await PgStore.open({ url: TEST_DATABASE_URL, schema: freshSchema() });
    const c = await s.createCapture('c');
    const kept = await s.beginSourceUpload(c.id, 'n');
    await kept.write(new Uint8Array([1, 2, 3]));
    await kept.commit(profiles[0]!, newSource('perf', 1));
    const dead = await s.beginSourceUpload(c.id, 'n');
    await dead.write(new Uint8Array(CHUNK_BYTES + 10).fill(7));
    // As if its replica was killed: nobody renews the lease.
    await s.q("UPDATE blobs SET lease_until = now() - interval '1 second' WHERE NOT committed");
    expect(await s.collectGarbage()).toBe(1);
    expect((await s.getProfile(c.id, 'n', 'perf'))?.profile.samples.length).toBe(profiles[0]!.samples.length);
    await s.close();
  });

  it('serialises work of one lock key across stores (replicas), and not of different keys', async () => {
    const schema = freshSchema();
    const [a, b] = await Promise.all([PgStore.open({ url: TEST_DATABASE_URL, schema }), PgStore.open({ url: TEST_DATABASE_URL, schema })]);
    const log: string[] = [];
    const step = (who: string, ms: number) => async () => {
      log.push(`${who} in`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`${who} out`);
    };
    await Promise.all([a.withLock('push:c/n', step('a', 150)), new Promise((r) => setTimeout(r, 30)).then(() => b.withLock('push:c/n', step('b', 10)))]);
    expect(log).toEqual(['a in', 'a out', 'b in', 'b out']);
    log.length = 0;
    await Promise.all([a.withLock('push:c/x', step('a', 150)), new Promise((r) => setTimeout(r, 30)).then(() => b.withLock('push:c/y', step('b', 10)))]);
    expect(log).toEqual(['a in', 'b in', 'b out', 'a out']);
    await a.close();
    await b.close();
  });

  it('says the database is unavailable (503) when nothing answers', async () => {
    const s = await PgStore.open({ url: 'postgres://postgres@127.0.0.1:1/none', migrate: false });
    await expect(s.getCapture('AAAAAAAAAAAAAAAAAAAAAA')).rejects.toBeInstanceOf(StoreUnavailableError);
    await s.close();
  });
});
