import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseText, readText } from '../../tests/helpers';
import { CORPUS } from '../../tests/corpus';
import { captureStoreContract } from './contract';
import { DiskStore } from './disk-store';

const profiles = await Promise.all(
  ['real/cluster1/node-c.perf.txt', 'speedscope/sample/profiles/linux-perf/forks.linux-perf.txt'].map(async (f) => (await parseText(readText(path.join(CORPUS, f)))).profile),
);

const dirs = new WeakMap<DiskStore, string>();
captureStoreContract('DiskStore (SQLite + files, on a real disk)', {
  open: async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tracefleet-store-'));
    const s = await DiskStore.open(dir);
    dirs.set(s, dir);
    return s;
  },
  reopen: async (s) => {
    const dir = dirs.get(s as DiskStore) as string;
    await s.close();
    const again = await DiskStore.open(dir);
    dirs.set(again, dir);
    return again;
  },
  profiles: [profiles[0]!, profiles[1]!],
});

describe('DiskStore files', () => {
  it('removes files that no row points at when it opens (left by a crash mid-commit)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tracefleet-store-'));
    const s = await DiskStore.open(dir);
    const c = await s.createCapture('c');
    const up = await s.beginNodeUpload(c.id, 'n');
    await up.write(new TextEncoder().encode('kept'));
    await up.commit(profiles[0]!, {
      name: 'n', format: 'perf-script', gzip: false, bytes: 4, textBytes: 4, lines: 1, samples: 1, events: [], startNs: 0, endNs: 0, clock: 'boot', hostname: null, warnings: 0, warningDetails: [],
    });
    await writeFile(path.join(dir, 'blobs', c.id, 'n~orphan.raw'), 'orphan');
    await writeFile(path.join(dir, 'tmp', 'half-written.raw'), 'partial');
    await s.close();
    const again = await DiskStore.open(dir);
    expect((await readdir(path.join(dir, 'blobs', c.id))).sort()).toHaveLength(2);
    expect(await readdir(path.join(dir, 'tmp'))).toEqual([]);
    expect((await again.getCapture(c.id))?.nodes).toHaveLength(1);
    await again.close();
  });
});
