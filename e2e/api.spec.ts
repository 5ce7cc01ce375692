import { spawn } from 'node:child_process';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { Capture, ErrorBody, FlameTree, NodeSummary } from '../lib/api/schemas';
import { E2E_DATA_DIR } from '../playwright.config';
import { splitUnterminatedTail } from '../tests/helpers';
import { CLUSTER1, corpus, createCapture, putNode } from './helpers';

const text = (f: string) => readFileSync(f, 'utf8');
const lines = (s: string) => s.split('\n').filter((l) => l.length > 0);

async function expectError(res: import('@playwright/test').APIResponse, status: number, code: string) {
  expect(res.status()).toBe(status);
  expect(res.headers()['content-type']).toContain('application/json');
  const body = ErrorBody.parse(await res.json());
  expect(body.error.code).toBe(code);
  return body.error;
}

test.describe('HTTP API', () => {
  test('a cluster upload: four nodes, summaries, folded export equal to stackcollapse-perf.pl', async ({ request }) => {
    const id = await createCapture(request, 'cluster1');
    for (const [i, file] of CLUSTER1.entries()) {
      const res = await putNode(request, id, `node-${'abcd'[i]}`, readFileSync(file));
      expect(res.status()).toBe(201);
      const s = NodeSummary.parse(await res.json());
      expect(s.format).toBe('perf-script');
      expect(s.hostname).toBe(`cluster1-node-${'abcd'[i]}`);
    }
    const capture = Capture.parse(await (await request.get(`/api/captures/${id}`)).json());
    expect(capture.nodes.map((n) => [n.name, n.samples, n.events])).toEqual([
      ['node-a', 5779, [{ name: 'cpu-clock:ppp', samples: 5779 }]],
      ['node-b', 5067, [{ name: 'cpu-clock:ppp', samples: 5067 }]],
      ['node-c', 3633, [{ name: 'cpu-clock:ppp', samples: 3633 }]],
      ['node-d', 8055, [{ name: 'cpu-clock:ppp', samples: 8055 }]],
    ]);
    const a = capture.nodes[0] as NodeSummary;
    expect([a.startNs, a.endNs, a.bytes]).toEqual([843456599000, 846361355000, 2679915]);
    for (const n of ['a', 'b', 'c', 'd']) {
      const res = await request.get(`/api/captures/${id}/nodes/node-${n}/folded`);
      expect(res.headers()['content-type']).toContain('text/plain');
      expect(lines(await res.text())).toEqual(lines(text(corpus(`real/cluster1/node-${n}.perf.folded`))));
      const all = await request.get(`/api/captures/${id}/nodes/node-${n}/folded?all=1`);
      expect(lines(await all.text())).toEqual(lines(text(corpus(`real/cluster1/node-${n}.perf.all.folded`))));
    }
    // The flame graph tree holds the same weight as the folded export.
    const tree = FlameTree.parse(await (await request.get(`/api/captures/${id}/nodes/node-d/flamegraph?search=mix_round`)).json());
    const total = lines(text(corpus('real/cluster1/node-d.perf.folded'))).reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(tree.total).toBe(total);
    expect(tree.unit).toBe('ns');
    expect(tree.search?.matched).toBeGreaterThan(0.45 * total);
  });

  test('stackcollapse-perf.pl options as query flags', async ({ request }) => {
    const id = await createCapture(request);
    // What Perl reads: without the last record, which it drops for want of a blank line (see README).
    const body = splitUnterminatedTail(text(corpus('flamegraph-tests/test/perf-iperf-stacks-pidtid-01.txt'))).terminated;
    expect((await putNode(request, id, 'iperf', body)).status()).toBe(201);
    for (const opt of ['pid', 'tid', 'kernel', 'jit', 'all', 'addrs']) {
      const got = await (await request.get(`/api/captures/${id}/nodes/iperf/folded?${opt}=1`)).text();
      expect(lines(got), opt).toEqual(lines(text(corpus(`flamegraph-tests/generated-at-HEAD/perf-iperf-stacks-pidtid-01-collapsed-${opt}.txt`))));
    }
    const mixed = text(corpus('flamegraph-tests/test/perf-cycles-instructions-01.txt'));
    expect((await putNode(request, id, 'mixed', mixed)).status()).toBe(201);
    const cycles = await (await request.get(`/api/captures/${id}/nodes/mixed/folded?event=cycles`)).text();
    const instructions = await (await request.get(`/api/captures/${id}/nodes/mixed/folded?event=instructions`)).text();
    expect(cycles).not.toBe(instructions);
    expect(await (await request.get(`/api/captures/${id}/nodes/mixed/folded`)).text()).toBe(instructions);
  });

  test('gzip is detected by content, and re-PUT replaces a node', async ({ request }) => {
    const id = await createCapture(request);
    const res = await putNode(request, id, 'n1', readFileSync(corpus('real/cluster1/node-a.perf.txt.gz')));
    expect(NodeSummary.parse(await res.json())).toMatchObject({ gzip: true, samples: 5779, bytes: 77592, textBytes: 2679915 });
    const again = await putNode(request, id, 'n1', gzipSync(readFileSync(corpus('real/cluster1/node-c.perf.txt'))));
    expect(NodeSummary.parse(await again.json()).samples).toBe(3633);
    const capture = Capture.parse(await (await request.get(`/api/captures/${id}`)).json());
    expect(capture.nodes.map((n) => [n.name, n.samples])).toEqual([['n1', 3633]]);
    const raw = await request.get(`/api/captures/${id}/nodes/n1/raw`);
    expect(raw.headers()['content-type']).toBe('application/gzip');
  });

  test('bad input gets a 4xx JSON error and never harms what is stored', async ({ request }) => {
    const id = await createCapture(request);
    expect((await putNode(request, id, 'good', readFileSync(CLUSTER1[2] as string))).status()).toBe(201);

    await expectError(await putNode(request, id, 'bad%20name', 'x'), 400, 'invalid_node_name');
    await expectError(await putNode(request, id, 'x'.repeat(129), 'x'), 400, 'invalid_node_name');
    await expectError(await putNode(request, 'AAAAAAAAAAAAAAAAAAAAAA', 'n', readFileSync(CLUSTER1[0] as string)), 404, 'not_found');
    await expectError(await request.get('/api/captures/not-an-id'), 400, 'bad_request');
    await expectError(await request.get('/api/captures?limit=0'), 400, 'bad_request');
    await expectError(await request.get(`/api/captures/${id}/nodes/missing/folded`), 404, 'not_found');
    await expectError(await request.get(`/api/captures/${id}/nodes/good/folded?fromNs=-5`), 400, 'bad_request');
    await expectError(await request.post('/api/captures', { data: '{not json', headers: { 'content-type': 'application/json' } }), 400, 'bad_request');
    await expectError(await request.post('/api/captures', { data: { name: 'x'.repeat(300) } }), 400, 'bad_request');

    await expectError(await request.put(`/api/captures/${id}/nodes/good?arch=sparc`, { data: 'x' }), 400, 'bad_request');
    await expectError(await request.put(`/api/captures/${id}/nodes/good`), 400, 'empty_body');
    // The server fetches only public http(s) URLs (unless TRACEFLEET_FETCH_ALLOW_PRIVATE=1).
    await expectError(await request.post(`/api/captures/${id}/nodes/good/fetch`, { data: { url: 'http://127.0.0.1:1/node.perf.txt' } }), 403, 'fetch_forbidden');
    await expectError(await request.post(`/api/captures/${id}/nodes/good/fetch`, { data: { url: 'ftp://example.com/x' } }), 400, 'bad_request');

    const unknown = await expectError(await putNode(request, id, 'good', '{"this": "is json"}\n'), 415, 'unknown_format');
    expect(unknown.message).toContain('this');
    const corrupt = gzipSync(readFileSync(CLUSTER1[0] as string)).subarray(0, 30000);
    await expectError(await putNode(request, id, 'good', Buffer.from(corrupt)), 422, 'parse_error');

    // The node still holds its first upload, intact.
    const capture = Capture.parse(await (await request.get(`/api/captures/${id}`)).json());
    expect(capture.nodes.map((n) => [n.name, n.samples])).toEqual([['good', 3633]]);
    expect(lines(await (await request.get(`/api/captures/${id}/nodes/good/folded`)).text())).toEqual(lines(text(corpus('real/cluster1/node-c.perf.folded'))));
  });

  test('an upload cut off mid-stream never shows, and the node keeps what it had', async ({ request, baseURL }) => {
    const id = await createCapture(request);
    expect((await putNode(request, id, 'cut', readFileSync(CLUSTER1[2] as string))).status()).toBe(201);
    const url = new URL(`/api/captures/${id}/nodes/cut`, baseURL);
    await new Promise<void>((resolve) => {
      const req = http.request(url, { method: 'PUT', headers: { 'transfer-encoding': 'chunked' } });
      req.on('error', () => resolve());
      req.write(readFileSync(CLUSTER1[0] as string).subarray(0, 600_000));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 500);
    });
    await new Promise((r) => setTimeout(r, 1000));
    const capture = Capture.parse(await (await request.get(`/api/captures/${id}`)).json());
    expect(capture.nodes.map((n) => [n.name, n.samples])).toEqual([['cut', 3633]]);
    expect(lines(await (await request.get(`/api/captures/${id}/nodes/cut/folded`)).text())).toEqual(lines(text(corpus('real/cluster1/node-c.perf.folded'))));
    // And the node takes a complete upload afterwards.
    expect((await putNode(request, id, 'cut', readFileSync(CLUSTER1[0] as string))).status()).toBe(201);
  });

  test('streams a large upload (≈100 MB) through the parser', async ({ request }) => {
    test.setTimeout(300_000);
    const id = await createCapture(request);
    const one = readFileSync(CLUSTER1[0] as string);
    const body = Buffer.concat(Array.from({ length: 38 }, () => one));
    const res = await putNode(request, id, 'big', body);
    expect(res.status()).toBe(201);
    expect(NodeSummary.parse(await res.json()).samples).toBe(38 * 5779);
  });

  test('a share link still works after a server restart', async ({ request }) => {
    test.setTimeout(120_000);
    const id = await createCapture(request, 'restart me');
    expect((await putNode(request, id, 'node-a', readFileSync(CLUSTER1[0] as string))).status()).toBe(201);
    const port = 3290 + Math.floor(Math.random() * 9);
    const second = spawn(process.execPath, ['e2e/server.mjs', '--keep-data'], {
      env: { ...process.env, E2E_PORT: String(port), E2E_DATA_DIR, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: 'ignore',
    });
    try {
      let ok = false;
      for (let i = 0; i < 120 && !ok; i++) {
        ok = await fetch(`http://127.0.0.1:${port}/api/captures/${id}`).then((r) => r.ok, () => false);
        if (!ok) await new Promise((r) => setTimeout(r, 500));
      }
      expect(ok).toBe(true);
      const capture = Capture.parse(await (await fetch(`http://127.0.0.1:${port}/api/captures/${id}`)).json());
      expect(capture.name).toBe('restart me');
      const page = await fetch(`http://127.0.0.1:${port}/c/${id}?v=1&q=gzip`);
      expect(page.status).toBe(200);
      const folded = await (await fetch(`http://127.0.0.1:${port}/api/captures/${id}/nodes/node-a/folded`)).text();
      expect(lines(folded)).toEqual(lines(text(corpus('real/cluster1/node-a.perf.folded'))));
    } finally {
      second.kill('SIGTERM');
    }
  });
});
