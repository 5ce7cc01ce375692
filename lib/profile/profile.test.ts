import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../../tests/corpus';
import { fold, parseText, readText } from '../../tests/helpers';
import { ProfileBuilder } from './builder';
import { collapse, foldedLines } from './collapse';
import { columnFlame, type FlameNode } from './flame-views';
import { MAX_DEPTH } from './lod';
import { decodeProfile, encodeProfile } from './serialize';

/** A profile from folded-like rows: [comm, frames root first, weight, timeNs]. */
function build(rows: [string, string[], number, number][]) {
  const b = new ProfileBuilder('perf-script');
  const ev = b.eventType('cycles');
  for (const [comm, frames, weight, t] of rows) {
    const ids = frames.map((f) => b.frame(f, f.startsWith('k_') ? '[kernel.kallsyms]' : '/bin/app', '')).reverse();
    b.sample(b.relNs('boot', 100, t), b.stackFromLeafFirst(ids, ids.length), b.thread(comm, -1, 1), 0, ev, weight, weight, 0);
  }
  return b.build();
}

/** Tree as text lines: "  name v" indented by depth (Grafana-style drawings). */
function draw(n: FlameNode, depth = 0, out: string[] = []): string[] {
  out.push(`${'  '.repeat(depth)}${n.n} ${n.v}${n.l === 'other' ? ' (folded)' : ''}`);
  for (const c of n.c ?? []) draw(c, depth + 1, out);
  return out;
}

describe('collapse and name tree', () => {
  const p = build([
    ['app', ['main', 'parse', 'k_read'], 5, 0],
    ['app', ['main', 'parse'], 3, 1000],
    ['app', ['main', 'render'], 2, 2000],
    ['db', ['loop'], 10, 3000],
  ]);

  it('sums weights per stack and draws the tree', () => {
    expect(foldedLines(collapse(p, {}))).toEqual(['app;main;parse 3', 'app;main;parse;k_read 5', 'app;main;render 2', 'db;loop 10']);
    expect(draw(columnFlame(collapse(p, {}), 0).root)).toEqual([
      'all 20',
      '  app 10',
      '    main 10',
      '      parse 8',
      '        k_read 5',
      '      render 2',
      '  db 10',
      '    loop 10',
    ]);
  });

  it('selects a half-open time range', () => {
    expect(foldedLines(collapse(p, { fromNs: 1000, toNs: 3000 }))).toEqual(['app;main;parse 3', 'app;main;render 2']);
  });

  it('annotates kernel frames with kernel=1', () => {
    expect(foldedLines(collapse(p, { kernel: true }))).toContain('app;main;parse;k_read_[k] 5');
  });

  it('counts samples besides weights', () => {
    const t = collapse(p, {}).columns[0];
    expect([t?.total, t?.totalCount]).toEqual([20, 4]);
  });
});

