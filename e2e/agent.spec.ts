import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { Capture, CreateCaptureResponse } from '../lib/api/schemas';

/** The served agent, run for real on this machine (as root: perf records system-wide). */
async function fetchAgent(request: import('@playwright/test').APIRequestContext): Promise<string> {
  const res = await request.get('/agent.sh');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('shellscript');
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'tracefleet-agent-')), 'agent.sh');
  writeFileSync(file, await res.text());
  return file;
}

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('sh', [script, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

test('the agent records this host and streams perf, tracepoints and strace to its capture', async ({ request }) => {
  test.skip(process.getuid?.() !== 0, 'the agent records system-wide: run the suite as root');
  test.setTimeout(180_000);
  const created = CreateCaptureResponse.parse(await (await request.post('/api/captures', { data: { name: 'agent' } })).json());
  const script = await fetchAgent(request);
  // A process for strace to follow: it reads a file in a loop.
  const busy = spawn('sh', ['-c', 'while :; do cat /etc/hostname >/dev/null; sleep 0.02; done'], { stdio: 'ignore' });
  try {
    const r = run(script, ['--capture', created.id, '--token', created.uploadToken.token, '--seconds', '2', '--ftrace', '--strace', String(busy.pid), '--node', 'agent-host']);
    expect(r.out).toContain('sent perf');
    expect(r.code, r.out).toBe(0);
  } finally {
    busy.kill('SIGKILL');
  }
  const capture = Capture.parse(await (await request.get(`/api/captures/${created.id}`)).json());
  const host = capture.nodes.find((n) => n.name === 'agent-host');
  expect(host?.sources.map((s) => [s.name, s.kind])).toEqual([
    ['perf', 'perf'],
    ['perf-tracepoints', 'perf-tracepoints'],
    ['strace', 'strace'],
  ]);
  const [perf, tp, strace] = host?.sources ?? [];
  expect(perf?.samples).toBeGreaterThan(0);
  expect(perf?.gzip).toBe(true);
  expect(perf?.hostname).toBeTruthy();
  expect(tp?.slices).toBeGreaterThan(0);
  expect(tp?.syscalls).toBeGreaterThan(0);
  expect(strace?.syscalls).toBeGreaterThan(0);
  // The host's flame graph is there to draw.
  const flame = await request.get(`/api/captures/${created.id}/nodes/agent-host/flamegraph`);
  expect((await flame.json()).total).toBeGreaterThan(0);
});

test('the agent says clearly what is wrong and exits non-zero', async ({ request }) => {
  const created = CreateCaptureResponse.parse(await (await request.post('/api/captures', { data: { name: 'agent errors' } })).json());
  const script = await fetchAgent(request);
  const base = ['--capture', created.id, '--token', created.uploadToken.token, '--seconds', '1'];
  const noPerf = run(script, base, { PERF: '/nonexistent/perf' });
  expect(noPerf.code).not.toBe(0);
  expect(noPerf.out).toContain('perf is not installed');
  const badId = run(script, ['--capture', 'nope', '--token', 'x']);
  expect(badId.code).not.toBe(0);
  expect(badId.out).toContain('--capture must be a capture id');
  const badOption = run(script, ['--frobnicate']);
  expect(badOption.code).not.toBe(0);
  expect(badOption.out).toContain('unknown option: --frobnicate');
  const noProcess = run(script, [...base, '--strace', '999999999']);
  expect(noProcess.code).not.toBe(0);
  expect(noProcess.out).toContain('no process 999999999');
  const server = run(script, [...base, '--server', 'ftp://x']);
  expect(server.out).toContain('no server');
});
