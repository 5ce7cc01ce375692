/**
 * Ingest end to end, against the built app (server.mjs) with its ingest workers: uploads with
 * curl, the first flame graph after them, the server's peak memory, parallel uploads, and what
 * is kept on disk; each with a same-run baseline (curl into a server that drops the bytes;
 * FlameGraph's Perl scripts on the same file when a checkout is at hand).
 *
 *   TRACEFLEET_FLAMEGRAPH_DIR  a FlameGraph checkout (stackcollapse-perf.pl, flamegraph.pl);
 *                              default ../flamegraph beside this checkout; rows skipped without it
 *   TRACEFLEET_BENCH_GB=1      size of the large upload (0 skips it)
 */
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseCapture } from '../lib/parse';
import { profileBytes } from '../lib/profile/memory';
import { CORPUS } from '../tests/corpus';
import { treeRssMb } from '../e2e/helpers';
import { waitFor } from './ui';

const ROOT = path.resolve(__dirname, '..');
const DIR = path.join(ROOT, '.bench');
const PORT = 3352;
export const BASE = `http://127.0.0.1:${PORT}`;
const FLAMEGRAPH = process.env.TRACEFLEET_FLAMEGRAPH_DIR ?? path.resolve(ROOT, '../flamegraph');
const TOOLS = path.join(CORPUS, '../tools/make-bench-input.sh');

type Row = (name: string, value: string, note?: string) => void;

const spread = (xs: number[], unit = 's', digits = 2) => {
  const s = [...xs].sort((a, b) => a - b);
  return `best ${s[0]?.toFixed(digits)} ${unit}, median ${s[Math.floor(s.length / 2)]?.toFixed(digits)} ${unit}, slowest ${s[s.length - 1]?.toFixed(digits)} ${unit} (${s.length} runs)`;
};

