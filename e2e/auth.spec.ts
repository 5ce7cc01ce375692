import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { endpoints, endpointPath, type Endpoint } from '../lib/api/endpoints';
import { CreateCaptureResponse, ErrorBody, UploadToken } from '../lib/api/schemas';
import { CLUSTER1, startServer } from './helpers';

const SERVER_TOKEN = 'e2e-server-token-0123456789abcdef';
const JSON_TYPE = { 'content-type': 'application/json' };

type Server = Awaited<ReturnType<typeof startServer>>;

/** A request to an endpoint of the table, with a body that passes its validation. */
async function call(server: Server, endpoint: Endpoint, params: Record<string, string>, token?: string): Promise<Response> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  headers['content-type'] = endpoint.body === 'stream' ? 'application/octet-stream' : 'application/json';
  let body: BodyInit | undefined;
  if (endpoint.body === 'stream') body = readFileSync(CLUSTER1[2] as string);
  else if (endpoint.body === endpoints.renameCapture.body) body = JSON.stringify({ name: 'renamed' });
  else if (endpoint.body === endpoints.fetchNode.body) body = JSON.stringify({ url: 'http://127.0.0.1:1/x' });
  else if (endpoint.body) body = '{}';
  const query = endpoint === endpoints.merged ? '?merge=all' : endpoint === endpoints.heatmap ? '?kind=syscalls' : endpoint === endpoints.diff ? '?a=n&b=cluster' : '';
  return fetch(`${server.url}${endpointPath(endpoint, params as never)}${query}`, { method: endpoint.method, headers, body });
}

async function create(server: Server, name: string): Promise<{ id: string; uploadToken: { id: string; token: string } }> {
  const res = await fetch(`${server.url}/api/captures`, { method: 'POST', headers: { authorization: `Bearer ${SERVER_TOKEN}` }, body: JSON.stringify({ name }) });
  expect(res.status).toBe(201);
  return CreateCaptureResponse.parse(await res.json());
}

async function errorCode(res: Response): Promise<string> {
  return ErrorBody.parse(await res.json()).error.code;
}

/** Whether the server refused the caller (as opposed to answering, or failing for another reason). */
async function denied(res: Response): Promise<boolean> {
  if (res.status !== 401 && res.status !== 403) {
    await res.body?.cancel();
    return false;
  }
  return ['unauthorized', 'forbidden'].includes(await errorCode(res));
}

