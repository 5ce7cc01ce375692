import { gzipSync } from 'node:zlib';
import { expect, test, type APIRequestContext, type APIResponse } from '@playwright/test';
import { Function as Fn, Line, Location, Mapping, Profile as PprofProfile, Sample, StringTable, ValueType } from 'pprof-format';
import { Capture, CaptureList, ErrorBody, IngestAnswer } from '../lib/api/schemas';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLUSTER1, createCapture, dropFiles, putNode, startServer } from './helpers';

const lines = (s: string) => s.split('\n').filter((l) => l.length > 0);
const OCTETS = { 'content-type': 'application/octet-stream' };

/** A push as Pyroscope's clients make it: the window, the app and its labels in the query. */
function push(request: APIRequestContext, query: Record<string, string>, data: Buffer | string): Promise<APIResponse> {
  return request.post(`/api/ingest?${new URLSearchParams(query)}`, { data: typeof data === 'string' ? Buffer.from(data) : data, headers: OCTETS });
}

async function expectError(res: APIResponse, status: number, code: string): Promise<string> {
  expect(res.status()).toBe(status);
  const body = ErrorBody.parse(await res.json());
  expect(body.error.code).toBe(code);
  return body.error.message;
}

/** A Go-like CPU profile of one binary: main.main → main.handle (30 ms), main.main → runtime.mallocgc (10 ms). */
function cpuProfile(): Buffer {
  const st = new StringTable();
  const s = (x: string) => st.dedup(x);
  const p = new PprofProfile({
    sampleType: [new ValueType({ type: s('samples'), unit: s('count') }), new ValueType({ type: s('cpu'), unit: s('nanoseconds') })],
    mapping: [new Mapping({ id: 1, filename: s('/srv/checkout') })],
    function: ['main.main', 'main.handle', 'runtime.mallocgc'].map((name, i) => new Fn({ id: i + 1, name: s(name) })),
    location: [1, 2, 3].map((id) => new Location({ id, mappingId: 1, line: [new Line({ functionId: id })] })),
    sample: [new Sample({ locationId: [2, 1], value: [3, 30_000_000] }), new Sample({ locationId: [3, 1], value: [1, 10_000_000] })],
    stringTable: st,
    timeNanos: 1_700_000_000_000_000_000n,
  });
  return gzipSync(p.encode());
}

test.describe('Pyroscope-compatible ingest', () => {
  test('repeated folded pushes build one growing profile per host of the app, over the span of every push', async ({ request }) => {
    const app = `e2e-shop-${Date.now()}.cpu`;
    const first = await push(request, { name: `${app}{node=web-1,env=test}`, from: '1700000000', until: '1700000010', spyName: 'gospy', sampleRate: '100', units: 'samples', aggregationType: 'sum' }, 'main;work 10\nmain;idle 5\n');
    expect(first.status()).toBe(200);
    const a = IngestAnswer.parse(await first.json());
    expect([a.node, a.source, a.stacks, a.skipped]).toEqual(['web-1', 'pyroscope', 2, 0]);

    const second = IngestAnswer.parse(await (await push(request, { name: `${app}{node=web-1}`, from: '1700000010', until: '1700000020' }, 'main;work 3\nmain;io;read 2\nnot folded\n')).json());
    expect(second.id).toBe(a.id);
    expect([second.stacks, second.skipped, second.startNs, second.endNs]).toEqual([3, 1, 1_700_000_000e9, 1_700_000_020e9]);
    const folded = await request.get(`/api/captures/${a.id}/nodes/web-1/folded`);
    expect(lines(await folded.text())).toEqual([`${app};main;idle 5`, `${app};main;io;read 2`, `${app};main;work 13`]);

    // Other hosts: the host label, else hostname, else `default`.
    expect((await push(request, { name: `${app}{hostname=web-2}` }, 'main;work 1\n')).status()).toBe(200);
    expect((await push(request, { name: app }, 'main;work 1\n')).status()).toBe(200);
    const capture = Capture.parse(await (await request.get(`/api/captures/${a.id}`)).json());
    expect(capture.name).toBe(app);
    expect(capture.nodes.map((n) => n.name)).toEqual(['default', 'web-1', 'web-2']);
    const source = capture.nodes.find((n) => n.name === 'web-1')?.sources[0];
    expect([source?.name, source?.kind, source?.format, source?.clock, source?.startNs, source?.endNs]).toEqual(['pyroscope', 'folded', 'folded', 'epoch', 1_700_000_000e9, 1_700_000_020e9]);
  });

  test('pprof pushes (gzip, raw body) add up like folded ones, named after their binary', async ({ request }) => {
    const app = `e2e-checkout-${Date.now()}.cpu`;
    const query = { name: `${app}{instance=pod-7}`, format: 'pprof', from: '1700000000', until: '1700000010' };
    const first = IngestAnswer.parse(await (await push(request, query, cpuProfile())).json());
    expect(first.node).toBe('pod-7');
    expect((await push(request, { ...query, from: '1700000010', until: '1700000020' }, cpuProfile())).status()).toBe(200);
    const folded = await request.get(`/api/captures/${first.id}/nodes/pod-7/folded`);
    expect(lines(await folded.text())).toEqual(['checkout;main.main;main.handle 60000000', 'checkout;main.main;runtime.mallocgc 20000000']);
  });

  test('bad pushes are 4xx JSON errors, and change nothing', async ({ request }) => {
    const app = `e2e-bad-${Date.now()}`;
    expect(await expectError(await push(request, {}, 'a;b 1\n'), 400, 'bad_request')).toContain('query.name');
    await expectError(await push(request, { name: `${app}{node}` }, 'a;b 1\n'), 400, 'bad_request');
    await expectError(await push(request, { name: `${app}{node=not a host}` }, 'a;b 1\n'), 400, 'invalid_node_name');
    await expectError(await push(request, { name: app, format: 'jfr' }, 'x'), 400, 'bad_request');
    await expectError(await push(request, { name: app, from: '20', until: '10' }, 'a;b 1\n'), 400, 'bad_request');
    expect(await expectError(await push(request, { name: app }, cpuProfile()), 400, 'bad_request')).toContain('format=pprof');
    await expectError(await push(request, { name: app, format: 'pprof' }, Buffer.from([0, 1, 2, 3, 0xff, 0xfe])), 415, 'unknown_format');
    // A multipart form is what a web page can send: without a token it is refused.
    const form = await request.post(`/api/ingest?name=${app}&format=pprof`, { multipart: { profile: { name: 'profile.pprof', mimeType: 'application/octet-stream', buffer: cpuProfile() } } });
    await expectError(form, 403, 'forbidden');
    // None of them made the app's capture.
    const list = CaptureList.parse(await (await request.get('/api/captures?limit=200')).json());
    expect(list.captures.map((c) => c.name)).not.toContain(app);
  });
});

