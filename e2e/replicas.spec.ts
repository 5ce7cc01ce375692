/**
 * Two replicas (two `next start`) on one PostgreSQL behave as one server: cross-replica reads
 * and deletes, a live page on one seeing an upload to the other, kill -9 of the replica that is
 * ingesting, and both starting at once on an empty database. The database is
 * TRACEFLEET_TEST_DATABASE_URL (scripts/with-postgres.sh provides one); each test gets a schema
 * of its own, dropped at the end. Never skipped.
 */
import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { CreateCaptureResponse, FlameTree } from '../lib/api/schemas';
import { corpus, startServer } from './helpers';

const DATABASE_URL = process.env.TRACEFLEET_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PORTS = [3311, 3312] as const;
type Server = Awaited<ReturnType<typeof startServer>>;

test.describe.configure({ mode: 'serial' });

let schema = '';
let servers: Server[] = [];

test.beforeEach(async () => {
  schema = `tf_e2e_${randomBytes(5).toString('hex')}`;
  // Both at once, on an empty schema: migrations must not collide.
  servers = await Promise.all(
    PORTS.map((port) => startServer({ port, dataDir: `.e2e-data-replica-${port}`, env: { TRACEFLEET_DATABASE_URL: DATABASE_URL, TRACEFLEET_DATABASE_SCHEMA: schema, TRACEFLEET_FETCH_ALLOW_PRIVATE: '1' } })),
  );
});

test.afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

const [A, B] = [0, 1];
const url = (i: number, p: string) => `${servers[i]!.url}${p}`;

