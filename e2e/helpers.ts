import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { CreateCaptureResponse } from '../lib/api/schemas';
import { CORPUS } from '../tests/corpus';

export { CORPUS };
export const corpus = (p: string) => path.join(CORPUS, p);
export const CLUSTER1 = ['a', 'b', 'c', 'd'].map((n) => corpus(`real/cluster1/node-${n}.perf.txt`));

export async function createCapture(request: APIRequestContext, name = 'e2e'): Promise<string> {
  const res = await request.post('/api/captures', { data: { name } });
  expect(res.status()).toBe(201);
  return CreateCaptureResponse.parse(await res.json()).id;
}

export async function putNode(request: APIRequestContext, id: string, node: string, body: Buffer | string) {
  return putPolitely(request, `/api/captures/${id}/nodes/${node}`, body);
}

/** A host's named source (PUT …/sources/NAME). */
export async function putSource(request: APIRequestContext, id: string, node: string, source: string, body: Buffer | string) {
  return putPolitely(request, `/api/captures/${id}/nodes/${node}/sources/${source}`, body);
}

/**
 * PUT as a well-behaved client: when the server is busy with this client's other uploads (the
 * two test workers share one address), wait as its Retry-After says and send again.
 */
async function putPolitely(request: APIRequestContext, url: string, body: Buffer | string) {
  const data = typeof body === 'string' ? Buffer.from(body) : body;
  for (let attempt = 0; ; attempt++) {
    const res = await request.put(url, { data });
    if (res.status() !== 429 || attempt >= 20) return res;
    await new Promise((r) => setTimeout(r, 1000 * Math.min(5, Number(res.headers()['retry-after'] ?? 1))));
  }
}

/** Drops files on an element the way a browser does (a drop event carrying a DataTransfer). */
export async function dropFiles(page: Page, selector: string, files: string[]): Promise<void> {
  const payload = files.map((f) => ({ name: path.basename(f), b64: readFileSync(f).toString('base64') }));
  const dataTransfer = await page.evaluateHandle((items) => {
    const dt = new DataTransfer();
    for (const { name, b64 } of items) {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], name, { type: 'text/plain' }));
    }
    return dt;
  }, payload);
  await page.dispatchEvent(selector, 'dragenter', { dataTransfer });
  await page.dispatchEvent(selector, 'dragover', { dataTransfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}

/** The landing-page flow: drop files, check one row each, upload, land on the capture page. */
export async function uploadByDrop(page: Page, files: string[]): Promise<void> {
  await page.goto('/');
  await dropFiles(page, '[data-testid=drop-zone]', files);
  await expect(page.getByTestId('upload-row')).toHaveCount(files.length);
  await page.getByTestId('upload-button').click();
  await page.waitForURL(/\/c\/[A-Za-z0-9_-]{22}/);
}

/** Starts another `next start` of the built app (its own port, data folder and environment); stop() kills it. */
export async function startServer(opts: { port: number; dataDir: string; keepData?: boolean; env?: Record<string, string> }): Promise<{
  url: string;
  output: () => string;
  /** SIGTERM; resolves when the server has exited. */
  stop: () => Promise<void>;
  /** `kill -9` of the server and its workers (a crash): nothing gets to clean up. */
  kill9: () => Promise<void>;
  rssMb: () => number;
}> {
  const child = spawn(process.execPath, ['e2e/server.mjs', ...(opts.keepData ? ['--keep-data'] : [])], {
    env: { ...process.env, E2E_PORT: String(opts.port), E2E_DATA_DIR: opts.dataDir, NEXT_TELEMETRY_DISABLED: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so kill9() reaches the server under the wrapper.
    detached: true,
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const kill9 = async () => {
    process.kill(-(child.pid as number), 'SIGKILL');
    await exited;
  };
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${opts.port}`;
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 120 && !gone; i++) {
    if (await fetch(`${url}/agent.sh`).then((r) => r.ok, () => false)) return { url, output: () => output, stop, kill9, rssMb: () => treeRssMb(child.pid as number) };
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill('SIGTERM');
  throw new Error(`the server on port ${opts.port} did not start:\n${output}`);
}

/** Resident memory of a process and all its descendants, in MB (from /proc). */
export function treeRssMb(pid: number): number {
  let kb = 0;
  const visit = (p: number) => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const children = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        for (const c of children ? children.split(/\s+/) : []) visit(Number(c));
      }
    } catch {
      // the process ended meanwhile
    }
  };
  visit(pid);
  return Math.round(kb / 1024);
}
