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

  it('tells public from private addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '192.168.0.1', '172.16.5.4', '169.254.169.254', '::1', 'fc00::1', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0', '100.64.0.1'])
      expect(isPublicAddress(a), a).toBe(false);
    for (const a of ['8.8.8.8', '2001:4860:4860::8888', '::ffff:1.1.1.1']) expect(isPublicAddress(a), a).toBe(true);
  });
});
