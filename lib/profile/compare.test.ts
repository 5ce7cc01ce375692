import { describe, expect, it } from 'vitest';
import { ProfileBuilder } from './builder';
import { collapseInto } from './collapse';
import { diffFlame, mergedFlame, side, type DiffNode, type MergedNode } from './flame-views';
import { jensenShannon, rankColumns, rankColumnsAbsolute } from './ranking';
import { comparability } from './comparability';
import { WeightedTrie } from './weighted-trie';

/** A node's profile from folded-like rows [frames root first, weight]; comm 'app'. */
function tree(rows: [string[], number][]) {
  const b = new ProfileBuilder('perf-script');
  const ev = b.eventType('cycles');
  rows.forEach(([frames, w], i) => {
    const ids = frames.map((f) => b.frame(f, '/bin/app', '')).reverse();
    b.sample(b.relNs('boot', 1, i), b.stackFromLeafFirst(ids, ids.length), b.thread('app', 1, 1), 0, ev, w, w, 0);
  });
  return b.build();
}

/** One trie with a column per profile. */
function multi(profiles: ReturnType<typeof tree>[]): WeightedTrie {
  const trie = new WeightedTrie();
  for (const p of profiles) collapseInto(trie, p, {});
  return trie;
}

const diffTree = (m: WeightedTrie, a: number, b: number[], opts: Parameters<typeof diffFlame>[3] = {}) => diffFlame(m, side(m, [a]), side(m, b), opts);
const all = (m: WeightedTrie) => m.columns.map((_, k) => k);

const find = <N extends { n: string; c?: N[] }>(n: N, path: string[]): N | undefined => {
  let cur: N | undefined = n;
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
  const m = multi([A, B]);

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
    const m3 = multi([A, B, C]);
    const d = diffTree(m3, 0, [1, 2]);
    const work = find(d.root, ['app', 'main', 'work']) as DiffNode;
    expect(work.sb).toBeCloseTo((0.075 + 1) / 2);
    expect(work.b).toBe(1030);
  });

  it('merges all nodes with per-node totals', () => {
    const mt = mergedFlame(m, all(m));
    expect(mt.total).toBe(600);
    const main = mt.root.c?.[0]?.c?.[0];
    expect(main?.per).toEqual([200, 400]);
  });
});

