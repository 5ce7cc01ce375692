/**
 * The sandwich of a function against a brute-force walk of the folded lines: its callers are
 * each stack through it cut at its outermost occurrence and read upwards, its callees the same
 * stack read downwards; both weigh the function's total (recursion once per stack).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapse, collapseInto, foldedLines } from '../lib/profile/collapse';
import { WeightedTrie } from '../lib/profile/weighted-trie';
import { functionRows } from '../lib/profile/functions';
import { sandwich } from '../lib/profile/sandwich';
import { CORPUS } from './corpus';
import { parseText, readText } from './helpers';

function bruteForce(lines: readonly string[], fn: string): { callers: string[]; callees: string[] } {
  const up = new Map<string, number>();
  const down = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, w: number) => m.set(k, (m.get(k) ?? 0) + w);
  for (const line of lines) {
    const cut = line.lastIndexOf(' ');
    const frames = line.slice(0, cut).split(';');
    const w = Number(line.slice(cut + 1));
    const at = frames.indexOf(fn);
    if (at < 0) continue;
    add(up, frames.slice(0, at + 1).reverse().join(';'), w);
    add(down, frames.slice(at).join(';'), w);
  }
  const lines_ = (m: Map<string, number>) => [...m].map(([k, w]) => `${k} ${w}`).sort();
  return { callers: lines_(up), callees: lines_(down) };
}

describe('sandwich', () => {
  it.each([
    ['a', 'do_syscall_64'],
    ['b', 'vfs_read'],
    ['d', 'mix_round.constprop.0'],
    ['c', 'entry_SYSCALL_64_after_hwframe'],
  ])('node-%s, %s: callers and callees equal the folded lines cut at the function', async (n, fn) => {
    const file = `real/cluster1/node-${n}.perf.txt`;
    const { profile } = await parseText(readText(path.join(CORPUS, file)), file);
    const trie = collapse(profile, {});
    const s = sandwich(trie, 0, fn);
    const expected = bruteForce(foldedLines(trie), fn);
    expect(expected.callees.length).toBeGreaterThan(0);
    expect(foldedLines(s.callers).sort()).toEqual(expected.callers);
    expect(foldedLines(s.callees).sort()).toEqual(expected.callees);
    const total = functionRows(trie, trie.weights(0)).find((r) => r.name === fn)?.total;
    expect(s.callers.columns[0]?.total).toBe(total);
    expect(s.callees.columns[0]?.total).toBe(total);
  });

  it('the merged cluster: every host’s column summed equals the brute force over all their folded lines', async () => {
    const trie = new WeightedTrie();
    const lines: string[] = [];
    for (const n of ['a', 'b', 'c', 'd']) {
      const file = `real/cluster1/node-${n}.perf.txt`;
      const { profile } = await parseText(readText(path.join(CORPUS, file)), file);
      const k = collapseInto(trie, profile, {});
      lines.push(...foldedLines(trie, k));
    }
    const fn = 'do_syscall_64';
    const s = sandwich(trie, [0, 1, 2, 3], fn);
    const expected = bruteForce(lines, fn);
    expect(foldedLines(s.callers).sort()).toEqual(expected.callers);
    expect(foldedLines(s.callees).sort()).toEqual(expected.callees);
  });

  it('recursion: a stack through the function twice counts once, at the outermost', async () => {
    const { profile } = await parseText('app;f;g;f;h 3\napp;x;f 2\n', 'rec.folded');
    const trie = collapse(profile, {});
    const s = sandwich(trie, 0, 'f');
    expect(foldedLines(s.callers).sort()).toEqual(['f;app 3', 'f;x;app 2']);
    expect(foldedLines(s.callees).sort()).toEqual(['f 2', 'f;g;f;h 3']);
  });
});
