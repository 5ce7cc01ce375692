import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { DiffTree, type DiffNode } from '../lib/api/schemas';
import { CLUSTER1, createCapture, putNode, uploadByDrop } from './helpers';

const card = (page: Page, node: string) => page.locator(`[data-testid=node-card][data-node="${node}"]`);
const NODES = ['cluster1-node-a', 'cluster1-node-b', 'cluster1-node-c', 'cluster1-node-d'];

/** Reddest frame named `name` in the differential graph: its fill's green channel (236 = neutral, lower = redder). */
async function greenOf(page: Page, name: string): Promise<number> {
  return page.locator('[data-testid=diff-graph]').evaluate((el, frame) => {
    const rects = [...el.querySelectorAll(`g.frame[name="${frame}"] rect`)];
    const greens = rects.map((r) => /rgb\((\d+), ?(\d+), ?(\d+)\)/.exec(r.getAttribute('fill') ?? '')).filter((m) => m && Number(m[1]) > Number(m[3])).map((m) => Number((m as RegExpExecArray)[2]));
    return greens.length ? Math.min(...greens) : 999;
  }, name);
}

test('compare the cluster: shared search, node-d vs the rest, and the link restores the view', async ({ page, browser }) => {
  await uploadByDrop(page, CLUSTER1);

  // Search once: every graph shows its matches.
  await page.getByTestId('search').fill('do_syscall_64');
  for (const n of NODES) await expect(card(page, n).getByTestId('match')).toHaveText(/^(?!0\.00%)[\d.]+% matched$/);

  // The odd one out, then node-d against the rest of the cluster.
  await page.getByTestId('tab-compare').click();
  const rows = page.getByTestId('rank-row');
  await expect(rows.first()).toHaveAttribute('data-node', 'cluster1-node-d');
  await expect(page.getByTestId('top-frames').locator('li').first()).toContainText('mix_round.constprop.0');
  await rows.first().getByRole('button', { name: 'cluster1-node-d' }).click();
  await expect(page).toHaveURL(/a=cluster1-node-d/);
  await expect(page.getByTestId('diff-a')).toHaveValue('cluster1-node-d');
  await expect(page.getByTestId('diff-b')).toHaveValue('cluster');
  // The hot spot is red (grew); idle is blue (shrank).
  await expect.poll(() => greenOf(page, 'mix_round.constprop.0')).toBeLessThan(120);
  await expect(page.getByTestId('diff-table').first()).toContainText('mix_round.constprop.0');

  // Share: a fresh browser opens the same comparison.
  await page.getByTestId('copy-link').click();
  const link = page.url();
  expect(link).toMatch(/view=compare/);
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await expect(other.getByTestId('diff-a')).toHaveValue('cluster1-node-d');
  await expect(other.getByTestId('search')).toHaveValue('do_syscall_64');
  await expect.poll(() => greenOf(other, 'mix_round.constprop.0')).toBeLessThan(120);
  await fresh.close();

  // The cluster's top functions: filtered by the search box, sortable; node-d's hot spot is its own.
  await page.getByTestId('tab-functions').click();
  await page.getByTestId('search').fill('mix_round');
  const fn = page.getByTestId('function-row');
  await expect(fn.first()).toContainText('mix_round.constprop.0');
  const shares = await fn.first().locator('td[title*="% self"]').evaluateAll((tds) => tds.map((td) => Number(/([\d.]+) % self/.exec(td.getAttribute('title') ?? '')?.[1])));
  expect(shares).toHaveLength(4);
  expect(shares.indexOf(Math.max(...shares))).toBe(3); // cluster1-node-d
  await page.getByTestId('search').fill('');
  await expect.poll(() => fn.count()).toBeGreaterThan(10);
  // By total, the root-most frames come first (every stack is under a process).
  await page.getByTestId('sort-total').click();
  await expect(page.getByTestId('sort-total')).toHaveText('total ▾');
  const totalShares = (await fn.locator('td:nth-child(5)').allInnerTexts()).slice(0, 10).map((t) => Number.parseFloat(t));
  expect(totalShares).toEqual([...totalShares].sort((x, y) => y - x));
  expect(totalShares[0]).toBeGreaterThan(10);
  // Its name opens its sandwich on the host where it weighs most: callers up to the process, callees below.
  await page.getByTestId('search').fill('mix_round');
  await fn.first().getByRole('button', { name: 'mix_round.constprop.0', exact: true }).click();
  await expect(page).toHaveURL(/fn=mix_round.constprop.0/);
  await page.getByTestId('sandwich-host').selectOption('cluster1-node-d');
  await expect(page.getByTestId('sandwich-callers').locator('g.frame[name="mix_round.constprop.0"]')).toBeAttached();
  await expect(page.getByTestId('sandwich-callers').locator('g.frame[name="hotspot-filter"]').first()).toBeAttached();
  await expect(page.getByTestId('sandwich-callees').locator('g.frame[name="mix_round.constprop.0"]')).toBeAttached();
  // The link keeps the sandwich.
  const sandwichLink = page.url();
  expect(sandwichLink).toMatch(/fs=cluster1-node-d/);
  const again = await browser.newContext();
  const reopened = await again.newPage();
  await reopened.goto(sandwichLink);
  await expect(reopened.getByTestId('sandwich-callers').locator('g.frame[name="hotspot-filter"]').first()).toBeAttached();
  await again.close();
  // ⌕ finds it in every host's flame graph.
  await fn.first().getByRole('button', { name: 'find mix_round.constprop.0 in the flame graphs' }).click();
  await expect(page).toHaveURL(/q=mix_round.constprop.0/);
  await expect(card(page, 'cluster1-node-d').getByTestId('match')).toHaveText(/^(?!0\.00%)[\d.]+% matched$/);
});

