/**
 * PostgreSQL going away under a replica, and coming back: while it is down every request gets
 * a 503 JSON answer (never a hang, never a crash), and afterwards the replica serves, stores and
 * streams live events again by itself. The database is a private cluster of this test
 * (scripts/private-postgres.sh), so it can be stopped.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateCaptureResponse } from '../lib/api/schemas';
import { corpus, startServer } from './helpers';

const PG_PORT = '55433';
const pgctl = (cmd: 'init' | 'start' | 'stop', dir: string) => execFileSync('bash', ['scripts/private-postgres.sh', cmd, dir, PG_PORT], { stdio: 'pipe' });

test('PostgreSQL restarting: 503 JSON while it is down, and the replica recovers by itself', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tracefleet-pg-restart-'));
  pgctl('init', dir);
  const server = await startServer({ port: 3313, dataDir: '.e2e-data-pg-restart', env: { TRACEFLEET_DATABASE_URL: `postgres://postgres@127.0.0.1:${PG_PORT}/test` } });
  try {
    const base = server.url;
    const res = await fetch(`${base}/api/captures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'restart' }) });
    const { id } = CreateCaptureResponse.parse(await res.json());
    const put = () => fetch(`${base}/api/captures/${id}/nodes/node-a`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: readFileSync(corpus('real/cluster1/node-a.perf.txt')) });
    expect((await put()).status).toBe(201);

    pgctl('stop', dir);
    for (const r of [await fetch(`${base}/api/captures/${id}`), await fetch(`${base}/api/captures/${id}/nodes/node-a/folded`), await put()]) {
      expect(r.status).toBe(503);
      expect((await r.json()).error.code).toBe('database_unavailable');
    }

    pgctl('start', dir);
    await expect.poll(async () => (await fetch(`${base}/api/captures/${id}`)).status, { timeout: 30_000 }).toBe(200);
    expect((await put()).status).toBe(201);
    expect((await fetch(`${base}/api/captures/${id}/nodes/node-a/flamegraph`)).status).toBe(200);
    // Live events flow again (the replica listens anew): an upload shows up in the event stream.
    const events = await fetch(`${base}/api/captures/${id}/events`, { signal: AbortSignal.timeout(30_000) });
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const reading = (async () => {
      while (!text.includes('"ready"')) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })();
    for (let i = 0; i < 10 && !text.includes('"ready"'); i++) {
      expect((await put()).status).toBe(201);
      await Promise.race([reading, new Promise((r) => setTimeout(r, 2000))]);
    }
    await reader.cancel().catch(() => undefined);
    expect(text).toContain('"ready"');
  } finally {
    await server.stop();
    try {
      pgctl('stop', dir);
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
