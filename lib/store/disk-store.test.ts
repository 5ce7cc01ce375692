import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseText, readText } from '../../tests/helpers';
import { CORPUS } from '../../tests/corpus';
import { encodeProfile } from '../profile/serialize';
import { captureStoreContract, newSource } from './contract';
import { DiskStore, StoreLockedError } from './disk-store';

const profiles = await Promise.all(
  ['real/cluster1/node-c.perf.txt', 'speedscope/sample/profiles/linux-perf/forks.linux-perf.txt'].map(async (f) => (await parseText(readText(path.join(CORPUS, f)))).profile),
);

async function folderBytes(dir: string): Promise<number> {
  let n = 0;
  for (const f of await readdir(dir).catch(() => [] as string[])) n += (await stat(path.join(dir, f))).size;
  return n;
}

const dirs = new WeakMap<object, string>();
captureStoreContract('DiskStore (SQLite + files, on a real disk)', {
  open: async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tracefleet-store-'));
    const s = await DiskStore.open(dir);
    dirs.set(s, dir);
    return s;
  },
  reopen: async (s) => {
    const dir = dirs.get(s) as string;
    await s.close();
    const again = await DiskStore.open(dir);
    dirs.set(again, dir);
    return again;
  },
  bytesOf: (s, captureId) => folderBytes(path.join(dirs.get(s) as string, 'blobs', captureId)),
  profiles: [profiles[0]!, profiles[1]!],
});

