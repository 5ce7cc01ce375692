/**
 * PostgreSQL against the embedded store, same run, same built app: upload time of one input,
 * query latencies (capture, first and cached flame graph, folded export, raw download), and
 * what one GB of capture text costs in the database (rows and bytes), for the README's sizing.
 *
 *   TRACEFLEET_TEST_DATABASE_URL  the database (default postgres://postgres@127.0.0.1:5432/test);
 *                                 a schema of its own is created and dropped
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { waitFor } from './ui';

const ROOT = path.resolve(__dirname, '..');
const DATABASE_URL = process.env.TRACEFLEET_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
type Row = (name: string, value: string, note?: string) => void;

async function startApp(port: number, env: Record<string, string>): Promise<{ base: string; stop: () => Promise<void> }> {
  const server = spawn(process.execPath, ['server.mjs'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), TRACEFLEET_HOST: '127.0.0.1', NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((r) => server.once('exit', () => r()));
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/api/captures`, 60_000);
  return {
    base,
    stop: async () => {
      server.kill('SIGTERM');
      await exited;
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

interface Figures {
  upload: number[];
  capture: number[];
  firstFlame: number;
  flame: number[];
  folded: number[];
  raw: number[];
}

async function measure(base: string, input: string): Promise<Figures> {
  const id = ((await (await fetch(`${base}/api/captures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"bench"}' })).json()) as { id: string }).id;
  const upload: number[] = [];
  for (let i = 0; i < 3; i++) {
    const out = execFileSync('curl', ['-sS', '-T', input, '-o', '/dev/null', '-w', '%{http_code} %{time_total}', `${base}/api/captures/${id}/nodes/node-${i}`], { encoding: 'utf8' });
    const [status, seconds] = out.trim().split(' ');
    if (status !== '201') throw new Error(`upload answered ${status}`);
    upload.push(Number(seconds));
  }
  const get = (p: string) => fetch(`${base}${p}`).then(async (r) => {
    if (!r.ok) throw new Error(`${p} answered ${r.status}`);
    await r.arrayBuffer();
  });
  const capture: number[] = [];
  for (let i = 0; i < 20; i++) capture.push(await timed(() => get(`/api/captures/${id}`)));
  const firstFlame = await timed(() => get(`/api/captures/${id}/nodes/node-1/flamegraph`));
  const flame: number[] = [];
  for (let i = 0; i < 10; i++) flame.push(await timed(() => get(`/api/captures/${id}/nodes/node-1/flamegraph?search=gzip${i}`)));
  const folded: number[] = [];
  for (let i = 0; i < 5; i++) folded.push(await timed(() => get(`/api/captures/${id}/nodes/node-1/folded`)));
  const raw: number[] = [];
  for (let i = 0; i < 3; i++) raw.push(await timed(() => get(`/api/captures/${id}/nodes/node-2/raw`)));
  return { upload, capture, firstFlame, flame, folded, raw };
}

export async function pgBench(row: Row, input: string): Promise<void> {
  const mb = statSync(input).size / 1e6;
  console.log(`\nPostgreSQL store against the embedded store (built app, 3 uploads of ${mb.toFixed(0)} MB each, then queries)\n`);
  const schema = `tf_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  const dataDir = path.join(ROOT, '.bench', 'pg-bench-embedded');
  rmSync(dataDir, { recursive: true, force: true });
  try {
    const embeddedApp = await startApp(3354, { TRACEFLEET_DATA_DIR: dataDir });
    const embedded = await measure(embeddedApp.base, input).finally(() => embeddedApp.stop());
    const pgApp = await startApp(3355, { TRACEFLEET_DATA_DIR: `${dataDir}-unused`, TRACEFLEET_DATABASE_URL: DATABASE_URL, TRACEFLEET_DATABASE_SCHEMA: schema });
    const onPg = await measure(pgApp.base, input).finally(() => pgApp.stop());
    const both = (name: string, pick: (f: Figures) => number, unit: string, digits = 0) => {
      const e = pick(embedded);
      const p = pick(onPg);
      row(name, `${p.toFixed(digits)} ${unit}`, `embedded ${e.toFixed(digits)} ${unit} (${(p / e).toFixed(2)}×)`);
    };
    both('upload (curl -T), median of 3', (f) => median(f.upload), 's', 2);
    both('GET capture, median of 20', (f) => median(f.capture), 'ms', 1);
    both('first flame graph after upload', (f) => f.firstFlame, 'ms');
    both('flame graph + search (cached), median of 10', (f) => median(f.flame), 'ms', 1);
    both('folded export, median of 5', (f) => median(f.folded), 'ms');
    both('raw download, median of 3', (f) => median(f.raw), 'ms');

    // What the database holds per GB of capture text.
    const q = async (sql: string) => Number((await admin.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
    const text = 3 * mb * 1e6;
    const chunkRows = await q(`SELECT count(*) AS n FROM ${schema}.blob_chunks`);
    const chunkBytes = await q(`SELECT COALESCE(sum(octet_length(data)), 0) AS n FROM ${schema}.blob_chunks`);
    const onDisk = await q(`SELECT sum(pg_total_relation_size(c.oid)) AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = '${schema}' AND c.relkind IN ('r', 'm')`);
    const perGb = (x: number) => (x / text) * 1e9;
    row('database rows per GB of capture text', `${perGb(chunkRows).toFixed(0)} rows`, `blob rows of 1 MiB (raw, compressed, and the encoded profile); other tables: a row per source`);
    row('blob bytes per GB of capture text', `${(perGb(chunkBytes) / 1e6).toFixed(0)} MB`, `raw kept brotli-compressed + the encoded profile`);
    row('database size on disk per GB of capture text', `${(perGb(onDisk) / 1e6).toFixed(0)} MB`, `pg_total_relation_size of the schema's tables (TOAST and indexes included)`);
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end();
  }
}
