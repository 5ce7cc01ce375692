import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../../tests/corpus';
import { parseText, readText } from '../../tests/helpers';
import { sourceKind } from '../api/sources';
import { recordedEvents } from '../profile/select';
import { fileStem, groupHosts, guessKind } from './upload';

describe('naming dropped files', () => {
  it('guesses the kind the server will detect, from the first page, on every cluster capture', async () => {
    const dir = path.join(CORPUS, 'real/cluster1');
    const files = readdirSync(dir).filter((f) => /\.(txt|gz)$/.test(f) && !/strace-c|syscalls\.tsv/.test(f));
    expect(files.length).toBeGreaterThan(15);
    for (const f of files) {
      const text = readText(path.join(dir, f));
      const { profile, format } = await parseText(text, f);
      const kind = sourceKind(format.id, recordedEvents(profile));
      expect(guessKind(text.slice(0, 64 * 1024)), f).toBe(kind);
    }
  });

  it('groups files into hosts by stem and by # hostname, named after the hostname when one says it', () => {
    const files = [
      { name: 'node-a.perf.txt', hostname: 'cluster1-node-a' },
      { name: 'node-a.strace.txt', hostname: null },
      { name: 'node-a.ftrace.txt', hostname: null },
      { name: 'node-b.strace.txt.gz', hostname: null },
      { name: 'perf-web1.txt', hostname: 'web1' },
      { name: 'web1.strace.txt', hostname: null },
      { name: 'other/web1-extra.perf.txt', hostname: 'web1' },
    ];
    expect(groupHosts(files.map((f) => ({ stem: fileStem(f.name), hostname: f.hostname })))).toEqual([
      'cluster1-node-a',
      'cluster1-node-a',
      'cluster1-node-a',
      'node-b',
      'web1',
      // Its stem is the other files' hostname: the same host by name.
      'web1',
      'web1',
    ]);
  });
});