test.describe('with TRACEFLEET_TOKEN set', () => {
  let server: Server;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    server = await startServer({ port: 3281, dataDir: '.e2e-data-auth', env: { TRACEFLEET_TOKEN: SERVER_TOKEN } });
  });
  test.afterAll(() => server?.stop());

  test('every route: writes need a token, reads stay open to whoever has the link', async () => {
    const mine = await create(server, 'mine');
    const other = await create(server, 'other');
    const put = await fetch(`${server.url}/api/captures/${mine.id}/nodes/n/sources/s`, { method: 'PUT', headers: { authorization: `Bearer ${mine.uploadToken.token}` }, body: readFileSync(CLUSTER1[2] as string) });
    expect(put.status).toBe(201);

    // The capture list is tested below (open with ?ids=, else the server's token).
    const all = (Object.entries(endpoints) as [string, Endpoint][]).filter(([, e]) => e !== endpoints.listCaptures);
    for (const [name, endpoint] of all) {
      // Parameters naming things that exist, so that an allowed call does not fail for another reason.
      const params = { id: mine.id, node: 'n', source: 's', token: mine.uploadToken.id };
      const anonymous = await call(server, endpoint, params);
      if (endpoint.access === 'open') {
        expect(await denied(anonymous), `${name} is open`).toBe(false);
        continue;
      }
      expect(anonymous.status, `${name} without a token`).toBe(401);
      expect(await errorCode(anonymous)).toBe('unauthorized');
      const wrong = await call(server, endpoint, params, 'tfc.nope.nope');
      expect(wrong.status, `${name} with a token that is not one`).toBe(401);
      // Another capture's upload token: refused (403) on this capture's writes and on server-only routes.
      const foreign = await call(server, endpoint, params, other.uploadToken.token);
      expect(foreign.status, `${name} with another capture's token`).toBe(403);
      expect(await errorCode(foreign)).toBe('forbidden');
    }

    // The capture's own upload token writes to it, and only to it.
    const scoped = mine.uploadToken.token;
    for (const [name, endpoint] of all.filter(([, e]) => e.access === 'capture' && e !== endpoints.deleteCapture && e !== endpoints.revokeToken)) {
      const res = await call(server, endpoint, { id: mine.id, node: 'n', source: 's', token: 'x' }, scoped);
      expect(await denied(res), `${name} with the capture's own token`).toBe(false);
    }
    for (const endpoint of [endpoints.createCapture, endpoints.tokens, endpoints.newToken]) expect((await call(server, endpoint, { id: mine.id }, scoped)).status).toBe(403);
    // The capture list needs the server's token; a browser lists the captures it knows by id.
    expect((await fetch(`${server.url}/api/captures`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/captures`, { headers: { authorization: `Bearer ${scoped}` } })).status).toBe(403);
    const known = await (await fetch(`${server.url}/api/captures?ids=${mine.id}`)).json();
    expect(known.captures.map((c: { id: string }) => c.id)).toEqual([mine.id]);
    const everything = await (await fetch(`${server.url}/api/captures`, { headers: { authorization: `Bearer ${SERVER_TOKEN}` } })).json();
    expect(everything.captures.length).toBeGreaterThanOrEqual(2);
  });

  test('upload tokens are revocable and expire; the server token manages them; no token reaches the log', async () => {
    const c = await create(server, 'tokens');
    const url = `${server.url}/api/captures/${c.id}/nodes/n`;
    const putWith = (token: string) => fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: readFileSync(CLUSTER1[2] as string) });
    expect((await putWith(c.uploadToken.token)).status).toBe(201);

    const extra = UploadToken.parse(await (await fetch(`${server.url}/api/captures/${c.id}/tokens`, { method: 'POST', headers: { authorization: `Bearer ${SERVER_TOKEN}` }, body: JSON.stringify({ days: 0.00002 }) })).json());
    expect((await putWith(extra.token)).status).toBe(201);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await putWith(extra.token)).status).toBe(401);

    const revoke = await fetch(`${server.url}/api/captures/${c.id}/tokens/${c.uploadToken.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${c.uploadToken.token}` } });
    expect(revoke.status).toBe(204);
    expect((await putWith(c.uploadToken.token)).status).toBe(401);
    const list = await (await fetch(`${server.url}/api/captures/${c.id}/tokens`, { headers: { authorization: `Bearer ${SERVER_TOKEN}` } })).json();
    expect(list.tokens.map((t: { id: string; revoked: boolean }) => [t.id, t.revoked])).toEqual([
      [c.uploadToken.id, true],
      [extra.id, false],
    ]);
    expect(JSON.stringify(list)).not.toContain(c.uploadToken.token.split('.')[2]);
    // Reading stays open.
    expect((await fetch(`${server.url}/api/captures/${c.id}`)).status).toBe(200);
    const log = server.output();
    for (const secret of [SERVER_TOKEN, c.uploadToken.token, extra.token]) expect(log).not.toContain(secret);
  });

  test('rename and delete: a deleted capture answers 404 and its tokens stop working', async () => {
    const c = await create(server, 'short-lived');
    const auth = { authorization: `Bearer ${c.uploadToken.token}` };
    expect((await fetch(`${server.url}/api/captures/${c.id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ name: 'new name' }) })).status).toBe(200);
    expect((await (await fetch(`${server.url}/api/captures/${c.id}`)).json()).name).toBe('new name');
    expect((await fetch(`${server.url}/api/captures/${c.id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect((await fetch(`${server.url}/api/captures/${c.id}`)).status).toBe(404);
    expect((await fetch(`${server.url}/c/${c.id}`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/captures/${c.id}/nodes/n`, { method: 'PUT', headers: auth, body: 'x 1\n' })).status).toBe(401);
  });
});

