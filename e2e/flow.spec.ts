import { expect, test, type Locator, type Page } from '@playwright/test';
import { CLUSTER1, dropFiles } from './helpers';

const card = (page: Page, node: string): Locator => page.locator(`[data-testid=node-card][data-node="${node}"]`);

test('drop four perf dumps, search, zoom, and share the exact view', async ({ page, browser, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/');
  await dropFiles(page, '[data-testid=drop-zone]', CLUSTER1);

  // One row per file, its host named after the `# hostname :` header, its source after its kind.
  const rows = page.getByTestId('upload-row');
  await expect(rows).toHaveCount(4);
  for (const n of ['a', 'b', 'c', 'd']) {
    await expect(page.getByLabel(`host for node-${n}.perf.txt`)).toHaveValue(`cluster1-node-${n}`);
    await expect(page.getByLabel(`source for node-${n}.perf.txt`)).toHaveValue('perf');
  }
  await page.getByTestId('upload-button').click();
  // Each file goes through sending → parsing → done; the page then opens the capture.
  await page.waitForURL(/\/c\/[A-Za-z0-9_-]{22}/);

  const nodes = ['cluster1-node-a', 'cluster1-node-b', 'cluster1-node-c', 'cluster1-node-d'];
  await expect(page.getByTestId('node-card')).toHaveCount(4);
  for (const n of nodes) await expect(card(page, n).locator('g.frame').first()).toBeVisible();

  // Search once: every graph highlights its matches and shows the matched share.
  await page.getByTestId('search').fill('gzip');
  await expect(page).toHaveURL(/q=gzip/);
  await expect(card(page, 'cluster1-node-a').getByTestId('match')).toHaveText(/^[1-9][\d.]*% matched$/);
  await expect(card(page, 'cluster1-node-d').getByTestId('match')).toHaveText(/^[1-9][\d.]*% matched$/);
  await expect(card(page, 'cluster1-node-c').getByTestId('match')).toHaveText('0.00% matched');
  await expect.poll(() => card(page, 'cluster1-node-a').locator('rect[fill="rgb(230, 0, 230)"], rect[fill="rgb(230,0,230)"]').count()).toBeGreaterThan(0);

  // A /regex/ (RE2 syntax, linear time): only node-d runs the hot spot; an invalid one says why.
  await page.getByTestId('search').fill('/^hotspot-(filter|x)$/');
  await expect(card(page, 'cluster1-node-d').getByTestId('match')).toHaveText(/^[1-9][\d.]*% matched$/);
  await expect(card(page, 'cluster1-node-a').getByTestId('match')).toHaveText('0.00% matched');
  await page.getByTestId('search').fill('/(hotspot/');
  await expect(card(page, 'cluster1-node-d').locator('.error')).toContainText('not a valid regular expression');
  await page.getByTestId('search').fill('gzip');
  await expect(card(page, 'cluster1-node-c').getByTestId('match')).toHaveText('0.00% matched');

  // Flame (root at the bottom) or icicle (root at the top), kept in the link.
  const rootBelowChildren = () =>
    card(page, 'cluster1-node-a').evaluate((el) => {
      const y = (g: Element | null) => Number(/translate\([^,]+,\s*([-\d.]+)\)/.exec(g?.getAttribute('transform') ?? '')?.[1] ?? NaN);
      const frames = [...el.querySelectorAll('g.frame')];
      const root = frames.find((g) => g.getAttribute('name') === 'all') ?? null;
      return frames.filter((g) => g !== root).every((g) => y(g) < y(root));
    });
  expect(await rootBelowChildren()).toBe(false);
  await page.getByTestId('orientation-select').selectOption('flame');
  await expect(page).toHaveURL(/or=flame/);
  await expect.poll(rootBelowChildren).toBe(true);
  await page.getByTestId('orientation-select').selectOption('icicle');
  await expect.poll(rootBelowChildren).toBe(false);

  // Zoom into node-d's hot spot.
  const nodeD = card(page, 'cluster1-node-d');
  await nodeD.locator('g.frame[name="hotspot-filter"]').first().click();
  await expect(page).toHaveURL(/z\.cluster1-node-d=hotspot-filter/);
  await expect(page).toHaveURL(/node=cluster1-node-d/);
  await expect(nodeD.getByTestId('zoom-path')).toHaveText('hotspot-filter');
  await expect.poll(() => frameWidthShare(nodeD, 'hotspot-filter')).toBeGreaterThan(0.99);

  // The tooltip says what a frame is, as text.
  await nodeD.locator('g.frame[name="verify_and_forward"]').first().hover();
  await expect(page.getByTestId('flame-tooltip')).toContainText('verify_and_forward');
  await expect(page.getByTestId('flame-tooltip')).toContainText('of total');

  // The README's picture: regenerated on request only, so a test run leaves the checkout clean.
  await page.screenshot({ path: process.env.UPDATE_SCREENSHOT === '1' ? 'docs/screenshot.png' : test.info().outputPath('capture.png') });

  await page.getByTestId('copy-link').click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(page.url());

  // A teammate opens the link in a fresh browser context: same node, zoom and search.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await expect(other.getByTestId('search')).toHaveValue('gzip');
  const otherD = card(other, 'cluster1-node-d');
  await expect(otherD).toHaveClass(/selected/);
  await expect(otherD.getByTestId('zoom-path')).toHaveText('hotspot-filter');
  await expect.poll(() => frameWidthShare(otherD, 'hotspot-filter')).toBeGreaterThan(0.99);
  await expect(card(other, 'cluster1-node-a').getByTestId('match')).toHaveText(await card(page, 'cluster1-node-a').getByTestId('match').innerText());
  await fresh.close();
});

/** Width of a frame's rectangle as a share of its graph's width (1 when zoomed to it). */
async function frameWidthShare(scope: Locator, name: string): Promise<number> {
  return scope.evaluate((el, frameName) => {
    const svg = el.querySelector('svg.d3-flame-graph');
    const rect = el.querySelector(`g.frame[name="${frameName}"] rect`);
    if (!svg || !rect) return 0;
    return Number(rect.getAttribute('width')) / Number(svg.getAttribute('width'));
  }, name);
}