/** `curl -T file url` (a PUT); the status and curl's own total time in seconds. */
function curlPut(file: string, url: string): { status: number; seconds: number } {
  const out = execFileSync('curl', ['-sS', '-T', file, '-o', '/dev/null', '-w', '%{http_code} %{time_total}', url], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const [status, seconds] = out.trim().split(' ');
  return { status: Number(status), seconds: Number(seconds) };
}

async function newCapture(name: string): Promise<string> {
  const res = await fetch(`${BASE}/api/captures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
  return ((await res.json()) as { id: string }).id;
}

/** Samples the server's resident memory (all its threads and children) until stopped; the peak in MB. */
function rssSampler(pid: number): { stop: () => number } {
  let peak = treeRssMb(pid);
  const t = setInterval(() => (peak = Math.max(peak, treeRssMb(pid))), 50);
  return {
    stop: () => {
      clearInterval(t);
      return Math.max(peak, treeRssMb(pid));
    },
  };
}

/** A perf script input of about `mb` MB (make-bench-input.sh), cached in .bench. */
export function input(mb: number, name: string): string {
  const file = path.join(DIR, name);
  if (!existsSync(file)) execFileSync('bash', [TOOLS, '-s', String(mb), '-o', file], { stdio: 'inherit' });
  return file;
}

/** An strace -f log of about `mb` MB: the cluster1 logs repeated. */
function straceInput(mb: number): string {
  const file = path.join(DIR, `bench-${mb}mb.strace.txt`);
  if (existsSync(file)) return file;
  const parts = ['a', 'b', 'c', 'd'].map((n) => readFileSync(path.join(CORPUS, `real/cluster1/node-${n}.strace.txt`)));
  const bufs: Buffer[] = [];
  let size = 0;
  for (let i = 0; size < mb * 1e6; i++) {
    const p = parts[i % 4] as Buffer;
    bufs.push(p);
    size += p.length;
  }
  writeFileSync(file, Buffer.concat(bufs));
  return file;
}

/** The built app on PORT with a fresh data folder under .bench. */
export async function startApp(folder: string): Promise<{ pid: number; stop: () => Promise<void> }> {
  const dataDir = path.join(DIR, folder);
  rmSync(dataDir, { recursive: true, force: true });
  const server = spawn(process.execPath, ['server.mjs'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(PORT), TRACEFLEET_HOST: '127.0.0.1', TRACEFLEET_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: '1', TRACEFLEET_MAX_UPLOADS_PER_CLIENT: '8' },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((r) => server.once('exit', () => r()));
  await waitFor(`${BASE}/api/captures`, 60_000);
  return {
    pid: server.pid as number,
    stop: async () => {
      server.kill('SIGTERM');
      await exited;
    },
  };
}

function curlPutAsync(file: string, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn('curl', ['-sS', '-T', file, '-o', '/dev/null', '-w', '%{http_code}', url]);
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('exit', () => (out === '201' ? resolve() : reject(new Error(`upload answered ${out}`))));
  });
}

export async function ingestBench(row: Row, input200: string): Promise<void> {
  console.log('\ningest, end to end (built app, curl -T on loopback)\n');
  const mb200 = statSync(input200).size / 1e6;

  // Baseline: the same curl into a server that only drops the bytes (the loopback + curl floor).
  // (In a process of its own: curl runs synchronously here.)
  const sinkPort = PORT + 1;
  const sink = spawn(process.execPath, ['-e', `require('http').createServer((q, s) => { q.resume(); q.on('end', () => s.writeHead(201).end()); }).listen(${sinkPort}, '127.0.0.1')`], { stdio: 'ignore' });
  const sinkUrl = `http://127.0.0.1:${sinkPort}/x`;
  await new Promise((r) => setTimeout(r, 500));
  const floor = [0, 1, 2].map(() => curlPut(input200, sinkUrl).seconds);
  sink.kill();
  row(`baseline: curl -T into a discarding server`, `${(mb200 / Math.min(...floor)).toFixed(0)} MB/s`, `${mb200.toFixed(0)} MB; ${spread(floor)}`);

  const app = await startApp('ingest-data');
  try {
    const id = await newCapture('ingest bench');
    const url = (node: string) => `${BASE}/api/captures/${id}/nodes/${node}`;

    const puts: number[] = [];
    const firsts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = curlPut(input200, url(`n200-${i}`));
      if (r.status !== 201) throw new Error(`upload answered ${r.status}`);
      puts.push(r.seconds);
      const t0 = performance.now();
      const fg = await fetch(`${url(`n200-${i}`)}/flamegraph`);
      await fg.arrayBuffer();
      firsts.push(r.seconds + (performance.now() - t0) / 1000);
    }
    row(`PUT ${mb200.toFixed(0)} MB perf script → 201`, `${(mb200 / Math.min(...puts)).toFixed(0)} MB/s`, `${spread(puts)}; target ≤ 1.0 s`);
    row(`  vs the discarding server`, `${(Math.min(...puts) / Math.min(...floor)).toFixed(2)}×`, 'of the transport floor');
    row(`PUT + first flame graph, ${mb200.toFixed(0)} MB`, `${Math.min(...firsts).toFixed(2)} s`, spread(firsts));

    const perl = path.join(FLAMEGRAPH, 'stackcollapse-perf.pl');
    if (existsSync(perl)) {
      const folded = path.join(DIR, 'perl.folded');
      const t0 = performance.now();
      execFileSync('bash', ['-c', `perl "${perl}" "${input200}" > "${folded}"`], { stdio: 'inherit' });
      const tCollapse = (performance.now() - t0) / 1000;
      execFileSync('bash', ['-c', `perl "${path.join(FLAMEGRAPH, 'flamegraph.pl')}" "${folded}" > "${path.join(DIR, 'perl.svg')}"`], { stdio: 'inherit' });
      const tPerl = (performance.now() - t0) / 1000;
      row(`  baseline: stackcollapse-perf.pl`, `${tCollapse.toFixed(1)} s`, `same file (${(mb200 / tCollapse).toFixed(0)} MB/s); tracefleet's PUT + graph is ${(tCollapse / Math.min(...firsts)).toFixed(1)}× faster (target ≥ 10×)`);
      row(`  baseline: … | flamegraph.pl (an SVG)`, `${tPerl.toFixed(1)} s`, `${(tPerl / Math.min(...firsts)).toFixed(1)}× tracefleet's PUT + graph`);
    } else {
      row(`  baseline: stackcollapse-perf.pl | flamegraph.pl`, 'not run', `no FlameGraph checkout at ${FLAMEGRAPH} (TRACEFLEET_FLAMEGRAPH_DIR)`);
    }

    // Four uploads at once against one, same file: both cores busy (2× is the floor on two).
    // One upload: the median of the single uploads above and one more now (the machine is noisy).
    const singles = [...puts, curlPut(input200, url('solo')).seconds].sort((a, b) => a - b);
    const one = singles[Math.floor(singles.length / 2)] as number;
    const rss4 = rssSampler(app.pid);
    const t4 = performance.now();
    await Promise.all([0, 1, 2, 3].map((i) => curlPutAsync(input200, url(`par-${i}`))));
    const four = (performance.now() - t4) / 1000;
    row(`4 × ${mb200.toFixed(0)} MB PUT at once`, `${four.toFixed(2)} s`, `${(four / one).toFixed(2)}× one upload (median ${one.toFixed(2)} s of ${singles.length}); target ≤ 2.3×; server peak RSS ${rss4.stop()} MB`);
  } finally {
    await app.stop();
  }

  const gb = Number(process.env.TRACEFLEET_BENCH_GB ?? 1);
  if (gb > 0) {
    // On a fresh server: its memory is the upload's, not what earlier queries left in caches.
    const big = input(gb * 1000, `bench-${gb}gb.perf.txt`);
    const mbBig = statSync(big).size / 1e6;
    const fresh = await startApp('ingest-data-big');
    try {
      const id = await newCapture('ingest bench, large');
      const url = `${BASE}/api/captures/${id}/nodes/big`;
      const before = treeRssMb(fresh.pid);
      const rss = rssSampler(fresh.pid);
      const r = curlPut(big, url);
      const peak = rss.stop();
      if (r.status !== 201) throw new Error(`large upload answered ${r.status}`);
      const t0 = performance.now();
      await (await fetch(`${url}/flamegraph`)).arrayBuffer();
      const tFirst = (performance.now() - t0) / 1000;
      row(`PUT ${mbBig.toFixed(0)} MB + first flame graph`, `${(r.seconds + tFirst).toFixed(1)} s`, `PUT ${r.seconds.toFixed(1)} s + graph ${tFirst.toFixed(1)} s; target ≤ 6 s`);
      row(`  server peak RSS during that PUT`, `${peak} MB`, `${before} MB before it (a fresh server); target ≤ 600 MB`);
      const blobs = path.join(DIR, 'ingest-data-big', 'blobs', id);
      const raw = readdirSync(blobs).find((f) => f.startsWith('big~') && f.endsWith('.raw')) as string;
      const kept = statSync(path.join(blobs, raw)).size / 1e6;
      row(`  raw bytes kept on disk`, `${kept.toFixed(0)} MB`, `${(mbBig / kept).toFixed(1)}× smaller than the ${mbBig.toFixed(0)} MB sent (target ≥ 5×); GET …/raw gives back the bytes sent`);
      // Four such uploads at once, to four hosts of the same server.
      const rss4 = rssSampler(fresh.pid);
      const t4 = performance.now();
      await Promise.all([0, 1, 2, 3].map((i) => curlPutAsync(big, `${BASE}/api/captures/${id}/nodes/big-${i}`)));
      row(`4 × ${mbBig.toFixed(0)} MB PUT at once`, `${((performance.now() - t4) / 1000).toFixed(1)} s`, `server peak RSS ${rss4.stop()} MB; target ≤ 1 GB`);
    } finally {
      await fresh.stop();
    }
  }

  // The strace parser's memory on a large log, in this process (sampled while it parses): the
  // JS heap and the typed arrays' buffers (which live outside it).
  const strace = straceInput(85);
  const used = () => {
    const m = process.memoryUsage();
    return { heap: m.heapUsed, buffers: m.arrayBuffers };
  };
  const m0 = used();
  let peakHeap = m0.heap;
  let peakAll = m0.heap + m0.buffers;
  const sample = () => {
    const m = used();
    peakHeap = Math.max(peakHeap, m.heap);
    peakAll = Math.max(peakAll, m.heap + m.buffers);
  };
  const t = setInterval(sample, 5);
  const parsed = await parseCapture(createReadStream(strace, { highWaterMark: 1 << 20 }), { file: strace });
  sample();
  clearInterval(t);
  const mb = (n: number) => (n / 1e6).toFixed(0);
  row(`heap parsing a ${mb(statSync(strace).size)} MB strace log`, `${mb(peakHeap - m0.heap)} MB`, `JS heap peak above the start (target ≤ 100 MB); ${parsed.profile.syscalls.length} syscalls`);
  row(`  with array buffers`, `${mb(peakAll - m0.heap - m0.buffers)} MB`, `peak, counting read buffers not yet collected; the profile itself holds ${mb(profileBytes(parsed.profile))} MB of columns`);
}
