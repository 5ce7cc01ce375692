/**
 * A file dropped in Chromium until its flame graph is on screen: tracefleet (the built app:
 * upload, server-side parse, the capture page) against speedscope's static build (the
 * `speedscope` npm package, a dev dependency of this bench only), which parses in the page.
 * Same file, same browser, same run.
 */
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { CORPUS } from '../tests/corpus';
import { BASE, startApp } from './ingest';

type Row = (name: string, value: string, note?: string) => void;

const ROOT = path.resolve(__dirname, '..');
const SPEEDSCOPE = path.join(ROOT, 'node_modules/speedscope/dist/release/index.html');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-unsafe-swiftshader'];
const RUNS = 2;

/** Seconds from choosing the file in tracefleet's drop zone to its flame graph drawn. */
async function ours(browser: Browser, file: string): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  try {
    await page.goto(`${BASE}/`);
    await page.getByTestId('drop-zone').waitFor();
    const t0 = performance.now();
    await page.setInputFiles('[data-testid=file-input]', file);
    await page.getByTestId('upload-button').click();
    await page.waitForSelector('[data-testid=node-card] g.frame', { timeout: 300_000 });
    return (performance.now() - t0) / 1000;
  } finally {
    await page.close();
  }
}

/** Seconds from choosing the file in speedscope to its flame graph drawn. */
async function speedscope(browser: Browser, file: string): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  try {
    await page.goto(pathToFileURL(SPEEDSCOPE).href);
    await page.waitForSelector('input[type=file]', { state: 'attached' });
    const t0 = performance.now();
    await page.setInputFiles('input[type=file]', file);
    const name = path.basename(file);
    await page.waitForFunction((n) => document.title.startsWith(n), name, { timeout: 300_000, polling: 50 });
    // Drawn: two animation frames after the profile view mounted.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    return (performance.now() - t0) / 1000;
  } finally {
    await page.close();
  }
}

/**
 * A perf script of about `mb` MB that speedscope accepts: the four cluster1 profiles over and
 * over, each copy later in time than the one before (speedscope refuses timestamps that go
 * backwards, as make-bench-input.sh's plain concatenation has at every repetition), and, like
 * its `-v`, each repetition's comms prefixed with `rN-`, so stacks keep being new.
 */
export function monotonicInput(dir: string, mb: number): string {
  const file = path.join(dir, `bench-${mb}mb.monotonic.perf.txt`);
  if (existsSync(file)) return file;
  const record = /^(\S.*?\s)(\d+)(\.\d+:\s)/gm;
  const texts = ['a', 'b', 'c', 'd'].map((n) => {
    const text = readFileSync(path.join(CORPUS, `real/cluster1/node-${n}.perf.txt`), 'latin1');
    let lo = Infinity;
    let hi = 0;
    for (const m of text.matchAll(record)) {
      lo = Math.min(lo, Number(m[2]));
      hi = Math.max(hi, Number(m[2]));
    }
    return { text, lo, hi };
  });
  const fd = openSync(file, 'w');
  try {
    let base = 0;
    for (let r = 0, size = 0; size < mb * 1e6; r++) {
      for (const { text, lo, hi } of texts) {
        // This copy's whole seconds start one second after the last copy's.
        const shift = base - lo;
        const copy = text.replace(record, (_, head: string, secs: string, tail: string) => `r${r}-${head}${Number(secs) + shift}${tail}`);
        base += hi - lo + 1;
        writeSync(fd, copy, null, 'latin1');
        size += copy.length;
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

export async function dropBench(row: Row, files: readonly string[]): Promise<void> {
  if (!existsSync(SPEEDSCOPE)) {
    row('drop → first flame graph vs speedscope', 'not run', 'node_modules/speedscope is missing (npm ci installs it)');
    return;
  }
  console.log('\ndrop a file in Chromium → first flame graph (tracefleet vs speedscope 1.25, same file)\n');
  const app = await startApp('drop-data');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
  try {
    for (const file of files) {
      const mb = (statSync(file).size / 1e6).toFixed(0);
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        a.push(await ours(browser, file));
        b.push(await speedscope(browser, file));
      }
      const best = (xs: number[]) => Math.min(...xs);
      row(`drop ${mb} MB → first flame graph`, `${best(a).toFixed(2)} s`, `runs ${a.map((t) => t.toFixed(2)).join(', ')} s`);
      row(`  speedscope 1.25 on the same file`, `${best(b).toFixed(2)} s`, `runs ${b.map((t) => t.toFixed(2)).join(', ')} s; tracefleet ${(best(b) / best(a)).toFixed(1)}× faster`);
    }
  } finally {
    await browser.close();
    await app.stop();
  }
}
