// Records the API's answers for corpus captures, to prove a refactor changes nothing a client sees.
//
//   node scripts/api-snapshot.mjs http://127.0.0.1:3000 /tmp/before
//   (change the code, rebuild, restart)
//   node scripts/api-snapshot.mjs http://127.0.0.1:3000 /tmp/after
//   diff -r /tmp/before /tmp/after
//
// Ids, versions and upload times differ on every run and are replaced by placeholders.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [base, out] = process.argv.slice(2);
if (!base || !out) {
  console.error('usage: node scripts/api-snapshot.mjs BASE_URL OUT_DIR');
  process.exit(2);
}
const CORPUS = [process.env.TRACEFLEET_CORPUS, path.resolve(import.meta.dirname, '../../shared/corpus'), '/work/shared/corpus'].find((p) => p && existsSync(p));
const corpus = (p) => path.join(CORPUS, p);
mkdirSync(out, { recursive: true });

async function create(name) {
  const res = await fetch(`${base}/api/captures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
  return (await res.json()).id;
}

async function put(id, node, file) {
  const res = await fetch(`${base}/api/captures/${id}/nodes/${node}`, { method: 'PUT', body: readFileSync(corpus(file)) });
  if (res.status !== 201) throw new Error(`${file}: ${res.status} ${await res.text()}`);
}

function normalise(text, id) {
  return text
    .replaceAll(id, '<ID>')
    .replace(/"(version|uploadedAt|createdAt)":"[^"]*"/g, '"$1":"<$1>"');
}

let count = 0;
async function record(id, label, url) {
  const res = await fetch(`${base}/api/captures/${id}${url}`);
  const body = normalise(await res.text(), id);
  const ct = res.headers.get('content-type') ?? '';
  const pretty = ct.includes('json') ? JSON.stringify(JSON.parse(body), null, 1) : body;
  writeFileSync(path.join(out, `${label}${url.replace(/[^A-Za-z0-9=&_.-]+/g, '_')}.txt`), `${res.status} ${ct}\n${pretty}`);
  count++;
}

// Four CPU profiles of one cluster: every stack view and the comparisons.
const perf = await create('perf');
for (const n of ['a', 'b', 'c', 'd']) await put(perf, `node-${n}`, `real/cluster1/node-${n}.perf.txt`);
await record(perf, 'perf', '');
for (const n of ['a', 'd']) {
  const node = `/nodes/node-${n}`;
  for (const q of ['', '?all=1', '?pid=1', '?tid=1', '?maxNodes=150', '?search=gzip', '?focus=gzip', '?fromNs=1000000000&toNs=3000000000'])
    await record(perf, 'perf', `${node}/flamegraph${q}`);
  for (const q of ['', '?all=1', '?pid=1&kernel=1']) await record(perf, 'perf', `${node}/folded${q}`);
  await record(perf, 'perf', `${node}/timeline?buckets=50`);
  await record(perf, 'perf', `${node}/syscalls`);
  await record(perf, 'perf', `/heatmap?kind=subsecond&node=node-${n}&rows=20`);
}
for (const q of ['a=node-d&b=cluster', 'a=node-a&b=node-b&shape=b', 'a=node-d&b=cluster&all=1', 'a=node-c&b=cluster&maxNodes=150'])
  await record(perf, 'perf', `/diff?${q}`);
await record(perf, 'perf', '/ranking');
await record(perf, 'perf', '/ranking?all=1');
await record(perf, 'perf', '/flamegraph?merge=all');
await record(perf, 'perf', '/flamegraph?merge=all&maxNodes=150');

// Event traces: syscalls, scheduler, tracepoints.
const ev = await create('events');
const events = { ftrace: 'real/cluster1/node-a.ftrace.txt', tracecmd: 'real/cluster1/node-b.trace-cmd.txt', strace: 'real/cluster1/node-c.strace.txt', tp: 'real/cluster1/node-d.tp.perf.txt', fsys: 'real/cluster1/node-b.ftrace-syscalls.txt' };
for (const [node, file] of Object.entries(events)) await put(ev, node, file);
await record(ev, 'events', '');
for (const node of Object.keys(events)) {
  await record(ev, 'events', `/nodes/${node}/flamegraph`);
  await record(ev, 'events', `/nodes/${node}/syscalls`);
  await record(ev, 'events', `/nodes/${node}/timeline?buckets=40`);
  await record(ev, 'events', `/heatmap?kind=syscalls&node=${node}&buckets=30`);
  await record(ev, 'events', `/heatmap?kind=latency&node=${node}&syscall=read&buckets=30`);
}
for (const metric of ['calls', 'errors', 'time']) await record(ev, 'events', `/heatmap?kind=syscalls&metric=${metric}`);

// Other tools' samples.
const other = await create('other');
const others = {
  example: 'flamegraph-tests/example-perf-stacks.txt.gz',
  ff: 'firefox-profiler/src/test/fixtures/upgrades/test.perf.gz',
  java: 'flamegraph-tests/test/perf-java-stacks-01.txt',
};
for (const [node, file] of Object.entries(others)) if (existsSync(corpus(file))) await put(other, node, file);
for (const node of Object.keys(others)) {
  await record(other, 'other', `/nodes/${node}/flamegraph`);
  await record(other, 'other', `/nodes/${node}/flamegraph?pid=1&maxNodes=300`);
  await record(other, 'other', `/nodes/${node}/folded?pid=1`);
}
await record(other, 'other', '/ranking');
await record(other, 'other', '/diff?a=example&b=cluster');
console.log(`${count} answers recorded in ${out}`);
