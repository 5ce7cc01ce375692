import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../../tests/corpus';
import { parseCapture } from '../parse';
import { isPublicAddress, openUrl } from './fetch-url';

describe('fetching captures from URLs', () => {
  const gz = gzipSync(readFileSync(path.join(CORPUS, 'real/cluster1/node-c.perf.txt')));
  let server: http.Server;
  let base = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/hop') return void res.writeHead(302, { location: '/captures/node-c.perf.txt.gz' }).end();
      if (req.url === '/bad-hop') return void res.writeHead(302, { location: 'http://[::1' }).end();
      if (req.url === '/secret') return void res.writeHead(500).end('internal stack trace at 10.0.0.7');
      if (req.url === '/100%25%zz.perf.txt.gz') return void res.writeHead(200).end(gz);
      if (req.url === '/huge') return void res.writeHead(200, { 'content-length': String(10 ** 12) }).end();
      if (req.url === '/captures/node-c.perf.txt.gz') return void res.writeHead(200).end(gz);
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('streams a capture through redirects into the parser', async () => {
    const { body, name } = await openUrl(`${base}/hop`, true);
    expect(name).toBe('node-c.perf.txt.gz');
    const r = await parseCapture(body, { file: name });
    expect(r.profile.samples.length).toBe(3633);
    expect(r.stats.gzip).toBe(true);
  });

  it('refuses private and local addresses unless allowed, and reports HTTP errors', async () => {
    await expect(openUrl(`${base}/hop`, false)).rejects.toMatchObject({ status: 403, code: 'fetch_forbidden' });
    await expect(openUrl(`http://localhost:${base.split(':')[2]}/x`, false)).rejects.toMatchObject({ status: 403 });
    await expect(openUrl(`${base}/missing`, true)).rejects.toMatchObject({ status: 422, code: 'fetch_failed' });
    await expect(openUrl('ftp://example.com/x', true)).rejects.toMatchObject({ status: 400 });
  });

  it('fails on malformed redirects and odd names with a 4xx, saying nothing of the upstream server', async () => {
    await expect(openUrl(`${base}/bad-hop`, true)).rejects.toMatchObject({ status: 422, code: 'fetch_failed', message: 'could not fetch the capture: the server redirected to a malformed URL' });
    const secret = openUrl(`${base}/secret`, true);
    await expect(secret).rejects.toMatchObject({ status: 422, message: 'could not fetch the capture: the server did not send the file' });
    await expect(openUrl('http://no-such-host.invalid/x', true)).rejects.toMatchObject({ status: 422, message: 'could not fetch the capture: the host name does not resolve' });
    await expect(openUrl('http://127.0.0.1:1/x', true)).rejects.toMatchObject({ status: 422, message: 'could not fetch the capture: the connection failed' });
    await expect(openUrl('http://10.1.2.3/x', false)).rejects.toMatchObject({ status: 403, message: expect.not.stringContaining('10.1.2.3') });
    const { body, name } = await openUrl(`${base}/100%25%zz.perf.txt.gz`, true);
    body.destroy();
    expect(name).toBe('100%25%zz.perf.txt.gz');
    await expect(openUrl(`${base}/huge`, true, { maxBytes: 1000 })).rejects.toMatchObject({ status: 413 });
  });

  it('stops when the client goes away', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(openUrl(`${base}/hop`, true, { signal: controller.signal })).rejects.toMatchObject({ status: 400, code: 'aborted' });
  });

  it('tells public from private addresses, refusing every IPv6 form that embeds an IPv4 address', () => {
    const bracketed = new URL('http://[::127.0.0.1]/').hostname.replace(/^\[|\]$/g, '');
    expect(bracketed).toBe('::7f00:1');
    for (const a of ['127.0.0.1', '10.1.2.3', '192.168.0.1', '172.16.5.4', '169.254.169.254', '::1', 'fc00::1', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0', '100.64.0.1', bracketed, '64:ff9b::7f00:1', '2002:7f00:1::1', '2001::1', '2001:db8::1', '192.0.2.1', '255.255.255.255', 'not an address'])
      expect(isPublicAddress(a), a).toBe(false);
    for (const a of ['8.8.8.8', '2001:4860:4860::8888', '::ffff:1.1.1.1']) expect(isPublicAddress(a), a).toBe(true);
  });
});
