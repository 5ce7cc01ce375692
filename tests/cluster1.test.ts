import path from 'node:path';
import { expect, it } from 'vitest';
import { collapseInto } from '../lib/profile/collapse';
import { diffFlame, side } from '../lib/profile/flame-views';
import { rankColumns } from '../lib/profile/ranking';
import { WeightedTrie } from '../lib/profile/weighted-trie';
import { CORPUS } from './corpus';
import { parseText, readText } from './helpers';

it('cluster1: the straggler node-d ranks first, and its hot spot explains it', async () => {
  const nodes = ['a', 'b', 'c', 'd'];
  const m = new WeightedTrie();
  for (const n of nodes) collapseInto(m, (await parseText(readText(path.join(CORPUS, `real/cluster1/node-${n}.perf.txt`)))).profile, {});
  const ranking = rankColumns(m, [0, 1, 2, 3]);
  expect(nodes[ranking[0]?.node as number]).toBe('d');
  // The corpus README: node-d = node-a's job plus verify_and_forward → mix_round (51 % of its weight).
  expect(ranking[0]?.topFrames[0]?.name).toBe('mix_round.constprop.0');
  expect(ranking[0]?.topFrames[0]?.deltaShare).toBeGreaterThan(0.45);
  const vsA = diffFlame(m, side(m, [3]), side(m, [0]));
  expect(vsA.topTotal.slice(0, 4).map((r) => r.name)).toEqual(expect.arrayContaining(['hotspot-filter', 'verify_and_forward', 'mix_round.constprop.0']));
});
