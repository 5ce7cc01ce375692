import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../../tests/corpus';
import { fold, parseText, readText } from '../../tests/helpers';
import { subsecondHeatmap, heatmapColumnNs, latencyHeatmap, syscallTimeHeatmap } from './heatmap';
import { syscallSummary } from './syscalls';
import { timeline } from './timeline';
import { SampleFlag } from './types';

const tp = (n: string) => path.join(CORPUS, `real/cluster1/node-${n}.tp.perf.txt`);

describe('perf tracepoints', () => {
  // CPU slices, syscall pairing, off-CPU time and latency against the raw text: tests/sched-truth.test.ts.
  it('decoded tracepoints keep no payload text; stacks still feed the flame graph', async () => {
    const r = await parseText(readText(tp('a')));
    const { payload, flags } = r.profile.samples;
    expect(Array.from(payload).every((x, i) => x === 0 || ((flags[i] as number) & SampleFlag.Derived) !== 0)).toBe(true);
    expect(fold(r, { event: 'sched:sched_switch' }).length).toBeGreaterThan(10);
  });
});

describe('timeline and heatmaps', () => {
  it('timeline buckets add up to the records, syscalls and CPU time', async () => {
    const p = (await parseText(readText(tp('c')))).profile;
    const t = timeline(p, { buckets: 37 });
    const records = Array.from(p.samples.flags).filter((f) => (f & SampleFlag.Derived) === 0).length;
    expect(t.series.reduce((a, s) => a + s.counts.reduce((x, y) => x + y, 0), 0)).toBe(records);
    expect(t.syscalls?.calls.reduce((a, b) => a + b, 0)).toBe(syscallSummary(p).reduce((a, r) => a + r.calls, 0));
    expect(t.cpus.map((c) => c.cpu)).toEqual([0, 1]);
    for (const lane of t.cpus) for (const b of lane.busy) expect(b).toBeLessThanOrEqual(1);
    const half = timeline(p, { fromNs: 0, toNs: p.meta.durationNs / 2, buckets: 10 });
    expect(half.series.reduce((a, s) => a + s.total, 0)).toBeLessThan(records);
  });

  it('subsecond heatmap counts every sample once, and a selection is exactly its samples', async () => {
    const r = await parseText(readText(path.join(CORPUS, 'real/cluster1/node-d.perf.txt')));
    const p = r.profile;
    const h = subsecondHeatmap(p);
    expect(h.total).toBe(8055);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(8055);
    const sel = { colNs: h.colNs, rowNs: h.rowNs, c0: 1, c1: 3, r0: 10, r1: 29 };
    let expected = 0;
    for (let c = 1; c <= 3; c++) for (let row = 10; row <= 29; row++) expected += h.counts[c * h.rows + row] ?? 0;
    const lines = fold(r, { cells: sel });
    const got = lines.reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(got).toBe(expected * 1003009);
  });

  it('picks heatmap columns for short and long captures', () => {
    expect(heatmapColumnNs(4e9)).toBe(200e6);
    expect(heatmapColumnNs(60e9)).toBe(1e9);
    expect(heatmapColumnNs(3600e9)).toBe(10e9);
    expect(heatmapColumnNs(3e6)).toBe(1e6);
  });

  it('syscall × time and latency heatmaps hold every completed call', async () => {
    const p = (await parseText(readText(tp('b')))).profile;
    const calls = syscallSummary(p).reduce((a, r) => a + r.calls, 0);
    const m = syscallTimeHeatmap(p, { buckets: 20, top: 1000 });
    expect(m.rows.reduce((a, r) => a + r.total, 0)).toBe(calls);
    const write = syscallSummary(p).find((r) => r.name === 'write');
    const l = latencyHeatmap(p, 'write', { buckets: 20 });
    expect(l.calls).toBe(write?.calls);
    expect(l.counts.reduce((a, b) => a + b, 0)).toBe(write?.calls);
  });
});
