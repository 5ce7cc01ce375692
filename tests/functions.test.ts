/**
 * The functions table against a brute-force walk of the folded lines: a function's self is the
 * weight of the stacks it ends, its total the weight of the stacks it is on (once per stack,
 * however deep it recurses).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapse, foldedLines } from '../lib/profile/collapse';
import { functionRows } from '../lib/profile/functions';
import { CORPUS } from './corpus';
import { parseText, readText } from './helpers';

function bruteForce(lines: readonly string[]): Map<string, { self: number; total: number }> {
  const out = new Map<string, { self: number; total: number }>();
  const row = (name: string) => {
    let r = out.get(name);
    if (!r) out.set(name, (r = { self: 0, total: 0 }));
    return r;
  };
  for (const line of lines) {
    const cut = line.lastIndexOf(' ');
    const frames = line.slice(0, cut).split(';');
    const w = Number(line.slice(cut + 1));
    row(frames[frames.length - 1] as string).self += w;
    for (const name of new Set(frames)) row(name).total += w;
  }
  return out;
}

describe('functions table', () => {
  it.each(['a', 'b', 'c', 'd'])('node-%s: self and total of every function equal the folded lines', async (n) => {
    const file = `real/cluster1/node-${n}.perf.txt`;
    const { profile } = await parseText(readText(path.join(CORPUS, file)), file);
    const trie = collapse(profile, {});
    const rows = functionRows(trie, trie.weights(0));
    const expected = bruteForce(foldedLines(trie));
    expect(rows).toHaveLength(expected.size);
    for (const r of rows) expect({ name: r.name, self: r.self, total: r.total }).toEqual({ name: r.name, ...expected.get(r.name) });
    // Heaviest self first.
    for (let i = 1; i < rows.length; i++) expect((rows[i - 1] as { self: number }).self).toBeGreaterThanOrEqual((rows[i] as { self: number }).self);
  });

  it('recursion is counted once per stack in total, and samples are counted like weights', async () => {
    const { profile } = await parseText('app;f;g;f;f 3\napp;f 2\napp;g;f 5\n', 'rec.folded');
    const trie = collapse(profile, {});
    const rows = Object.fromEntries(functionRows(trie, trie.weights(0)).map((r) => [r.name, r]));
    expect(rows.f).toMatchObject({ self: 10, total: 10, selfSamples: 3, totalSamples: 3 });
    expect(rows.g).toMatchObject({ self: 0, total: 8, selfSamples: 0, totalSamples: 2 });
    expect(rows.app).toMatchObject({ self: 0, total: 10 });
  });
});