/** The node at a frame path below the root of a tree answer, or undefined. */
function at<N extends { n: string; c?: N[] }>(root: N, path: readonly string[]): N | undefined {
  let node: N | undefined = root;
  for (const name of path) node = node?.c?.find((c) => c.n === name);
  return node;
}
const AGGREGATE = 'g.frame[name$=" more frames"], g.frame[name$=" more frame"]';

test('the differential and merged graphs zoom into frames folded behind an aggregate', async ({ page, request }) => {
  const id = await createCapture(request, 'zoom');
  for (const [i, file] of CLUSTER1.entries()) expect((await putNode(request, id, `node-${'abcd'[i]}`, readFileSync(file))).status()).toBe(201);

  // The answers the page gets, by their focus.
  const answers = new Map<string, DiffTree>();
  page.on('response', async (res) => {
    const url = new URL(res.url());
    if (url.pathname.endsWith('/diff') && res.ok()) answers.set(url.searchParams.get('focus') ?? '', DiffTree.parse(await res.json()));
  });
  await page.goto(`/c/${id}?view=compare&a=node-d`);
  const graph = page.getByTestId('diff-graph');
  await expect(graph.locator('g.frame').first()).toBeVisible();
  await expect.poll(() => answers.has('')).toBe(true);
  const base = answers.get('') as DiffTree;
  expect(base.truncated).toBe(true);

  // Click the widest aggregate the page drew: the graph zooms to its parent, asked for at full detail.
  const aggregates = graph.locator(AGGREGATE);
  const aggregateWidths = () => aggregates.evaluateAll((els) => els.map((el) => Number(el.querySelector('rect')?.getAttribute('width') ?? 0)));
  // (Polled: the graph is redrawn once the panel's width is measured and the matching tree arrives.)
  await expect.poll(async () => Math.max(...(await aggregateWidths()))).toBeGreaterThanOrEqual(1);
  const widths = await aggregateWidths();
  await aggregates.nth(widths.indexOf(Math.max(...widths))).click();
  await expect(page).toHaveURL(/dz=/);
  const parent = (new URL(page.url()).searchParams.get('dz') ?? '').split(';');
  await expect.poll(() => answers.has(parent.join(';'))).toBe(true);
  const focused = answers.get(parent.join(';')) as DiffTree;
  expect(focused.focusFound).toBe(true);

  // A frame that was folded before is now drawn, and can itself be zoomed into.
  const before = new Set((at(base.root, parent)?.c ?? []).map((c) => c.n));
  const revealed = (at(focused.root, parent)?.c ?? []).filter((c) => !before.has(c.n) && c.l !== 'other').sort((x, y) => y.v - x.v)[0];
  expect(revealed, 'a frame the aggregate stood for').toBeDefined();
  const name = (revealed as DiffNode).n;
  await graph.locator(`g.frame[name="${name.replace(/"/g, '\\"')}"]`).first().click();
  await expect.poll(() => new URL(page.url()).searchParams.get('dz')).toBe([...parent, name].join(';'));
  await expect(page.getByTestId('diff-zoom-path')).toContainText(name);

  // The merged graph, the same way.
  const merged = page.getByTestId('merged-graph');
  const mergedAggs = merged.locator(AGGREGATE);
  const mWidths = await mergedAggs.evaluateAll((els) => els.map((el) => Number(el.querySelector('rect')?.getAttribute('width') ?? 0)));
  await mergedAggs.nth(mWidths.indexOf(Math.max(...mWidths))).click();
  await expect(page).toHaveURL(/mz=/);
  await expect(page.getByTestId('merged-zoom-path')).toBeVisible();
});
