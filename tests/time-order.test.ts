/**
 * The time-ordered flame chart on every perf input of the corpus: for the busiest thread and for
 * all threads, every sample counted, cells inside the range, cells of one depth never overlapping,
 * and every cell below the top inside a cell of the depth above (a frame is on the stack of the
 * frame that called it).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { flameChart } from '../lib/profile/flame-chart';
import { forEachSample } from '../lib/profile/select';
import { CORPUS, foldedCases } from './corpus';
import { parseBytes } from './helpers';

describe('time order on every perf input of the corpus', () => {
  const inputs = [...new Set(foldedCases().map((c) => c.input))];
  it.each(inputs.map((f) => [path.relative(CORPUS, f), f]))('%s', async (_, file) => {
    const { profile } = await parseBytes(readFileSync(file), file);
    let selected = 0;
    forEachSample(profile, {}, () => selected++);
    const all = flameChart(profile, {});
    expect(all.samples).toBe(selected);
    const busiest = all.threads[0];
    const busiestChart = flameChart(profile, { thread: 'busiest' });
    expect(busiestChart.tid).toBe(busiest?.tid ?? null);
    for (const chart of [all, busiestChart]) {
      const byDepth = new Map<number, [number, number][]>();
      for (let i = 0; i < chart.depth.length; i++) {
        const [s, e] = [chart.start[i] as number, chart.end[i] as number];
        expect(e).toBeGreaterThan(s);
        expect(s).toBeGreaterThanOrEqual(chart.fromNs);
        expect(e).toBeLessThanOrEqual(chart.toNs);
        const list = byDepth.get(chart.depth[i] as number) ?? [];
        list.push([s, e]);
        byDepth.set(chart.depth[i] as number, list);
      }
      for (const list of byDepth.values()) {
        list.sort((a, b) => a[0] - b[0]);
        for (let k = 1; k < list.length; k++) expect(list[k]![0]).toBeGreaterThanOrEqual(list[k - 1]![1]);
      }
      for (const [d, list] of byDepth) {
        if (d === 0) continue;
        const above = byDepth.get(d - 1) ?? [];
        for (const [s, e] of list) expect(above.some(([ps, pe]) => ps <= s && e <= pe)).toBe(true);
      }
    }
  });
});
