/**
 * Exports hold exactly the folded stacks: the pprof file, decoded with the `pprof-format`
 * package, and the speedscope file, validated against the JSON schema the `speedscope` package
 * ships, each give back the folded export's lines (names and weights) of the same column, for
 * CPU profiles, tracepoint captures with their off-CPU event, and strace logs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Ajv from 'ajv';
import { Profile as PprofProfile } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import { collapse, foldedLines } from '../lib/profile/collapse';
import { toPprof, toSpeedscope, type ExportMeta } from '../lib/profile/export';
import { OFF_CPU_EVENT } from '../lib/profile/types';
import { CORPUS } from './corpus';
import { parseText, readText } from './helpers';

const SCHEMA = JSON.parse(readFileSync(path.resolve(__dirname, '../node_modules/speedscope/dist/release/file-format-schema.json'), 'utf8')) as object;
const validate = new Ajv({ strict: false }).compile(SCHEMA);

const CASES: { file: string; event?: string }[] = [
  ...['a', 'b', 'c', 'd'].map((n) => ({ file: `real/cluster1/node-${n}.perf.txt` })),
  { file: 'real/cluster1/node-c.tp.perf.txt', event: OFF_CPU_EVENT },
  { file: 'real/cluster1/node-b.strace.txt' },
];

const byName = (lines: string[]) => [...lines].sort();

describe.each(CASES)('exports of $file $event', ({ file, event }) => {
  it('pprof decodes to the folded lines, with sample counts', async () => {
    const { profile } = await parseText(readText(path.join(CORPUS, file)), file);
    const trie = collapse(profile, { event });
    const folded = foldedLines(trie);
    expect(folded.length).toBeGreaterThan(0);
    const type = event ? profile.eventTypes.find((e) => e.name === event) : profile.eventTypes[profile.defaultEvent];
    const meta: ExportMeta = { event: type?.name ?? '', unit: type?.unit ?? 'samples', name: file };
    // As served: gzip, then back.
    const decoded = PprofProfile.decode(gunzipSync(gzipSync(toPprof(trie, 0, meta))));
    const strings = decoded.stringTable.strings;
    const fnName = new Map(decoded.function.map((f) => [Number(f.id), strings[Number(f.name)] as string]));
    const locName = new Map(decoded.location.map((l) => [Number(l.id), fnName.get(Number(l.line[0]?.functionId)) as string]));
    const lines = decoded.sample.map((s) => `${[...s.locationId].reverse().map((id) => locName.get(Number(id))).join(';')} ${Number(s.value[1])}`);
    expect(byName(lines)).toEqual(byName(folded));
    expect(decoded.sampleType.map((t) => strings[Number(t.type)])).toEqual(['samples', meta.event]);
    const counted = decoded.sample.reduce((n, s) => n + Number(s.value[0]), 0);
    expect(counted).toBe(trie.columns[0]?.totalCount);
  });

  it('speedscope validates against its schema and gives the folded lines', async () => {
    const { profile } = await parseText(readText(path.join(CORPUS, file)), file);
    const trie = collapse(profile, { event });
    const folded = foldedLines(trie);
    const type = event ? profile.eventTypes.find((e) => e.name === event) : profile.eventTypes[profile.defaultEvent];
    const out = JSON.parse(JSON.stringify(toSpeedscope(trie, 0, { event: type?.name ?? '', unit: type?.unit ?? 'samples', name: file })));
    expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
    const frames = out.shared.frames as { name: string }[];
    const p = out.profiles[0] as { samples: number[][]; weights: number[]; endValue: number; unit: string };
    const lines = p.samples.map((stack, i) => `${stack.map((f) => frames[f]?.name).join(';')} ${p.weights[i]}`);
    expect(byName(lines)).toEqual(byName(folded));
    expect(p.endValue).toBe(trie.columns[0]?.total);
    expect(p.unit).toBe(type?.unit === 'ns' ? 'nanoseconds' : 'none');
  });
});

it('the schema check can fail: a profile without weights is refused', () => {
  expect(validate({ $schema: 'https://www.speedscope.app/file-format-schema.json', shared: { frames: [] }, profiles: [{ type: 'sampled', name: 'x', unit: 'none', startValue: 0, endValue: 1, samples: [[0]] }] })).toBe(false);
});