describe('level of detail', () => {
  // main has one hot child, 50 cold ones, and zz, whose one sample is in its child deep.
  const rows: [string, string[], number, number][] = [['app', ['main', 'hot'], 1000, 0]];
  for (let i = 0; i < 50; i++) rows.push(['app', ['main', `cold${String(i).padStart(2, '0')}`], 1, i + 1]);
  rows.push(['app', ['main', 'zz', 'deep'], 1, 60]);
  const trie = collapse(build(rows), {});
  const main = (lod: { root: FlameNode }) => lod.root.c?.[0]?.c?.[0] as FlameNode;

  it('folds what does not fit the node budget into one aggregate per parent, keeping every sample', () => {
    const lod = columnFlame(trie, 0, { maxNodes: 10 });
    expect(lod.truncated).toBe(true);
    const agg = main(lod).c?.find((c) => c.l === 'other') as FlameNode;
    // root, app, main, hot and the first six cold frames fill the budget of 10.
    expect(agg.x).toBe(52 - 7);
    expect(agg.n).toBe('45 more frames');
    const sum = (main(lod).c ?? []).reduce((a, c) => a + c.v, 0);
    expect(sum).toBe(main(lod).v);
    expect(lod.root.v).toBe(1051);
    expect(lod.nodes).toBe(11);
  });

  it('expands the focused frame at full detail, keeping its ancestors', () => {
    const unfocused = columnFlame(trie, 0, { maxNodes: 10 });
    const lod = columnFlame(trie, 0, { maxNodes: 10, focus: ['app', 'main', 'zz'] });
    expect(lod.focusFound).toBe(true);
    // Without the focus, zz is folded away; with it, it is drawn with its child, and its
    // siblings are folded into one aggregate that keeps their weight.
    expect(main(unfocused).c?.some((c) => c.n === 'zz')).toBe(false);
    const zz = main(lod).c?.find((c) => c.n === 'zz') as FlameNode;
    expect(draw(zz)).toEqual(['zz 1', '  deep 1']);
    expect(main(lod).c?.map((c) => c.n)).toEqual(['zz', '51 more frames']);
    expect((main(lod).c ?? []).reduce((a, c) => a + c.v, 0)).toBe(1051);
    expect(columnFlame(trie, 0, { focus: ['app', 'nope'] }).focusFound).toBe(false);
  });

  it('folds frames narrower than the floor share of the focus', () => {
    const lod = columnFlame(trie, 0, { minShare: 1 / 100 });
    expect(main(lod).c?.map((c) => `${c.n} ${c.v}`)).toEqual(['hot 1000', '51 more frames 51']);
    const zoomed = columnFlame(trie, 0, { minShare: 1 / 100, focus: ['app', 'main', 'zz'] });
    expect(draw(main(zoomed).c?.[0] as FlameNode)).toEqual(['zz 1', '  deep 1']);
  });

  it('counts search matches on the full tree, also inside folded frames', () => {
    const lod = columnFlame(trie, 0, { maxNodes: 5, search: 'COLD4' });
    expect(lod.search).toEqual({ term: 'COLD4', matched: 10, total: 1051 });
    expect(main(lod).c?.find((c) => c.l === 'other')?.m).toBe(1);
  });

  it('gives the same tree whatever order the trie was built in (ties broken canonically)', () => {
    const reversed = collapse(build([...rows].reverse().map(([c, f, w], i) => [c, f, w, i])), {});
    for (const maxNodes of [5, 10, 20, 100]) expect(columnFlame(reversed, 0, { maxNodes }).root).toEqual(columnFlame(trie, 0, { maxNodes }).root);
  });

  it('stays iterative on stacks thousands of frames deep, and sends at most MAX_DEPTH levels (JSON recurses per level)', () => {
    const deep = Array.from({ length: 5000 }, (_, i) => `f${i}`);
    const lod = columnFlame(collapse(build([['app', deep, 1, 0]]), {}), 0, { maxNodes: 50_000 });
    // root, app, then frames down to depth MAX_DEPTH, and one aggregate holding the rest.
    expect(lod.nodes).toBe(MAX_DEPTH + 2);
    let n: FlameNode | undefined = lod.root;
    let levels = 0;
    while (n?.c?.[0]) [n, levels] = [n.c[0], levels + 1];
    expect(levels).toBe(MAX_DEPTH + 1);
    expect([n?.l, n?.v, n?.x]).toEqual(['other', 1, 1]);
    expect(() => JSON.parse(JSON.stringify(lod))).not.toThrow();
  });
});

describe('serialization', () => {
  it('round-trips a real profile', async () => {
    const r = await parseText(readText(path.join(CORPUS, 'real/cluster1/node-b.perf.txt')));
    const parts = encodeProfile(r.profile);
    const bytes = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) {
      bytes.set(p, o);
      o += p.length;
    }
    // An odd offset forces the decoder to realign.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const back = decodeProfile(shifted.subarray(1));
    expect(back.meta).toEqual(r.profile.meta);
    expect(fold({ ...r, profile: back }, { kernel: true, jit: true })).toEqual(fold(r, { kernel: true, jit: true }));
    expect(Array.from(back.samples.timeNs)).toEqual(Array.from(r.profile.samples.timeNs));
    expect(() => decodeProfile(new Uint8Array(10))).toThrow(/not a tracefleet profile/);
  });
});
