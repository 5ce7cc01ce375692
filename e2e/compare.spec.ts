import { expect, test, type Page } from '@playwright/test';
import { CLUSTER1, uploadByDrop } from './helpers';

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
});
