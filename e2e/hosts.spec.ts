import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { Capture } from '../lib/api/schemas';
import { corpus, createCapture, dropFiles, putNode } from './helpers';

const KINDS = ['perf', 'tp.perf', 'ftrace', 'strace'];

test('the cluster1 files of four hosts dropped at once land on four hosts, a source per file', async ({ page, request }) => {
  const files = ['a', 'b', 'c', 'd'].flatMap((n) => KINDS.map((k) => corpus(`real/cluster1/node-${n}.${k}.txt`)));
  await page.goto('/');
  await dropFiles(page, '[data-testid=drop-zone]', files);
  await expect(page.getByTestId('upload-row')).toHaveCount(16);
  // The mapping is shown, and editable, before anything is sent.
  await expect(page.getByTestId('host-summary')).toContainText('4 hosts');
  for (const n of ['a', 'b', 'c', 'd']) {
    await expect(page.getByLabel(`host for node-${n}.strace.txt`)).toHaveValue(`cluster1-node-${n}`);
    await expect(page.getByLabel(`source for node-${n}.tp.perf.txt`)).toHaveValue('perf-tracepoints');
  }
  await page.getByTestId('upload-button').click();
  await page.waitForURL(/\/c\/[A-Za-z0-9_-]{22}/);
  const id = new URL(page.url()).pathname.split('/').pop() as string;
  // The capture opens when its first host is ready; the others arrive while it shows.
  await expect
    .poll(async () => Capture.parse(await (await request.get(`/api/captures/${id}`)).json()).nodes.map((n) => `${n.name}: ${n.sources.map((s) => s.name).join(',')}`), { timeout: 30_000 })
    .toEqual(['a', 'b', 'c', 'd'].map((n) => `cluster1-node-${n}: ftrace,perf,perf-tracepoints,strace`));
  // The flame graphs read every host's CPU profile; the timeline has a lane per source.
  await expect(page.getByTestId('node-card')).toHaveCount(4);
  await expect(page.locator('[data-testid=node-card][data-node="cluster1-node-d"] g.frame').first()).toBeVisible();
  await page.getByTestId('tab-timeline').click();
  await expect(page.locator('[data-testid=timeline-host][data-node="cluster1-node-a"] [data-testid=timeline-row]')).toHaveCount(4);
});

test('the capture page shows a host arriving while curl streams into it', async ({ page, request, baseURL }) => {
  const id = await createCapture(request, 'live');
  expect((await putNode(request, id, 'first', readFileSync(corpus('real/cluster1/node-a.perf.txt')))).status()).toBe(201);
  await page.goto(`/c/${id}`);
  await expect(page.getByTestId('node-card')).toHaveCount(1);

  // curl reads the capture from a pipe we feed slowly: the page sees it receiving, then ready.
  const body = readFileSync(corpus('real/cluster1/node-c.perf.txt'));
  const curl = spawn('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-T', '-', '-X', 'PUT', `${baseURL}/api/captures/${id}/nodes/streamed`], { stdio: ['pipe', 'pipe', 'inherit'] });
  let status = '';
  curl.stdout.on('data', (d: Buffer) => (status += d.toString()));
  const done = new Promise<void>((resolve) => curl.on('close', () => resolve()));
  curl.stdin.write(body.subarray(0, 300_000));
  const arrival = page.locator('[data-testid=arrival][data-node="streamed"]');
  await expect(arrival).toHaveAttribute('data-state', 'receiving');
  await expect(arrival).toContainText(/receiving \d/);
  // Nothing shows as a host before the upload is complete.
  await expect(page.getByTestId('node-card')).toHaveCount(1);
  curl.stdin.end(body.subarray(300_000));
  await done;
  expect(status).toBe('201');
  await expect(arrival).toHaveAttribute('data-state', 'ready');
  await expect(page.locator('[data-testid=node-card][data-node="streamed"] g.frame').first()).toBeVisible();
  await expect(page.getByTestId('node-card')).toHaveCount(2);

  // A failed upload says why, live.
  const bad = await request.put(`/api/captures/${id}/nodes/broken`, { data: Buffer.from('{"not": "a capture"}\n') });
  expect(bad.status()).toBe(415);
  await expect(page.locator('[data-testid=arrival][data-node="broken"]')).toContainText('failed: ');
});
