import { gunzipSync } from 'node:zlib';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { Profile as PprofProfile } from 'pprof-format';
import { corpus, uploadByDrop } from './helpers';

const FILES = [corpus('real/cluster1/node-a.strace.txt'), corpus('real/cluster1/node-b.ftrace.txt'), corpus('real/cluster1/node-c.tp.perf.txt')];

/** Drags across a box, from fractions (fx0, fy0) to (fx1, fy1) of it. */
async function drag(page: Page, target: Locator, fx0: number, fy0: number, fx1: number, fy1: number) {
  const box = await target.boundingBox();
  if (!box) throw new Error('no box');
  await page.mouse.move(box.x + box.width * fx0, box.y + box.height * fy0);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * ((fx0 + fx1) / 2), box.y + box.height * ((fy0 + fy1) / 2), { steps: 4 });
  await page.mouse.move(box.x + box.width * fx1, box.y + box.height * fy1, { steps: 4 });
  await page.mouse.up();
}

test('strace, ftrace and perf tracepoints: syscall heatmap, brushed timeline, subsecond selection, shared link', async ({ page, browser }) => {
  await uploadByDrop(page, FILES);

  // The cluster syscall heatmap has all three nodes, each with calls.
  await page.getByTestId('tab-syscalls').click();
  const matrix = page.getByTestId('cluster-syscalls');
  for (const n of ['node-a', 'node-b', 'node-c']) {
    await expect(matrix.locator('th', { hasText: n })).toHaveCount(1);
    await expect(matrix.locator(`[data-testid=syscall-cell][data-node="${n}"][data-syscall="read"]`)).not.toHaveText('');
  }

  // Click-through: read on node-c opens its timeline.
  await matrix.locator('[data-testid=syscall-cell][data-node="node-c"][data-syscall="read"]').click();
  await expect(page).toHaveURL(/view=timeline/);
  await expect(page).toHaveURL(/node=node-c/);

  // Brushing node-c's timeline narrows its flame graph (once every row has drawn: rows grow as they load).
  await expect(page.locator('[data-testid=timeline-row][data-loaded=no]')).toHaveCount(0);
  await expect(page.locator('[data-testid=timeline-row][data-loaded=yes]')).toHaveCount(3);
  // Drawn on canvas: every row painted its CPU lanes, and the DOM holds only the brushes' rectangles.
  const busyCells = await page.getByTestId('timeline-canvas').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-busy'))));
  expect(busyCells).toHaveLength(3);
  expect(busyCells.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2); // the strace row has no CPU lanes
  expect(await page.locator('[data-testid=cluster-timeline] rect').count()).toBeLessThanOrEqual(3 * 6);
  const total = Number(await page.locator('[data-testid=timeline-row][data-node="node-c"]').getAttribute('data-records'));
  const plot = page.locator('[data-testid=timeline-row][data-node="node-c"] svg').last();
  await drag(page, plot, 0.05, 0.3, 0.3, 0.3);
  await expect(page).toHaveURL(/t\.node-c=\d+-\d+/);
  const inRange = Number(await page.getByTestId('flame-samples').innerText());
  expect(inRange).toBeGreaterThan(0);
  expect(inRange).toBeLessThan(total);
  // The card's pprof export is of the brushed range: exactly the samples shown.
  const pprofHref = await page.getByTestId('exports').getByRole('link', { name: 'pprof' }).getAttribute('href');
  const pprof = PprofProfile.decode(gunzipSync(await (await page.request.get(pprofHref as string)).body()));
  expect(pprof.sample.reduce((n, s) => n + Number(s.value[0]), 0)).toBe(inRange);

  // The link restores the brushed view in a fresh context.
  const link = page.url();
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await expect(other.getByTestId('timeline-range')).toBeVisible();
  await expect(other.getByTestId('flame-samples')).toHaveText(String(inRange));
  await fresh.close();

  // Subsecond heatmap: the flame graph of a selection holds exactly the selected samples.
  await page.getByRole('button', { name: 'clear time range' }).click();
  await expect(page).not.toHaveURL(/t\.node-c=/);
  await drag(page, page.getByTestId('subsecond').locator('svg'), 0.05, 0.05, 0.6, 0.7);
  await expect(page).toHaveURL(/hm\.node-c=/);
  const selected = await page.getByTestId('heatmap-selected').innerText();
  expect(Number(selected)).toBeGreaterThan(0);
  await expect(page.getByTestId('flame-samples')).toHaveText(selected);
});
