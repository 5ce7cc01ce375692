/**
 * Imports of other tools' files through the same sniffing upload path as every capture: our
 * own pprof and speedscope exports of real corpus captures come back as the same folded lines
 * (names, weights and process names), and sniffing by content tells binary pprof from text
 * (a perf script that starts with an empty line stays a perf script; garbage is refused).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Profile as PprofProfile } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import { parseCapture, UnknownFormatError } from '../lib/parse';
import { perfScriptFormat } from '../lib/parse/perf-script';
import { guessKind } from '../lib/client/upload';
import { collapse, foldedLines } from '../lib/profile/collapse';
import { toPprof, toSpeedscope, type ExportMeta } from '../lib/profile/export';
import { OFF_CPU_EVENT, type Profile } from '../lib/profile/types';
import { CORPUS } from './corpus';
import { chunked, firstDifference, fold, parseBytes, parseText, readText } from './helpers';

const CASES: { file: string; event?: string }[] = [
  { file: 'real/cluster1/node-a.perf.txt' },
  { file: 'real/cluster1/node-d.perf.txt' },
  { file: 'real/cluster1/node-c.tp.perf.txt', event: OFF_CPU_EVENT },
  { file: 'speedscope/sample/profiles/linux-perf/forks.linux-perf.txt' },
  { file: 'flamegraph-tests/test/perf-java-stacks-01.txt' },
];

async function exported(file: string, event?: string) {
  const { profile } = await parseText(readText(path.join(CORPUS, file)), file);
  const trie = collapse(profile, { event });
  const type = event ? profile.eventTypes.find((e) => e.name === event) : profile.eventTypes[profile.defaultEvent];
  const meta: ExportMeta = { event: type?.name ?? '', unit: type?.unit ?? 'samples', name: file, startNs: 1_700_000_000e9 };
  return { trie, meta, folded: foldedLines(trie) };
}

const eventOf = (p: Profile) => p.eventTypes[p.defaultEvent];

describe.each(CASES)('export → import of $file $event', ({ file, event }) => {
  it('pprof (gzip, sniffed) gives back the folded lines, process names included', async () => {
    const { trie, meta, folded } = await exported(file, event);
    expect(folded.length).toBeGreaterThan(0);
    const r = await parseBytes(gzipSync(toPprof(trie, 0, meta)), `${file}.pb.gz`);
    expect(r.format.id).toBe('pprof');
    expect(r.stats.gzip).toBe(true);
    expect(fold(r)).toEqual(folded);
    expect(eventOf(r.profile)?.name).toBe(meta.event);
    expect(eventOf(r.profile)?.unit).toBe(meta.unit);
    expect(r.profile.meta.untimed).toBe(true);
    expect(r.profile.meta.clock).toEqual({ kind: 'epoch', originSec: 1_700_000_000, originNsOfSec: 0 });
  });

  it('speedscope (sniffed) gives back the folded lines, process names included', async () => {
    const { trie, meta, folded } = await exported(file, event);
    const r = await parseText(JSON.stringify(toSpeedscope(trie, 0, meta)), `${file}.speedscope.json`);
    expect(r.format.id).toBe('speedscope');
    expect(fold(r)).toEqual(folded);
    // speedscope keeps the unit (time or not), not the event's name.
    expect(eventOf(r.profile)?.unit === 'ns').toBe(meta.unit === 'ns');
  });
});

it('a pprof that is not our export keeps its root frames as frames, under one process', async () => {
  const { trie, meta, folded } = await exported('real/cluster1/node-b.perf.txt');
  const p = PprofProfile.decode(toPprof(trie, 0, meta));
  p.comment = [];
  const r = await parseBytes(p.encode(), 'node-b.pb');
  expect(r.stats.gzip).toBe(false);
  expect(fold(r)).toEqual(folded.map((l) => `pprof;${l}`));
});

describe('sniffing by content', () => {
  it('a perf script whose first line is empty is still a perf script (0x0a is also a pprof field tag)', async () => {
    const text = readText(path.join(CORPUS, 'real/cluster1/node-a.perf.txt'));
    const plain = await parseText(text, 'node-a');
    for (const prefix of ['\n', '\n\n', '\r\n']) {
      const r = await parseText(prefix + text, 'node-a');
      expect(r.format.id).toBe('perf-script');
      expect(fold(r)).toEqual(fold(plain));
    }
    const gz = await parseBytes(gzipSync(Buffer.from(`\n${text}`)), 'node-a.gz');
    expect(gz.format.id).toBe('perf-script');
  });

  it('peeking at the first bytes changes nothing for text: sniffed in small pieces, gzip or not, a perf script parses as when its format is given', async () => {
    const bytes = new Uint8Array(readFileSync(path.join(CORPUS, 'real/cluster1/node-a.perf.txt.gz')));
    const given = await parseCapture([bytes], { file: 'node-a', format: perfScriptFormat });
    const sniffed = await parseCapture(chunked(bytes, [1, 2, 3, 4093]), { file: 'node-a' });
    expect(sniffed.format.id).toBe('perf-script');
    expect(firstDifference(given.profile, sniffed.profile)).toBeNull();
    expect(sniffed.stats).toEqual(given.stats);
  });

  it('the upload page names a dropped pprof or speedscope file after the kind the server detects', async () => {
    const { trie, meta } = await exported('real/cluster1/node-a.perf.txt');
    // As the page reads a file's head: decoded as UTF-8, whatever it holds.
    const head = (b: Uint8Array) => new TextDecoder().decode(b.subarray(0, 64 * 1024));
    expect(guessKind(head(toPprof(trie, 0, meta)))).toBe('pprof');
    expect(guessKind(JSON.stringify(toSpeedscope(trie, 0, meta)).slice(0, 64 * 1024))).toBe('speedscope');
  });

  it('Latin-1 text (invalid UTF-8) that no binary format claims is read as text', async () => {
    const r = await parseBytes(Buffer.from('caf\xe9;main;work 3\napp;main 2\n', 'latin1'), 'latin1.folded');
    expect(r.format.id).toBe('folded');
    expect(fold(r)).toEqual(['app;main 2', 'caf\ufffd;main;work 3']);
    // Folded stacks have no times: the parser says so (the source summary's `untimed`).
    expect(r.profile.meta.untimed).toBe(true);
  });

  it('garbage binary is an unknown format, also when it starts like a pprof field', async () => {
    let seed = 7;
    const random = new Uint8Array(65536).map(() => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));
    await expect(parseBytes(random, 'random.bin')).rejects.toBeInstanceOf(UnknownFormatError);
    await expect(parseBytes(gzipSync(random), 'random.bin.gz')).rejects.toBeInstanceOf(UnknownFormatError);
    const fieldLike = new Uint8Array([0x0a, 0x02, 0x08, 0x01, 0xff, 0xfe, 0x00, 0x00]);
    await expect(parseBytes(fieldLike, 'x.bin')).rejects.toBeInstanceOf(UnknownFormatError);
  });
});
