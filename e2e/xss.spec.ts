import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { createCapture, putNode } from './helpers';

const EVIL = '<img src=x onerror=alert(1)>';

test('function names from captures render as text, never as HTML', async ({ page, request }) => {
  const id = await createCapture(request, `<script>alert("name")</script>`);
  // Folded stacks keep names verbatim; the perf script record gets Perl's tidy-up (cut at "(").
  expect((await putNode(request, id, 'folded', `app;main;${EVIL} 10\napp;main;ok 5\n`)).status()).toBe(201);
  const perf = `<b>evil</b> 42 [000] 1.000000: 1000 cycles:\n\tffff ${EVIL} (/bin/<svg onload=alert(2)>)\n\t1234 main (/bin/app)\n\n`;
  expect((await putNode(request, id, 'perf', perf)).status()).toBe(201);

  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  // The flame cards show one kind of source: the folded host with src=folded, the perf one by default.
  await page.goto(`/c/${id}?v=1&src=folded&q=${encodeURIComponent('<img')}`);
  const graph = page.locator('[data-testid=node-card][data-node="folded"]');
  const frame = graph.locator(`g.frame[name="${EVIL}"]`);
  await expect(frame).toHaveCount(1);
  await frame.hover();
  await expect(page.getByTestId('flame-tooltip')).toContainText(EVIL);
  await expect(page.getByTestId('capture-name')).toHaveText('<script>alert("name")</script>');
  await page.goto(`/c/${id}?v=1`);
  await expect(page.locator('[data-node="perf"] g.frame[name="<b>evil</b>"]')).toHaveCount(1);
  await expect(page.locator('[data-node="folded"] [data-testid=no-source]')).toContainText('No perf source');
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => document.querySelectorAll('img[src="x"], svg[onload], b').length)).toBe(0);
  expect(dialogs).toEqual([]);

  // The SVG export opened on its own: the names stay text, and its Search (a prompt) highlights and measures.
  const svgRes = await request.get(`/api/captures/${id}/nodes/folded/export?format=svg`);
  expect(svgRes.headers()['content-type']).toBe('image/svg+xml');
  const file = path.join(test.info().outputDir, 'folded.svg');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, await svgRes.body());
  page.removeAllListeners('dialog');
  const prompts: string[] = [];
  page.on('dialog', (d) => {
    prompts.push(d.type());
    void (d.type() === 'prompt' ? d.accept('^main$') : d.dismiss());
  });
  await page.goto(pathToFileURL(file).href);
  await expect(page.locator('g.f title', { hasText: EVIL })).toHaveCount(1);
  expect(await page.evaluate(() => document.querySelectorAll('img, [onerror], [onload]').length)).toBe(0);
  await page.locator('#search').click();
  await expect(page.locator('#matched')).toHaveText('Matched: 100.0%');
  expect(prompts).toEqual(['prompt']);
});
