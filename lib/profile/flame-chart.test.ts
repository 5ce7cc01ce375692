import { describe, expect, it } from 'vitest';
import { ProfileBuilder } from './builder';
import { flameChart } from './flame-chart';

/** Samples [ms, tid, frames root first] of process `app` (tid 1, 2) under one event. */
function profileOf(rows: [number, number, string[]][]) {
  const b = new ProfileBuilder('perf-script');
  const ev = b.eventType('cycles');
  for (const [ms, tid, frames] of rows) {
    const ids = frames.map((f) => b.frame(f, '/bin/app', '')).reverse();
    b.sample(b.relNs('boot', 100, ms * 1e6), b.stackFromLeafFirst(ids, ids.length), b.thread('app', 1, tid), 0, ev, 1, 1, 0);
  }
  return b.build();
}

/** Cells as `depth name start-end` (ms), sorted by depth then start. */
function cells(chart: ReturnType<typeof flameChart>): string[] {
  return chart.depth
    .map((d, i) => ({ d, s: chart.start[i] as number, text: `${d} ${chart.names[chart.name[i] as number]} ${(chart.start[i] as number) / 1e6}-${(chart.end[i] as number) / 1e6}` }))
    .sort((a, b) => a.d - b.d || a.s - b.s)
    .map((c) => c.text);
}

describe('time-ordered flame chart', () => {
  const p = profileOf([
    [0, 1, ['main', 'parse']],
    [1, 1, ['main', 'parse']],
    [2, 1, ['main', 'compute', 'sqrt']],
    [3, 1, ['main', 'compute']],
    // 1 ms steps: a 10 ms gap is a hole (longer than twice the median gap).
    [13, 1, ['main', 'compute']],
    [14, 1, ['main', 'parse']],
  ]);

  it('merges consecutive samples sharing a frame into one cell, and splits at holes', () => {
    expect(cells(flameChart(p, {}))).toEqual([
      '0 app 0-4',
      '0 app 13-15',
      '1 main 0-4',
      '1 main 13-15',
      '2 parse 0-2',
      '2 compute 2-4',
      '2 compute 13-14',
      '2 parse 14-15',
      '3 sqrt 2-3',
    ]);
  });

  it('shows one thread, lists the busiest threads, and leaves out cells under the minimum width', () => {
    const two = profileOf([
      [0, 1, ['main', 'a']],
      [1, 2, ['worker', 'b']],
      [2, 1, ['main', 'a']],
      [3, 2, ['worker', 'b']],
      [4, 2, ['worker', 'b']],
    ]);
    const all = flameChart(two, {});
    expect(all.threads.map((t) => [t.tid, t.samples])).toEqual([
      [2, 3],
      [1, 2],
    ]);
    expect(all.tid).toBeNull();
    const worker = flameChart(two, { thread: 2 });
    expect(worker.samples).toBe(3);
    expect(flameChart(two, { thread: 'busiest' })).toEqual(worker);
    expect(cells(worker).filter((c) => c.startsWith('2 '))).toEqual(['2 b 1-5']);
    const coarse = flameChart(p, { minCellNs: 1.5e6 });
    expect(cells(coarse)).not.toContain('3 sqrt 2-3');
    expect(coarse.hidden).toBeGreaterThan(0);
    const capped = flameChart(p, { maxCells: 3 });
    expect(capped.depth).toHaveLength(3);
    expect(capped.truncated).toBe(true);
  });

  it('reads the time range like every other view', () => {
    const c = flameChart(p, { fromNs: 2e6, toNs: 4e6 });
    expect(c.samples).toBe(2);
    expect(cells(c)).toContain('3 sqrt 2-3');
  });
});
