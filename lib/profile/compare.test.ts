import { describe, expect, it } from 'vitest';
import { ProfileBuilder } from './builder';
import { collapse } from './collapse';
import { diffTree, jensenShannon, mergedTree, MultiTree, rankNodes, type DiffNode } from './compare';

/** A node's name tree from folded-like rows [frames root first, weight]; comm 'app'. */
function tree(rows: [string[], number][]) {
  const b = new ProfileBuilder('perf-script');
  const ev = b.eventType('cycles');
  rows.forEach(([frames, w], i) => {
    const ids = frames.map((f) => b.frame(f, '/bin/app', '')).reverse();
    b.sample(b.relNs('boot', 1, i), b.stackFromLeafFirst(ids, ids.length), b.thread('app', 1, 1), 0, ev, w, w, 0);
  });
  return collapse(b.build(), {});
}

const find = (n: DiffNode, path: string[]): DiffNode | undefined => {
  let cur: DiffNode | undefined = n;
  for (const p of path) cur = cur?.c?.find((c) => c.n === p);
  return cur;
};

describe('differential tree', () => {
  // A: 100 in main;work, 100 in main;idle. B: 30 in main;work, 270 in main;idle, 100 in main;gone.
  const A = tree([
    [['main', 'work'], 100],
    [['main', 'idle'], 100],
  ]);
  const B = tree([
    [['main', 'work'], 30],
    [['main', 'idle'], 270],
    [['main', 'gone'], 100],
  ]);
  const m = new MultiTree([A, B]);

  it('compares shares of each side’s own total (different totals compare fairly)', () => {
    const d = diffTree(m, 0, [1]);
    expect([d.totalA, d.totalB]).toEqual([200, 400]);
    const work = find(d.root, ['app', 'main', 'work']) as DiffNode;
    expect(work.sa).toBeCloseTo(0.5);
    expect(work.sb).toBeCloseTo(0.075);
    expect(work.d).toBeCloseTo(0.425);
    expect([work.a, work.b, work.v]).toEqual([100, 30, 100]);
    const idle = find(d.root, ['app', 'main', 'idle']) as DiffNode;
    expect(idle.d).toBeCloseTo(0.5 - 0.675);
    expect(d.root.d).toBeCloseTo(0);
  });

  it('frames on one side only: absent from A’s shape, drawn in B’s shape', () => {
    expect(find(diffTree(m, 0, [1]).root, ['app', 'main', 'gone'])).toBeUndefined();
    const b = diffTree(m, 0, [1], { shape: 'b' });
    const gone = find(b.root, ['app', 'main', 'gone']) as DiffNode;
    expect([gone.v, gone.sa, gone.sb]).toEqual([100, 0, 0.25]);
    expect(b.topTotal.find((r) => r.name === 'gone')?.delta).toBeCloseTo(-0.25);
    expect(b.topSelf[0]?.name).toBe('work');
  });

  it('a side of several nodes averages their shares (each node weighs the same)', () => {
    const C = tree([[['main', 'work'], 1000]]);
    const multi = new MultiTree([A, B, C]);
    const d = diffTree(multi, 0, [1, 2]);
    const work = find(d.root, ['app', 'main', 'work']) as DiffNode;
    expect(work.sb).toBeCloseTo((0.075 + 1) / 2);
    expect(work.b).toBe(1030);
  });

  it('merges all nodes with per-node totals', () => {
    const mt = mergedTree(m);
    expect(mt.total).toBe(600);
    const main = mt.root.c?.[0]?.c?.[0];
    expect(main?.per).toEqual([200, 400]);
  });
});

describe('odd one out', () => {
  const same = (w: number) =>
    tree([
      [['main', 'parse'], 50 * w],
      [['main', 'compute'], 40 * w],
      [['main', 'io'], 10 * w],
    ]);

  it('ranks the node with a hot spot first and names the function, whatever the sample totals', () => {
    const hot = tree([
      [['main', 'parse'], 50],
      [['main', 'compute'], 40],
      [['main', 'io'], 10],
      [['main', 'checksum'], 150],
    ]);
    const m = new MultiTree([same(1), same(3), hot, same(0.5)]);
    const r = rankNodes(m);
    expect(r[0]?.node).toBe(2);
    expect(r[0]?.topFrames[0]?.name).toBe('checksum');
    expect(r[0]?.topFrames[0]?.deltaShare).toBeCloseTo(0.6);
    // Identical shapes at different sampling rates are not different.
    expect(r.slice(1).every((x) => x.score < 0.05)).toBe(true);
  });

  it('gives a node without samples a score of 0 and leaves it out of the others’ baseline', () => {
    const empty = tree([]);
    const m = new MultiTree([same(1), empty, same(2)]);
    const r = rankNodes(m);
    expect(r.find((x) => x.node === 1)?.score).toBe(0);
    expect(r.every((x) => x.score < 1e-9)).toBe(true);
  });

  it('Jensen–Shannon divergence is 0 for equal and 1 for disjoint distributions', () => {
    expect(jensenShannon(new Map([['a', 1]]), new Map([['a', 1]])).js).toBe(0);
    expect(jensenShannon(new Map([['a', 1]]), new Map([['b', 1]])).js).toBeCloseTo(1);
  });
});
