import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Profile as PprofProfile } from 'pprof-format';
import { FlameTree, Ranking } from '../lib/api/schemas';
import { CLUSTER1, createCapture, putNode } from './helpers';

const NODES = ['node-a', 'node-b', 'node-c', 'node-d'];
const card = (page: Page, node: string) => page.locator(`[data-testid=node-card][data-node="${node}"]`);

async function cluster1(request: Parameters<typeof createCapture>[0]): Promise<string> {
  const id = await createCapture(request, 'analysis');
  for (const [i, file] of CLUSTER1.entries()) expect((await putNode(request, id, NODES[i] as string, readFileSync(file))).status()).toBe(201);
  return id;
}

test('transforms, sandwich, exports and the share link on cluster1', async ({ page, browser, request }) => {
  const id = await cluster1(request);
  await page.goto(`/c/${id}`);
  await expect(card(page, 'node-a').locator('g.frame[name="swapper"]').first()).toBeAttached();

  // A stack of three transforms: without idle (one click), drop the cpuidle frames, collapse direct recursion.
  await page.getByTestId('transform-no-idle').click();
  await page.getByTestId('transform-op').selectOption('drop');
  await page.getByTestId('transform-arg').fill('/^(cpuidle|intel_idle)/');
  await page.getByTestId('transform-add').click();
  await page.getByTestId('transform-op').selectOption('rec');
  await page.getByTestId('transform-add').click();
  await expect(page.getByTestId('transform-chip')).toHaveCount(3);
  await expect(page.getByTestId('transform-chip').first()).toContainText('exclude /^swapper/');
  await expect(page).toHaveURL(/tf=excl/);
  // A bad pattern is refused where it is typed.
  await page.getByTestId('transform-op').selectOption('excl');
  await page.getByTestId('transform-arg').fill('/(/');
  await page.getByTestId('transform-add').click();
  await expect(page.getByTestId('transform-error')).toContainText('not a valid regular expression');
  await expect(page.getByTestId('transform-chip')).toHaveCount(3);
  // The idle task is gone from every card, and the graph's total is what the API says for the same transforms.
  await expect(card(page, 'node-a').locator('g.frame[name="swapper"]')).toHaveCount(0);
  const tf = new URL(page.url()).searchParams.get('tf') as string;
  const api = FlameTree.parse(await (await request.get(`/api/captures/${id}/nodes/node-a/flamegraph?tf=${encodeURIComponent(tf)}`)).json());
  const whole = FlameTree.parse(await (await request.get(`/api/captures/${id}/nodes/node-a/flamegraph`)).json());
  const swapper = whole.root.c?.find((c) => c.n === 'swapper')?.v ?? 0;
  expect(swapper).toBeGreaterThan(0);
  expect(api.total).toBe(whole.total - swapper);

  // Undo removes the last chip; the link follows.
  await page.getByTestId('transform-undo').click();
  await expect(page.getByTestId('transform-chip')).toHaveCount(2);
  await page.getByTestId('transform-op').selectOption('rec');
  await page.getByTestId('transform-arg').fill('');
  await page.getByTestId('transform-add').click();
  await expect(page.getByTestId('transform-chip')).toHaveCount(3);

  // The ranking reads the same transforms (without idle, each host's own workload sets it apart:
  // the order is the API's for the same transforms, not the one with idle), and says what differs.
  await page.getByTestId('tab-compare').click();
  const tf3 = new URL(page.url()).searchParams.get('tf') as string;
  const ranked = Ranking.parse(await (await request.get(`/api/captures/${id}/ranking?tf=${encodeURIComponent(tf3)}`)).json()).ranking.map((r) => r.node);
  const plain = Ranking.parse(await (await request.get(`/api/captures/${id}/ranking`)).json()).ranking.map((r) => r.node);
  expect(ranked).not.toEqual(plain);
  await expect(page.getByTestId('rank-row')).toHaveCount(4);
  expect(await page.getByTestId('rank-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-node')))).toEqual(ranked);
  await expect(page.getByTestId('compare-warnings')).toContainText('Durations are far apart');
  await page.getByTestId('compare-mode').selectOption('abs');
  await expect(page).toHaveURL(/ab=1/);
  await expect(page.getByText('Σ|a − m| / (Σa + Σm)')).toBeVisible();
  await page.getByTestId('compare-mode').selectOption('share');

  // The sandwich of mix_round on node-d, under the transforms.
  await page.getByTestId('tab-functions').click();
  await page.getByTestId('search').fill('mix_round');
  await page.getByTestId('function-row').first().getByRole('button', { name: 'mix_round.constprop.0', exact: true }).click();
  await page.getByTestId('sandwich-host').selectOption('node-d');
  await expect(page.getByTestId('sandwich-callers').locator('g.frame[name="hotspot-filter"]').first()).toBeAttached();
  await expect(page.getByTestId('sandwich-callees').locator('g.frame[name="mix_round.constprop.0"]')).toBeAttached();
  // The merged cluster's sandwich is one choice away.
  await page.getByTestId('sandwich-host').selectOption('cluster');
  await expect(page).toHaveURL(/fs=cluster/);
  await expect(page.getByTestId('sandwich-callers').locator('g.frame[name="hotspot-filter"]').first()).toBeAttached();
  await page.getByTestId('sandwich-host').selectOption('node-d');
  const link = page.url();

  // Exports of node-d's card carry the transforms: pprof totals equal the card's, the SVG has no idle task.
  await page.getByTestId('search').fill('');
  await page.getByTestId('tab-flame').click();
  const exports = card(page, 'node-d').getByTestId('exports');
  const pprofHref = (await exports.getByRole('link', { name: 'pprof' }).getAttribute('href')) as string;
  expect(pprofHref).toContain('tf=');
  const pprof = PprofProfile.decode(gunzipSync(await (await request.get(pprofHref)).body()));
  const d = FlameTree.parse(await (await request.get(`/api/captures/${id}/nodes/node-d/flamegraph?tf=${encodeURIComponent(new URL(page.url()).searchParams.get('tf') as string)}`)).json());
  expect(pprof.sample.reduce((n, s) => n + Number(s.value[0]), 0)).toBe(d.root.k);
  const svgHref = (await exports.getByRole('link', { name: 'svg' }).getAttribute('href')) as string;
  const svg = await (await request.get(svgHref)).text();
  expect(svg).toContain('mix_round.constprop.0');
  expect(svg).not.toMatch(/>swapper</);

  // The link restores chips and sandwich in a fresh browser.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await expect(other.getByTestId('transform-chip')).toHaveCount(3);
  await expect(other.getByTestId('sandwich-callers').locator('g.frame[name="hotspot-filter"]').first()).toBeAttached();
  await fresh.close();
});