test('with TRACEFLEET_TOKEN, pushes need the server token, and a multipart pprof is read from its profile field', async () => {
  test.setTimeout(120_000);
  const token = 'e2e-ingest-token-0123456789abcdef';
  const server = await startServer({ port: 3291, dataDir: '.e2e-data-ingest', env: { TRACEFLEET_TOKEN: token } });
  try {
    const url = `${server.url}/api/ingest?name=tokened.cpu%7Bnode%3Dh1%7D&format=pprof`;
    const form = () => {
      const f = new FormData();
      f.set('profile', new Blob([new Uint8Array(cpuProfile())]), 'profile.pprof');
      return f;
    };
    // Without the token: a form is refused as a possible forgery, a raw body as unauthorised.
    expect((await fetch(url, { method: 'POST', body: form() })).status).toBe(403);
    expect((await fetch(url, { method: 'POST', body: new Uint8Array(cpuProfile()), headers: OCTETS })).status).toBe(401);
    const res = await fetch(url, { method: 'POST', body: form(), headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const answer = IngestAnswer.parse(await res.json());
    const folded = await fetch(`${server.url}/api/captures/${answer.id}/nodes/h1/folded`);
    expect(lines(await folded.text())).toEqual(['checkout;main.main;main.handle 30000000', 'checkout;main.main;runtime.mallocgc 10000000']);
  } finally {
    await server.stop();
  }
});

test('pprof and speedscope files dropped on the start page become hosts; time views say a pprof has no times', async ({ page, request }) => {
  // Files other tools wrote: a Go-like pprof, and the speedscope export of a cluster1 host.
  const donor = await createCapture(request, 'donor');
  expect((await putNode(request, donor, 'node-d', readFileSync(CLUSTER1[3] as string))).status()).toBe(201);
  const speedscope = await (await request.get(`/api/captures/${donor}/nodes/node-d/export?format=speedscope`)).body();
  const dir = mkdtempSync(path.join(tmpdir(), 'tracefleet-drop-'));
  const files = [path.join(dir, 'checkout.pb.gz'), path.join(dir, 'node-d.speedscope.json')];
  writeFileSync(files[0] as string, cpuProfile());
  writeFileSync(files[1] as string, speedscope);
  await page.goto('/');
  await dropFiles(page, '[data-testid=drop-zone]', files);
  await expect(page.getByTestId('upload-row')).toHaveCount(2);
  await page.getByTestId('upload-button').click();
  await page.waitForURL(/\/c\/[A-Za-z0-9_-]{22}/);
  const id = new URL(page.url()).pathname.split('/').pop() as string;
  await expect.poll(async () => Capture.parse(await (await request.get(`/api/captures/${id}`)).json()).nodes.flatMap((n) => n.sources.map((x) => x.format)).sort()).toEqual(['pprof', 'speedscope']);
  const capture = Capture.parse(await (await request.get(`/api/captures/${id}`)).json());
  const host = (format: string) => capture.nodes.find((n) => n.sources.some((x) => x.format === format))?.name as string;
  // The speedscope file gives back node-d's folded lines.
  const back = await (await request.get(`/api/captures/${id}/nodes/${host('speedscope')}/folded`)).text();
  expect(back).toBe(await (await request.get(`/api/captures/${donor}/nodes/node-d/folded`)).text());
  await expect(page.locator(`[data-testid=node-card][data-node="${host('pprof')}"] g.frame[name="main.handle"]`).first()).toBeAttached();
  await page.goto(`/c/${id}?view=timeline&node=${host('pprof')}`);
  await expect(page.getByTestId('untimed-note')).toContainText('no time per sample');
});
