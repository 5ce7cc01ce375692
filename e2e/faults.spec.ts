/**
 * Faults and load on ingest (issue 11), each against a server of its own: the server killed
 * with SIGKILL in the middle of a 200 MB upload, 20 uploads at once, and the disk filling up
 * under an upload. Large inputs are generated here, never committed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { Capture, CreateCaptureResponse, ErrorBody, SourceSummary } from '../lib/api/schemas';
import { corpus, startServer } from './helpers';

test.describe.configure({ mode: 'serial' });

const lines = (s: string) => s.split('\n').filter(Boolean).sort();
const folded = (n: string) => lines(readFileSync(corpus(`real/cluster1/node-${n}.perf.folded`), 'utf8'));
const perf = (n: string) => readFileSync(corpus(`real/cluster1/node-${n}.perf.txt`));

type Server = Awaited<ReturnType<typeof startServer>>;

async function newCapture(server: Server, name: string): Promise<string> {
  const res = await fetch(`${server.url}/api/captures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
  expect(res.status).toBe(201);
  return CreateCaptureResponse.parse(await res.json()).id;
}

const put = (server: Server, id: string, node: string, body: Buffer) => fetch(`${server.url}/api/captures/${id}/nodes/${node}`, { method: 'PUT', body: new Uint8Array(body) });
const foldedOf = async (server: Server, id: string, node: string) => lines(await (await fetch(`${server.url}/api/captures/${id}/nodes/${node}/folded`)).text());
const captureOf = async (server: Server, id: string) => Capture.parse(await (await fetch(`${server.url}/api/captures/${id}`)).json());

test('kill -9 in the middle of a 200 MB upload: after restart the node has its previous version, no orphan files, and a re-upload works', async () => {
  test.setTimeout(180_000);
  const dataDir = '.e2e-data-faults-kill';
  let server = await startServer({ port: 3287, dataDir });
  try {
    const id = await newCapture(server, 'kill -9');
    const v1 = SourceSummary.parse(await (await put(server, id, 'big', perf('a'))).json());

    // 200 MB of perf script (node-b's dump over and over), sent as fast as the server takes it;
    // the server is killed once 60 MB are in.
    const piece = perf('b');
    let sent = 0;
    const upload = new Promise<string>((resolve) => {
      const req = http.request(`${server.url}/api/captures/${id}/nodes/big`, { method: 'PUT', agent: false, headers: { 'content-type': 'application/octet-stream', 'content-length': 200 * piece.length } });
      req.on('error', (err) => resolve(`error: ${err.message}`));
      req.on('response', (res) => resolve(`answered ${res.statusCode}`));
      const pump = () => {
        while (sent < 200 * piece.length) {
          sent += piece.length;
          if (!req.write(piece)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    await expect.poll(() => sent, { timeout: 30_000, intervals: [20] }).toBeGreaterThan(60e6);
    await server.kill9();
    expect(await upload).toMatch(/^error/);

    server = await startServer({ port: 3287, dataDir, keepData: true });
    const node = (await captureOf(server, id)).nodes.find((n) => n.name === 'big');
    expect(node?.sources.map((s) => [s.name, s.version])).toEqual([['perf', v1.version]]);
    expect(await foldedOf(server, id, 'big')).toEqual(folded('a'));
    // The start-up sweep left only the live version's two files (raw and profile), and no temporaries.
    expect(readdirSync(path.join(dataDir, 'blobs', id)).sort()).toEqual([`big~perf~${v1.version}.profile`, `big~perf~${v1.version}.raw`]);
    expect(readdirSync(path.join(dataDir, 'tmp'))).toEqual([]);

    const again = await put(server, id, 'big', perf('c'));
    expect(again.status).toBe(201);
    expect(await foldedOf(server, id, 'big')).toEqual(folded('c'));
  } finally {
    await server.stop();
  }
});

test('a 1 GB upload is held in bounded memory: the server stays under 800 MB while it streams in', async () => {
  test.setTimeout(180_000);
  const server = await startServer({ port: 3280, dataDir: '.e2e-data-faults-big' });
  try {
    const id = await newCapture(server, '1 GB');
    const piece = perf('b');
    const copies = Math.ceil(1e9 / piece.length);
    let peak = server.rssMb();
    const sampler = setInterval(() => (peak = Math.max(peak, server.rssMb())), 50);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${server.url}/api/captures/${id}/nodes/big`, { method: 'PUT', agent: false, headers: { 'content-type': 'application/octet-stream', 'content-length': copies * piece.length } });
      req.on('error', reject);
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      let sent = 0;
      const pump = () => {
        while (sent < copies) {
          sent++;
          if (!req.write(piece)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    }).finally(() => clearInterval(sampler));
    expect(status).toBe(201);
    // Before the fix of issue 11 every chunk of the body stayed reachable to the end: 1.5 GB here.
    expect(peak).toBeLessThan(800);
    const node = (await captureOf(server, id)).nodes[0];
    expect(node?.sources[0]?.bytes).toBe(copies * piece.length);
  } finally {
    await server.stop();
  }
});

test('20 uploads at once to 20 nodes of one capture: all 201, every folded export exact, nothing lost', async () => {
  test.setTimeout(180_000);
  const server = await startServer({ port: 3288, dataDir: '.e2e-data-faults-load', env: { TRACEFLEET_MAX_UPLOADS: '32', TRACEFLEET_MAX_UPLOADS_PER_CLIENT: '32' } });
  try {
    const id = await newCapture(server, 'twenty at once');
    const hosts = Array.from({ length: 20 }, (_, i) => ({ node: `host-${String(i).padStart(2, '0')}`, from: 'abcd'[i % 4] as string }));
    // node-a goes as its gzip half the time: both paths under load.
    const bodies = hosts.map(({ from }, i) => (from === 'a' && i % 8 === 0 ? readFileSync(corpus('real/cluster1/node-a.perf.txt.gz')) : perf(from)));
    const answers = await Promise.all(hosts.map(({ node }, i) => put(server, id, node, bodies[i] as Buffer)));
    expect(answers.map((r) => r.status)).toEqual(hosts.map(() => 201));
    const capture = await captureOf(server, id);
    expect(capture.nodes.map((n) => n.name)).toEqual(hosts.map((h) => h.node));
    for (const { node, from } of hosts) expect(await foldedOf(server, id, node), node).toEqual(folded(from));
    // Live streams (agents sending as they record) hold no other upload back: while three
    // trickle in, a whole upload beside them is parsed and stored.
    const piece = perf('c');
    const streams = [0, 1, 2].map((i) => {
      let open = true;
      const answer = new Promise<number>((resolve, reject) => {
        const req = http.request(`${server.url}/api/captures/${id}/nodes/live-${i}`, { method: 'PUT', agent: false, headers: { 'content-type': 'application/octet-stream' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        let off = 0;
        const t = setInterval(() => {
          // 32 KB every 100 ms, twice through node-c's dump: about 6 s, far above the rate floor.
          req.write(piece.subarray(off % piece.length, Math.min(piece.length, (off % piece.length) + 32768)));
          off += 32768;
          if (off >= 2 * piece.length) {
            clearInterval(t);
            open = false;
            req.end();
          }
        }, 100);
      });
      return { answer, isOpen: () => open };
    });
    await new Promise((r) => setTimeout(r, 500));
    expect((await put(server, id, 'beside-live', perf('d'))).status).toBe(201);
    expect(streams.map((x) => x.isOpen())).toEqual([true, true, true]);
    expect(await Promise.all(streams.map((x) => x.answer))).toEqual([201, 201, 201]);

    // And the raw bytes come back exactly as sent.
    for (const i of [0, 1, 8]) {
      const raw = Buffer.from(await (await fetch(`${server.url}/api/captures/${id}/nodes/${hosts[i]?.node}/raw`)).arrayBuffer());
      expect(raw.equals(bodies[i] as Buffer)).toBe(true);
    }
  } finally {
    await server.stop();
  }
});

test.describe('disk full', () => {
  const mount = '/tmp/tracefleet-e2e-disk-full';
  const filler = path.join(mount, 'filler');
  let mounted = false;

  test.beforeAll(() => {
    test.skip(process.getuid?.() !== 0, 'mounting a small tmpfs needs root');
    mkdirSync(mount, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mount]);
    mounted = true;
  });
  test.afterAll(() => {
    if (mounted) execFileSync('umount', ['-l', mount]);
  });

  test('an upload that fills the disk gets a 507 JSON error, the previous version stays, the server keeps serving', async () => {
    test.setTimeout(120_000);
    const server = await startServer({ port: 3289, dataDir: path.join(mount, 'data') });
    try {
      const id = await newCapture(server, 'disk full');
      expect((await put(server, id, 'n', perf('c'))).status).toBe(201);
      // Leave 256 KB: less than what node-a's dump takes once parsed and stored.
      const { bavail, bsize } = statfsSync(mount);
      writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 256 * 1024)));
      const full = await put(server, id, 'n', perf('a'));
      expect(full.status).toBe(507);
      expect(full.headers.get('content-type')).toContain('application/json');
      expect(ErrorBody.parse(await full.json()).error.code).toBe('disk_full');
      expect(await foldedOf(server, id, 'n')).toEqual(folded('c'));
      expect((await captureOf(server, id)).nodes.map((n) => n.sources.length)).toEqual([1]);
      // Room again: the same upload goes through.
      rmSync(filler);
      expect((await put(server, id, 'n', perf('a'))).status).toBe(201);
      expect(await foldedOf(server, id, 'n')).toEqual(folded('a'));
      expect(existsSync(path.join(mount, 'data', 'tracefleet.db'))).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