test('time-ordered flame chart, keys, and a zoomed frame as a transform', async ({ page, request }) => {
  const id = await cluster1(request);
  await page.goto(`/c/${id}?node=node-d&view=timeline`);
  const chart = page.getByTestId('flame-chart-canvas');
  await expect(chart).toBeVisible();
  expect(Number(await chart.getAttribute('data-cells'))).toBeGreaterThan(10);
  // The busiest thread of node-d is the hotspot; another thread is one choice away, and in the link.
  await expect(page.getByTestId('chart-thread')).toContainText('hotspot-filter');
  await page.getByTestId('chart-thread').selectOption('all');
  await expect(page).toHaveURL(/ct=all/);
  await page.getByTestId('chart-thread').selectOption('');
  await expect.poll(async () => Number(await chart.getAttribute('data-cells'))).toBeGreaterThan(10);
  // A click on the first sample's root frame narrows the host's range to that frame's span.
  await chart.click({ position: { x: 2, y: 8 } });
  await expect(page).toHaveURL(/t\.node-d=\d+-\d+/);
  await expect(page.getByTestId('chart-reset')).toBeVisible();

  // Keys: / focuses the search, Esc leaves it, arrows move between hosts, Esc resets zooms.
  await page.getByTestId('tab-flame').click();
  await page.locator('body').press('/');
  await expect(page.getByTestId('search')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('search')).not.toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/node=node-a/);
  await page.keyboard.press('ArrowLeft');
  await expect(page).toHaveURL(/node=node-d/);
  await card(page, 'node-d').locator('g.frame[name="hotspot-filter"]').first().click();
  await expect(page).toHaveURL(/z\.node-d=hotspot-filter/);
  await page.keyboard.press('Escape');
  await expect(page).not.toHaveURL(/z\.node-d=/);
  // The zoomed frame offers itself as a transform: focus on it, and the hosts without it have nothing left.
  await card(page, 'node-d').locator('g.frame[name="hotspot-filter"]').first().click();
  await card(page, 'node-d').getByTestId('frame-focus').click();
  await expect(page.getByTestId('transform-chip')).toHaveCount(1);
  await expect(page.getByTestId('transform-chip')).toContainText('focus hotspot-filter');
  await expect(page).not.toHaveURL(/z\.node-d=/);
  await expect(card(page, 'node-a')).toContainText('No samples');
  await expect(card(page, 'node-d').locator('g.frame[name="hotspot-filter"]').first()).toBeAttached();

  // The page follows the OS's dark setting; frames keep their light fills and dark labels.
  const luminance = (rgb: string) => {
    const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(luminance(await bg())).toBeGreaterThan(200);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(async () => luminance(await bg())).toBeLessThan(40);
  const fill = (await card(page, 'node-d').locator('g.frame[name="hotspot-filter"] rect').first().getAttribute('fill')) as string;
  expect(fill).toMatch(/^hsl\(/);
  expect(Number(/, (\d+)%\)$/.exec(fill)?.[1])).toBeGreaterThan(50);
});
