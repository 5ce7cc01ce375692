/**
 * Page timings in Debian Chromium against the built app (server.mjs): a capture page with 4 and with 32 nodes
 * of real size (the cluster1 perf dumps, 2–3 MB each, repeated under new names).
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CORPUS } from '../tests/corpus';

const ROOT = path.resolve(__dirname, '..');
const PORT = 3351;
const BASE = `http://127.0.0.1:${PORT}`;
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Polls `url` until it answers 2xx. */
export async function waitFor(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`server did not answer ${url}`);
}

async function capture(nodes: number, kind: 'perf' | 'ftrace' = 'perf'): Promise<string> {
  const { id } = (await (await fetch(`${BASE}/api/captures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `bench ${nodes} nodes` }) })).json()) as { id: string };
  const files = ['a', 'b', 'c', 'd'].map((n) => readFileSync(path.join(CORPUS, `real/cluster1/node-${n}.${kind}.txt`)));
  for (let i = 0; i < nodes; i++) {
    const res = await fetch(`${BASE}/api/captures/${id}/nodes/node-${String(i).padStart(2, '0')}`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: files[i % 4] });
    if (res.status !== 201) throw new Error(`upload failed: ${res.status}`);
  }
  return id;
}

/** The built app (server.mjs serves it): built once if it is not. */
export function ensureBuilt(): void {
  if (!existsSync(path.join(ROOT, '.next/BUILD_ID'))) {
    console.log('building the app for the end-to-end rows (next build) …');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
}

export async function uiBench(row: (name: string, value: string, note?: string) => void): Promise<void> {
  ensureBuilt();
  const dataDir = path.join(ROOT, '.bench/ui-data');
  rmSync(dataDir, { recursive: true, force: true });
  const server = spawn(process.execPath, ['server.mjs'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(PORT), TRACEFLEET_HOST: '127.0.0.1', TRACEFLEET_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: 'ignore',
  });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
  try {
    await waitFor(`${BASE}/api/captures`, 60_000);
    for (const nodes of [4, 32]) {
      const id = await capture(nodes);
      // Warm the server's caches once (the first visitor after an upload pays for parsing the stored profile).
      const warm = await browser.newPage();
      await warm.goto(`${BASE}/c/${id}`);
      await warm.waitForSelector('g.frame');
      await warm.close();
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const t0 = Date.now();
      await page.goto(`${BASE}/c/${id}`, { waitUntil: 'domcontentloaded' });
      await page.waitForSelector('[data-testid=node-card] g.frame');
      const first = Date.now() - t0;
      // Interactive: every card in the first screen has drawn its graph.
      await page.waitForFunction(() => {
        const cards = [...document.querySelectorAll('[data-testid=node-card]')].filter((c) => c.getBoundingClientRect().top < window.innerHeight);
        return cards.length > 0 && cards.every((c) => c.querySelector('g.frame'));
      });
      const tti = Date.now() - t0;
      const t1 = Date.now();
      await page.getByTestId('search').fill('gzip');
      await page.waitForFunction(() => {
        const cards = [...document.querySelectorAll('[data-testid=node-card]')].filter((c) => c.getBoundingClientRect().top < window.innerHeight);
        return cards.every((c) => c.querySelector('[data-testid=match]'));
      });
      const search = Date.now() - t1 - 250; // minus the typing debounce
      // Scroll the whole grid: every graph drawn.
      const t2 = Date.now();
      await page.evaluate(async () => {
        for (let y = 0; y < document.body.scrollHeight; y += 600) {
          window.scrollTo(0, y);
          await new Promise((r) => requestAnimationFrame(() => r(null)));
        }
      });
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=node-card] svg.d3-flame-graph').length === n, nodes);
      const all = Date.now() - t2;
      const dom = await page.evaluate(() => document.getElementsByTagName('*').length);
      row(`page with ${nodes} nodes: first graph`, `${first} ms`);
      row(`page with ${nodes} nodes: interactive`, `${tti} ms`, 'every graph on the first screen drawn');
      row(`page with ${nodes} nodes: search → all matches`, `${Math.max(0, search)} ms`, 'shown in every visible graph (after the 250 ms debounce)');
      row(`page with ${nodes} nodes: scroll, all graphs drawn`, `${all} ms`, `${dom} DOM elements`);
      // The Timeline tab of as many hosts with ftrace captures (CPU lanes): every lane drawn.
      const ftraceId = await capture(nodes, 'ftrace');
      const t3 = Date.now();
      await page.goto(`${BASE}/c/${ftraceId}?view=timeline`, { waitUntil: 'domcontentloaded' });
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=timeline-row][data-loaded=yes]').length === n, nodes, { timeout: 120_000 });
      const tl = Date.now() - t3;
      const tlDom = await page.evaluate(() => document.getElementsByTagName('*').length);
      row(`timeline, ${nodes} ftrace hosts: all lanes drawn`, `${tl} ms`, `${tlDom} DOM elements`);
      await page.close();
    }
  } finally {
    await browser.close();
    server.kill('SIGTERM');
  }
}