async function createCapture(i: number, name: string): Promise<string> {
  const res = await fetch(url(i, '/api/captures'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
  expect(res.status).toBe(201);
  return CreateCaptureResponse.parse(await res.json()).id;
}

async function put(i: number, id: string, node: string, file: string): Promise<number> {
  const res = await fetch(url(i, `/api/captures/${id}/nodes/${node}`), { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: readFileSync(file) });
  return res.status;
}

test('two replicas starting at once migrate once, and any replica serves what another stored', async () => {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  const { rows } = await admin.query(`SELECT version FROM ${schema}.tracefleet_migrations ORDER BY version`);
  await admin.end();
  expect(rows.map((r: { version: number }) => r.version)).toEqual([1, 2]);

  const id = await createCapture(A, 'replicas');
  expect(await put(A, id, 'node-d', corpus('real/cluster1/node-d.perf.txt'))).toBe(201);
  // Read, search and diff through B.
  const capture = await (await fetch(url(B, `/api/captures/${id}`))).json();
  expect(capture.nodes.map((n: { name: string }) => n.name)).toEqual(['node-d']);
  const tree = FlameTree.parse(await (await fetch(url(B, `/api/captures/${id}/nodes/node-d/flamegraph?search=mix_round`))).json());
  expect(tree.search?.matched).toBeGreaterThan(0);
  expect(await put(B, id, 'node-a', corpus('real/cluster1/node-a.perf.txt'))).toBe(201);
  expect((await fetch(url(A, `/api/captures/${id}/diff?a=node-d&b=node-a`))).status).toBe(200);
  const raw = Buffer.from(await (await fetch(url(B, `/api/captures/${id}/nodes/node-d/raw`))).arrayBuffer());
  expect(raw.equals(readFileSync(corpus('real/cluster1/node-d.perf.txt')))).toBe(true);
  // Replace on A, then B serves the new version, never the old one it had loaded.
  expect(await put(A, id, 'node-d', corpus('real/cluster1/node-c.perf.txt'))).toBe(201);
  const replaced = FlameTree.parse(await (await fetch(url(B, `/api/captures/${id}/nodes/node-d/flamegraph?search=mix_round`))).json());
  expect(replaced.search?.matched ?? 0).toBe(0);
  // Delete through B: gone on A.
  expect((await fetch(url(B, `/api/captures/${id}`), { method: 'DELETE' })).status).toBe(204);
  expect((await fetch(url(A, `/api/captures/${id}`))).status).toBe(404);
});

test('a page on replica B sees a host arrive through replica A', async ({ page }) => {
  const id = await createCapture(A, 'live');
  await page.goto(url(B, `/c/${id}`));
  await expect(page.getByText('This capture has no hosts yet')).toBeVisible();
  expect(await put(A, id, 'node-b', corpus('real/cluster1/node-b.perf.txt'))).toBe(201);
  await expect(page.locator('[data-testid=node-card][data-node="node-b"]')).toBeVisible();
  await expect(page.locator('[data-testid=arrival][data-node="node-b"]')).toHaveAttribute('data-state', 'ready');
  await page.close();
});

test('kill -9 of the replica that is ingesting: the previous version stays, and B says the ingest failed within 30 s', async () => {
  const id = await createCapture(B, 'kill');
  expect(await put(B, id, 'node-a', corpus('real/cluster1/node-a.perf.txt'))).toBe(201);
  const before = await (await fetch(url(B, `/api/captures/${id}/nodes/node-a/folded`))).text();
  // A slow upload to A: the first bytes, then nothing more until A dies.
  const body = readFileSync(corpus('real/cluster1/node-b.perf.txt'));
  const req = httpRequest(url(A, `/api/captures/${id}/nodes/node-a`), { method: 'PUT', headers: { 'content-type': 'application/octet-stream' } });
  req.on('error', () => undefined);
  req.write(body.subarray(0, 256 * 1024));
  // B sees it arrive (live events through the database).
  const state = async () => {
    const res = await fetch(url(B, `/api/captures/${id}/events`), { signal: AbortSignal.timeout(3000) });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('"snapshot"') || !text.includes('\n\n', text.indexOf('"snapshot"'))) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    const line = text.split('\n').find((l) => l.includes('"snapshot"')) ?? '';
    const snap = JSON.parse(line.slice('data: '.length)) as { ingests: { node: string; state: string; error: { code: string } | null }[] };
    const mine = snap.ingests.filter((i) => i.node === 'node-a');
    return mine[mine.length - 1];
  };
  await expect.poll(async () => (await state())?.state, { timeout: 10_000 }).toBe('receiving');
  await servers[A]!.kill9();
  const killedAt = Date.now();
  await expect.poll(async () => (await state())?.error?.code, { timeout: 30_000, intervals: [1000] }).toBe('replica_lost');
  expect(Date.now() - killedAt).toBeLessThan(30_000);
  expect(await (await fetch(url(B, `/api/captures/${id}/nodes/node-a/folded`))).text()).toBe(before);
  req.destroy();
});

test('a fetch-later job: 202 at once, run by a replica, and the host shows on the other', async () => {
  const file = readFileSync(corpus('real/cluster1/node-c.perf.txt'));
  const origin = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(file));
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', () => r()));
  try {
    const id = await createCapture(B, 'fetch-later');
    const res = await fetch(url(A, `/api/captures/${id}/nodes/node-c/fetch-later`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:${(origin.address() as AddressInfo).port}/node-c.perf.txt` }),
    });
    expect(res.status).toBe(202);
    expect((await res.json()).job).toMatch(/^\d+$/);
    await expect
      .poll(async () => ((await (await fetch(url(B, `/api/captures/${id}`))).json()) as { nodes: { name: string; sources: { samples: number }[] }[] }).nodes[0]?.sources[0]?.samples, { timeout: 30_000 })
      .toBeGreaterThan(0);
    const folded = await (await fetch(url(B, `/api/captures/${id}/nodes/node-c/folded`))).text();
    expect(folded.length).toBeGreaterThan(0);
  } finally {
    origin.close();
  }
});

test('Pyroscope pushes to one host through both replicas at once: one capture, no push lost', async () => {
  const app = `shop-${randomBytes(3).toString('hex')}`;
  const pushes = Array.from({ length: 12 }, (_, i) =>
    fetch(url(i % 2, `/api/ingest?${new URLSearchParams({ name: `${app}{node=web-1}`, from: String(1_700_000_000 + i * 10), until: String(1_700_000_010 + i * 10) })}`), {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: `main;serve ${i + 1}\nmain;gc 1\n`,
    }).then((r) => r.status),
  );
  expect(await Promise.all(pushes)).toEqual(Array(12).fill(200));
  const list = (await (await fetch(url(A, '/api/captures?limit=200'))).json()) as { captures: { id: string; name: string }[] };
  const mine = list.captures.filter((c) => c.name === app);
  expect(mine).toHaveLength(1);
  const folded = await (await fetch(url(B, `/api/captures/${mine[0]!.id}/nodes/web-1/folded?source=pyroscope`))).text();
  expect(folded).toBe(`${app};main;gc 12\n${app};main;serve 78\n`);
});