describe('DiskStore files', () => {
  it('one server per data folder: a second one is refused while the first runs; a crashed one’s lock is taken over', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tracefleet-store-'));
    const first = await DiskStore.open(dir);
    const second = path.join(dir, 'copy');
    await mkdir(second);
    // Another live process holds the folder (this test's parent stands in for it).
    await writeFile(path.join(second, 'tracefleet.lock'), String(process.ppid));
    await expect(DiskStore.open(second)).rejects.toThrow(StoreLockedError);
    // A process that is gone: its lock is stale.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    await writeFile(path.join(second, 'tracefleet.lock'), gone);
    const taken = await DiskStore.open(second);
    expect(await readFile(path.join(second, 'tracefleet.lock'), 'utf8')).toBe(String(process.pid));
    await taken.close();
    await first.close();
    // Closed: the folder is free again.
    await (await DiskStore.open(dir)).close();
  });

  it('keeps plain text uploads compressed and gzip ones as sent, and gives back exactly what was sent', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tracefleet-store-'));
    const s = await DiskStore.open(dir);
    const c = await s.createCapture('c');
    const text = Buffer.from(readText(path.join(CORPUS, 'real/cluster1/node-c.perf.txt')));
    const gz = gzipSync(text);
    for (const [node, body] of [['plain', text], ['gz', gz]] as const) {
      const up = await s.beginSourceUpload(c.id, node);
      // In odd pieces, the first one shorter than the two bytes that tell gzip apart.
      for (let off = 0, n = 1; off < body.length; off += n, n = n * 3 + 1) await up.write(body.subarray(off, off + n));
      await up.commit(profiles[0]!, newSource('perf', body.length));
    }
    const files = await readdir(path.join(dir, 'blobs', c.id));
    const rawSize = async (node: string) => (await stat(path.join(dir, 'blobs', c.id, files.find((f) => f.startsWith(`${node}~`) && f.endsWith('.raw'))!))).size;
    expect(await rawSize('plain')).toBeLessThan(text.length / 5);
    expect(await rawSize('gz')).toBe(gz.length);
    for (const [node, body] of [['plain', text], ['gz', gz]] as const) {
      const raw = await s.openRaw(c.id, node, 'perf');
      expect(raw?.bytes).toBe(body.length);
      expect(Buffer.from(await new Response(raw!.stream).arrayBuffer()).equals(body)).toBe(true);
    }
    await s.close();
  });

  it('removes files that no row points at when it opens (left by a crash mid-commit)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tracefleet-store-'));
    const s = await DiskStore.open(dir);
    const c = await s.createCapture('c');
    const up = await s.beginSourceUpload(c.id, 'n');
    await up.write(new TextEncoder().encode('kept'));
    await up.commit(profiles[0]!, newSource('perf', 1));
    await writeFile(path.join(dir, 'blobs', c.id, 'n~perf~orphan.raw'), 'orphan');
    await writeFile(path.join(dir, 'tmp', 'half-written.raw'), 'partial');
    await mkdir(path.join(dir, 'blobs', 'AAAAAAAAAAAAAAAAAAAAAA'));
    await s.close();
    const again = await DiskStore.open(dir);
    expect((await readdir(path.join(dir, 'blobs', c.id))).sort()).toHaveLength(2);
    expect(await readdir(path.join(dir, 'tmp'))).toEqual([]);
    expect(await readdir(path.join(dir, 'blobs'))).toEqual([c.id]);
    expect((await again.getCapture(c.id))?.nodes).toHaveLength(1);
    await again.close();
  });

  it('migrates a data folder of the one-upload-per-node schema: each node becomes a source named after its kind', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tracefleet-store-'));
    await mkdir(path.join(dir, 'blobs', 'QUJDREVGR0hJSktMTU5PUA'), { recursive: true });
    const db = new Database(path.join(dir, 'tracefleet.db'));
    db.exec(`CREATE TABLE captures (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE nodes (capture_id TEXT NOT NULL REFERENCES captures (id) ON DELETE CASCADE, name TEXT NOT NULL, version TEXT NOT NULL, summary TEXT NOT NULL, PRIMARY KEY (capture_id, name));`);
    db.prepare('INSERT INTO captures VALUES (?, ?, ?)').run('QUJDREVGR0hJSktMTU5PUA', 'old', '2026-01-01T00:00:00.000Z');
    // What schema 1 stored (lib/api NodeSummary of that time), and its files.
    const old = (name: string, format: string, events: string[]) => ({
      name, format, gzip: false, bytes: 3, textBytes: 3, lines: 1, samples: 2, events: events.map((e) => ({ name: e, samples: 1 })),
      startNs: 0, endNs: 5, clock: 'boot', hostname: 'host-1', warnings: 0, warningDetails: [], uploadedAt: '2026-01-01T00:00:00.000Z', version: `v-${name}`,
    });
    const rows = [old('a', 'perf-script', ['cpu-clock:ppp']), old('b', 'perf-script', ['sched:sched_switch', 'raw_syscalls:sys_enter']), old('c', 'strace', ['syscall'])];
    for (const r of rows) {
      db.prepare('INSERT INTO nodes VALUES (?, ?, ?, ?)').run('QUJDREVGR0hJSktMTU5PUA', r.name, r.version, JSON.stringify(r));
      await writeFile(path.join(dir, 'blobs', 'QUJDREVGR0hJSktMTU5PUA', `${r.name}~${r.version}.raw`), `raw ${r.name}`);
      await writeFile(path.join(dir, 'blobs', 'QUJDREVGR0hJSktMTU5PUA', `${r.name}~${r.version}.profile`), Buffer.concat(encodeProfile(profiles[0]!)));
    }
    db.close();

    const s = await DiskStore.open(dir);
    const c = await s.getCapture('QUJDREVGR0hJSktMTU5PUA');
    expect(c?.nodes.map((n) => `${n.name}/${n.sources.map((x) => `${x.name}:${x.kind}`).join(',')}`)).toEqual(['a/perf:perf', 'b/perf-tracepoints:perf-tracepoints', 'c/strace:strace']);
    expect(c?.nodes[0]?.hostname).toBe('host-1');
    const raw = await s.openRaw('QUJDREVGR0hJSktMTU5PUA', 'b', 'perf-tracepoints');
    expect(raw && (await new Response(raw.stream).text())).toBe('raw b');
    expect((await s.getProfile('QUJDREVGR0hJSktMTU5PUA', 'a', 'perf'))?.profile.samples.length).toBe(profiles[0]!.samples.length);
    await s.close();
    // Opening again changes nothing (and keeps the files: the sweep knows their stems).
    const again = await DiskStore.open(dir);
    expect((await again.getCapture('QUJDREVGR0hJSktMTU5PUA'))?.nodes).toHaveLength(3);
    expect(await readdir(path.join(dir, 'blobs', 'QUJDREVGR0hJSktMTU5PUA'))).toHaveLength(6);
    await again.close();
  });
});