test('without TRACEFLEET_TOKEN the server says at start-up that writes are open', async ({ request }) => {
  const res = await request.post('/api/captures', { data: { name: 'open' } });
  expect(res.status()).toBe(201);
  expect(UploadToken.safeParse((await res.json()).uploadToken).success).toBe(true);
  const open = await startServer({ port: 3282, dataDir: '.e2e-data-open' });
  try {
    expect(open.output()).toContain('writes are open');
  } finally {
    await open.stop();
  }
});

test('retention: a server started with TRACEFLEET_RETENTION_DAYS deletes the captures older than that', async () => {
  test.setTimeout(120_000);
  const dataDir = '.e2e-data-retention';
  const first = await startServer({ port: 3283, dataDir });
  let id = '';
  try {
    const created = await fetch(`${first.url}/api/captures`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ name: 'old' }) });
    id = CreateCaptureResponse.parse(await created.json()).id;
    expect((await fetch(`${first.url}/api/captures/${id}/nodes/n`, { method: 'PUT', body: readFileSync(CLUSTER1[2] as string) })).status).toBe(201);
  } finally {
    await first.stop();
  }
  await new Promise((r) => setTimeout(r, 2000));
  // 0.00001 days is under a second: the capture made two seconds ago is past it.
  const second = await startServer({ port: 3284, dataDir, keepData: true, env: { TRACEFLEET_RETENTION_DAYS: '0.00001' } });
  try {
    await expect.poll(async () => (await fetch(`${second.url}/api/captures/${id}`)).status).toBe(404);
    await expect.poll(() => second.output()).toContain('retention deleted 1 capture');
    const fresh = CreateCaptureResponse.parse(await (await fetch(`${second.url}/api/captures`, { method: 'POST', headers: JSON_TYPE, body: '{}' })).json());
    expect((await fetch(`${second.url}/api/captures/${fresh.id}`)).status).toBe(200);
  } finally {
    await second.stop();
  }
});

test('another site cannot write through the browser, nor reach an open server by another host name', async ({ request, baseURL }) => {
  // A cross-site form: text/plain (or form-encoded) body, the other site's Origin.
  const form = await request.post('/api/captures', { data: '{"name":"csrf"}', headers: { 'content-type': 'text/plain', origin: 'https://evil.example' } });
  expect(form.status()).toBe(403);
  expect((await form.json()).error.code).toBe('forbidden');
  const urlencoded = await request.post('/api/captures', { data: 'name=csrf', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(urlencoded.status()).toBe(403);
  const foreign = await request.post('/api/captures', { data: { name: 'x' }, headers: { origin: 'https://evil.example' } });
  expect(foreign.status()).toBe(403);
  // This site's own page may, and so may curl (no Origin) with a JSON body.
  const own = await request.post('/api/captures', { data: { name: 'ok' }, headers: { origin: baseURL as string } });
  expect(own.status()).toBe(201);
  // DNS rebinding: the same server reached as attacker.example is refused, pages and API alike.
  for (const path of ['/api/captures/AAAAAAAAAAAAAAAAAAAAAA', '/']) {
    const res = await request.get(path, { headers: { host: 'attacker.example:3210' } });
    expect(res.status(), path).toBe(403);
  }
  // Headers that keep answers from being sniffed or framed; exports download.
  const page = await request.get('/');
  expect(page.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(page.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(page.headers()['x-content-type-options']).toBe('nosniff');
  const api = await request.get('/api/captures?ids=');
  expect(api.headers()['x-content-type-options']).toBe('nosniff');
  expect(api.headers()['content-security-policy']).toContain("default-src 'none'");
});