describe('differential and merged trees wider than the budget', () => {
  // A: main → 40 leaves of weight 1..40; B: the same leaves at other weights, plus b-only.
  const leaves = Array.from({ length: 40 }, (_, i) => `f${String(i).padStart(2, '0')}`);
  const A = tree(leaves.map((f, i) => [['main', f], i + 1]));
  const B = tree([...leaves.map((f, i): [string[], number] => [['main', f], 41 - i]), [['main', 'b-only', 'deeper'], 30]]);
  const m = multi([A, B]);
  const kids = <N extends { c?: N[] }>(n: N | undefined) => n?.c ?? [];
  const sum = <N>(rows: N[], key: (r: N) => number) => rows.reduce((acc, r) => acc + key(r), 0);

  it('diff: one aggregate per parent keeps exactly the weight and shares of what it replaces', () => {
    const full = diffTree(m, 0, [1]);
    const cut = diffTree(m, 0, [1], { maxNodes: 12 });
    expect(cut.truncated).toBe(true);
    const main = find(cut.root, ['app', 'main']) as DiffNode;
    const fullMain = find(full.root, ['app', 'main']) as DiffNode;
    const agg = kids(main).find((c) => c.l === 'other') as DiffNode;
    expect(agg.x).toBe(kids(fullMain).length - (kids(main).length - 1));
    for (const key of ['v', 'a', 'b', 'sa', 'sb', 'd'] as const) expect(sum(kids(main), (c) => c[key]), key).toBeCloseTo(sum(kids(fullMain), (c) => c[key]), 12);
    expect(sum(kids(main), (c) => c.v)).toBe(main.v);
    expect(sum(kids(main), (c) => c.k)).toBe(main.k);
  });

  it('diff: a zoom into the aggregate’s parent returns the folded frames, and B’s shape shows B-only frames', () => {
    const cut = diffTree(m, 0, [1], { maxNodes: 12, shape: 'b' });
    const folded = kids(find(cut.root, ['app', 'main'])).find((c) => c.l === 'other');
    expect(folded).toBeDefined();
    const zoomed = diffTree(m, 0, [1], { maxNodes: 12, shape: 'b', focus: ['app', 'main', 'b-only'] });
    expect(zoomed.focusFound).toBe(true);
    const bOnly = find(zoomed.root, ['app', 'main', 'b-only']) as DiffNode;
    expect([bOnly.v, bOnly.a, bOnly.sa]).toEqual([30, 0, 0]);
    expect(kids(bOnly).map((c) => c.n)).toEqual(['deeper']);
    // Focused on main itself at a budget that fits: every leaf is back.
    const main = find(diffTree(m, 0, [1], { maxNodes: 100, focus: ['app', 'main'] }).root, ['app', 'main']);
    expect(kids(main).length).toBe(40);
  });

  it('merged: aggregates sum every node’s totals, and a focus expands them', () => {
    const full = mergedFlame(m, all(m));
    const cut = mergedFlame(m, all(m), { maxNodes: 10 });
    const main = find(cut.root, ['app', 'main']) as MergedNode;
    const fullMain = find(full.root, ['app', 'main']) as MergedNode;
    expect(kids(main).some((c) => c.l === 'other')).toBe(true);
    for (const k of [0, 1]) expect(sum(kids(main), (c) => c.per[k] as number)).toBe(fullMain.per[k]);
    expect(sum(kids(main), (c) => c.v)).toBe(fullMain.v);
    const focused = mergedFlame(m, all(m), { maxNodes: 10, focus: ['app', 'main', 'b-only'] });
    expect(kids(find(focused.root, ['app', 'main', 'b-only'])).map((c) => `${c.n} ${c.per.join('/')}`)).toEqual(['deeper 0/30']);
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
    const m = multi([same(1), same(3), hot, same(0.5)]);
    const r = rankColumns(m, all(m));
    expect(r[0]?.node).toBe(2);
    expect(r[0]?.topFrames[0]?.name).toBe('checksum');
    expect(r[0]?.topFrames[0]?.deltaShare).toBeCloseTo(0.6);
    // Identical shapes at different sampling rates are not different.
    expect(r.slice(1).every((x) => x.score < 0.05)).toBe(true);
  });

  it('gives a node without samples a score of 0 and leaves it out of the others’ baseline', () => {
    const empty = tree([]);
    const m = multi([same(1), empty, same(2)]);
    const r = rankColumns(m, all(m));
    expect(r.find((x) => x.node === 1)?.score).toBe(0);
    expect(r.every((x) => x.score < 1e-9)).toBe(true);
  });

  it('absolute mode: the same shape at another volume differs by Σ|a − m| / (Σa + Σm); shares do not see it', () => {
    const m = multi([same(1), same(1), same(0.5)]);
    const byShare = rankColumns(m, all(m));
    expect(byShare.every((x) => x.score < 1e-9)).toBe(true);
    const abs = rankColumnsAbsolute(m, all(m));
    // Host 2: 50 against a mean of 100 → 50 / 150.
    expect(abs[0]?.node).toBe(2);
    expect(abs[0]?.score).toBeCloseTo(1 / 3);
    // Hosts 0 and 1: 100 against a mean of 75 → 25 / 175.
    expect(abs[1]?.score).toBeCloseTo(25 / 175);
    expect(abs[0]?.topFrames[0]?.deltaShare).toBeLessThan(0);
  });

  it('absolute diff: shares of one denominator, so half the volume shows as half the share', () => {
    const m = multi([same(1), same(0.5)]);
    const rel = diffTree(m, 0, [1]);
    expect(Math.abs(rel.root.d)).toBeLessThan(1e-9);
    const d = diffFlame(m, side(m, [0], 100), side(m, [1], 100));
    expect(d.root.sa).toBeCloseTo(1);
    expect(d.root.sb).toBeCloseTo(0.5);
    expect(d.root.d).toBeCloseTo(0.5);
  });

  it('comparability says when events, rates, durations or sample counts are far apart', () => {
    const h = (node: string, event: string, samples: number, seconds: number) => ({ node, event, samples, durationNs: seconds * 1e9 });
    expect(comparability([h('a', 'cycles', 1000, 10), h('b', 'cycles', 1200, 11)])).toEqual([]);
    const codes = (hosts: ReturnType<typeof h>[]) => comparability(hosts).map((w) => w.code);
    expect(codes([h('a', 'cycles', 1000, 10), h('b', 'cpu-clock', 1000, 10)])).toEqual(['events']);
    expect(codes([h('a', 'cycles', 1000, 10), h('b', 'cycles', 3000, 10)])).toEqual(['rate']);
    expect(codes([h('a', 'cycles', 1000, 10), h('b', 'cycles', 2500, 25)])).toEqual(['duration']);
    expect(codes([h('a', 'cycles', 300, 1), h('b', 'cycles', 3500, 30)])).toEqual(['rate', 'duration', 'samples']);
    expect(codes([h('a', 'cycles', 150, 10), h('b', 'cycles', 180, 10)])).toEqual(['few']);
    expect(comparability([h('a', 'cycles', 1000, 10), h('b', 'cpu-clock', 1000, 10)])[0]?.message).toMatch(/cycles \(a\); cpu-clock \(b\)/);
    // Hosts without samples are not compared.
    expect(codes([h('a', 'cycles', 1000, 10), h('b', 'cpu-clock', 0, 10)])).toEqual([]);
  });

  it('Jensen–Shannon divergence is 0 for equal and 1 for disjoint distributions', () => {
    expect(jensenShannon(new Map([['a', 1]]), new Map([['a', 1]])).js).toBe(0);
    expect(jensenShannon(new Map([['a', 1]]), new Map([['b', 1]])).js).toBeCloseTo(1);
  });
});
