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
import { toFlameSvg, toPprof, toSpeedscope, type ExportMeta } from '../lib/profile/export';
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

describe('SVG flame graph export', () => {
  const EVIL = '<img src=x onerror=alert(1)>&"\'';
  it('draws every frame wider than 0.1 px with its share, children within their parent, names as escaped text', async () => {
    const { profile } = await parseText(`app;main;${EVIL} 10\napp;main;ok 5\napp;other 5\n`, 'evil.folded');
    const trie = collapse(profile, {});
    const svg = toFlameSvg(trie, 0, { event: 'samples', unit: 'samples', name: 'evil' });
    // Well-formed XML with no markup from the capture.
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&#60;img src=x onerror=alert(1)&#62;&#38;&#34;&#39;');
    const frames = [...svg.matchAll(/<g class="f"><title>([^<]*)<\/title><rect x="([\d.]+)" y="(\d+)" width="([\d.]+)"/g)].map((m) => ({ title: m[1] as string, x: Number(m[2]), y: Number(m[3]), w: Number(m[4]) }));
    expect(frames).toHaveLength(6); // all, app, main, other, the evil one, ok
    const root = frames.find((f) => f.title.startsWith('all ')) as (typeof frames)[number];
    expect(root.title).toBe('all (3 samples, 20 samples, 100.00%)');
    expect(root.w).toBeCloseTo(1200, 5);
    const main = frames.find((f) => f.title.startsWith('main ')) as (typeof frames)[number];
    expect(main.title).toContain('75.00%');
    expect(main.w).toBeCloseTo(900, 5);
    // Root at the bottom: deeper frames higher up, inside their parent's span.
    for (const f of frames.filter((g) => g !== root)) {
      expect(f.y).toBeLessThan(root.y);
      expect(f.x).toBeGreaterThanOrEqual(root.x - 1e-6);
      expect(f.x + f.w).toBeLessThanOrEqual(root.x + root.w + 1e-6);
    }
  });

  it('a real profile: the root spans the width, and the frame count stays bounded', async () => {
    const { profile } = await parseText(readText(path.join(CORPUS, 'real/cluster1/node-d.perf.txt')), 'node-d');
    const trie = collapse(profile, {});
    const svg = toFlameSvg(trie, 0, { event: 'cpu-clock', unit: 'ns', name: 'node-d' });
    const count = svg.split('<g class="f">').length - 1;
    expect(count).toBeGreaterThan(100);
    expect(count).toBeLessThanOrEqual(50_001);
    expect(svg).toContain('mix_round.constprop.0');
  });
});
