import http from 'node:http';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { Capture, CreateCaptureResponse, ErrorBody, FlameTree, SourceSummary } from '../lib/api/schemas';
import { E2E_DATA_DIR } from '../playwright.config';
import { splitUnterminatedTail } from '../tests/helpers';
import { CLUSTER1, corpus, createCapture, putNode, startServer } from './helpers';

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
      const s = SourceSummary.parse(await res.json());
      expect([s.node, s.name, s.kind, s.format]).toEqual([`node-${'abcd'[i]}`, 'perf', 'perf', 'perf-script']);
      expect(s.hostname).toBe(`cluster1-node-${'abcd'[i]}`);
    }
    const capture = Capture.parse(await (await request.get(`/api/captures/${id}`)).json());
    expect(capture.nodes.map((n) => [n.name, n.sources[0]?.samples, n.sources[0]?.events])).toEqual([
      ['node-a', 5779, [{ name: 'cpu-clock:ppp', samples: 5779 }]],
      ['node-b', 5067, [{ name: 'cpu-clock:ppp', samples: 5067 }]],
      ['node-c', 3633, [{ name: 'cpu-clock:ppp', samples: 3633 }]],
      ['node-d', 8055, [{ name: 'cpu-clock:ppp', samples: 8055 }]],
    ]);
    expect(capture.nodes.map((n) => n.hostname)).toEqual(['cluster1-node-a', 'cluster1-node-b', 'cluster1-node-c', 'cluster1-node-d']);
    const a = capture.nodes[0]?.sources[0] as SourceSummary;
    expect([a.startNs, a.endNs, a.bytes, a.clock, a.capturedOn]).toEqual([843456599000, 846361355000, 2679915, 'boot', 'Thu Nov 26 10:42:28 2026']);
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

  test('gzip is detected by content, and re-PUT of the same kind replaces the source', async ({ request }) => {
    const id = await createCapture(request);
    const res = await putNode(request, id, 'n1', readFileSync(corpus('real/cluster1/node-a.perf.txt.gz')));
    expect(SourceSummary.parse(await res.json())).toMatchObject({ name: 'perf', gzip: true, samples: 5779, bytes: 77592, textBytes: 2679915 });
    const again = await putNode(request, id, 'n1', gzipSync(readFileSync(corpus('real/cluster1/node-c.perf.txt'))));
    expect(SourceSummary.parse(await again.json()).samples).toBe(3633);
    const capture = Capture.parse(await (await request.get(`/api/captures/${id}`)).json());
    expect(capture.nodes.map((n) => [n.name, n.sources.map((x) => [x.name, x.samples])])).toEqual([['n1', [['perf', 3633]]]]);
    const raw = await request.get(`/api/captures/${id}/nodes/n1/raw`);
    expect(raw.headers()['content-type']).toBe('application/gzip');
  });

  test('a host has sources: each kind is named after itself, sources are read and deleted one by one', async ({ request }) => {
    const id = await createCapture(request);
    const files: [string, string][] = [
      ['real/cluster1/node-a.perf.txt', 'perf'],
      ['real/cluster1/node-a.tp.perf.txt', 'perf-tracepoints'],
      ['real/cluster1/node-a.ftrace.txt', 'ftrace'],
      ['real/cluster1/node-a.strace.txt', 'strace'],
      ['real/cluster1/node-b.trace-cmd.txt', 'trace-cmd'],
      ['real/cluster1/node-a.perf.folded', 'folded'],
    ];
    for (const [file, kind] of files) {
      const s = SourceSummary.parse(await (await putNode(request, id, 'host-1', readFileSync(corpus(file)))).json());
      expect([s.name, s.kind], file).toEqual([kind, kind]);
    }
    // A named source: a second strace log of the same host.
    const named = await request.put(`/api/captures/${id}/nodes/host-1/sources/strace-db`, { data: readFileSync(corpus('real/cluster1/node-b.strace.txt')) });
    expect(SourceSummary.parse(await named.json())).toMatchObject({ name: 'strace-db', kind: 'strace' });
    const host = Capture.parse(await (await request.get(`/api/captures/${id}`)).json()).nodes[0];
    expect(host?.sources.map((x) => x.name)).toEqual(['folded', 'ftrace', 'perf', 'perf-tracepoints', 'strace', 'strace-db', 'trace-cmd']);
    expect(host?.sources.find((x) => x.name === 'strace')?.syscalls).toBeGreaterThan(100);
    expect(host?.sources.find((x) => x.name === 'ftrace')?.slices).toBeGreaterThan(10);
    // Views read the host's source for them: stacks from perf, syscalls from strace; or the one asked for.
    expect(lines(await (await request.get(`/api/captures/${id}/nodes/host-1/folded`)).text())).toEqual(lines(text(corpus('real/cluster1/node-a.perf.folded'))));
    const strace = (await (await request.get(`/api/captures/${id}/nodes/host-1/syscalls`)).json()) as { name: string; calls: number }[];
    const db = (await (await request.get(`/api/captures/${id}/nodes/host-1/syscalls?source=strace-db`)).json()) as { name: string; calls: number }[];
    expect(strace).not.toEqual(db);
    expect((await request.get(`/api/captures/${id}/nodes/host-1/raw?source=strace`)).headers()['content-disposition']).toContain('host-1.strace.txt');
    await expectError(await request.get(`/api/captures/${id}/nodes/host-1/folded?source=nope`), 404, 'not_found');
    expect((await request.delete(`/api/captures/${id}/nodes/host-1/sources/strace-db`)).status()).toBe(204);
    await expectError(await request.get(`/api/captures/${id}/nodes/host-1/sources/strace-db`), 404, 'not_found');
    expect((await request.delete(`/api/captures/${id}/nodes/host-1`)).status()).toBe(204);
    expect(Capture.parse(await (await request.get(`/api/captures/${id}`)).json()).nodes).toEqual([]);
  });

  test('comparisons read the same kind on every host; a host without it is "no such source"', async ({ request }) => {
    const id = await createCapture(request);
    for (const n of ['a', 'b', 'c']) expect((await putNode(request, id, `node-${n}`, readFileSync(corpus(`real/cluster1/node-${n}.perf.txt`)))).status()).toBe(201);
    expect((await putNode(request, id, 'node-d', readFileSync(corpus('real/cluster1/node-d.strace.txt')))).status()).toBe(201);
    const ranking = (await (await request.get(`/api/captures/${id}/ranking`)).json()) as { kind: string; missing: string[]; ranking: { node: string }[] };
    expect(ranking.kind).toBe('perf');
    expect(ranking.missing).toEqual(['node-d']);
    expect(ranking.ranking.map((r) => r.node).sort()).toEqual(['node-a', 'node-b', 'node-c']);
    await expectError(await request.get(`/api/captures/${id}/diff?a=node-d&b=cluster`), 404, 'not_found');
    const strace = (await (await request.get(`/api/captures/${id}/ranking?kind=strace`)).json()) as { missing: string[]; ranking: unknown[] };
    expect([strace.missing, strace.ranking.length]).toEqual([['node-a', 'node-b', 'node-c'], 1]);
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
    expect(capture.nodes.map((n) => [n.name, n.sources.map((x) => x.samples)])).toEqual([['good', [3633]]]);
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
    expect(capture.nodes.map((n) => [n.name, n.sources.map((x) => x.samples)])).toEqual([['cut', [3633]]]);
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
    expect(SourceSummary.parse(await res.json()).samples).toBe(38 * 5779);
  });

  test('a second server on the same data folder refuses to start, and says why', async () => {
    await expect(startServer({ port: 3299, dataDir: E2E_DATA_DIR, keepData: true })).rejects.toThrow(/in use by another tracefleet server \(pid \d+\)/);
  });

  test('a share link still works after a server restart', async () => {
    test.setTimeout(120_000);
    // A server of its own, stopped and started again on the same data folder (one server per folder).
    const port = 3290 + Math.floor(Math.random() * 9);
    const dataDir = `.e2e-data-restart-${port}`;
    const first = await startServer({ port, dataDir });
    let id = '';
    try {
      id = CreateCaptureResponse.parse(await (await fetch(`${first.url}/api/captures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'restart me' }) })).json()).id;
      expect((await fetch(`${first.url}/api/captures/${id}/nodes/node-a`, { method: 'PUT', body: new Uint8Array(readFileSync(CLUSTER1[0] as string)) })).status).toBe(201);
    } finally {
      await first.stop();
    }
    const second = await startServer({ port, dataDir, keepData: true });
    try {
      const capture = Capture.parse(await (await fetch(`${second.url}/api/captures/${id}`)).json());
      expect(capture.name).toBe('restart me');
      const page = await fetch(`${second.url}/c/${id}?v=1&q=gzip`);
      expect(page.status).toBe(200);
      const folded = await (await fetch(`${second.url}/api/captures/${id}/nodes/node-a/folded`)).text();
      expect(lines(folded)).toEqual(lines(text(corpus('real/cluster1/node-a.perf.folded'))));
    } finally {
      await second.stop();
    }
  });
});
