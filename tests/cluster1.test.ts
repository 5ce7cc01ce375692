import path from 'node:path';
import { expect, it } from 'vitest';
import { collapse } from '../lib/profile/collapse';
import { diffTree, MultiTree, rankNodes } from '../lib/profile/compare';
import { CORPUS } from './corpus';
import { parseText, readText } from './helpers';

it('cluster1: the straggler node-d ranks first, and its hot spot explains it', async () => {
  const nodes = ['a', 'b', 'c', 'd'];
  const trees = [];
  for (const n of nodes) trees.push(collapse((await parseText(readText(path.join(CORPUS, `real/cluster1/node-${n}.perf.txt`)))).profile, {}));
  const m = new MultiTree(trees);
  const ranking = rankNodes(m);
  expect(nodes[ranking[0]?.node as number]).toBe('d');
  // The corpus README: node-d = node-a's job plus verify_and_forward → mix_round (51 % of its weight).
  expect(ranking[0]?.topFrames[0]?.name).toBe('mix_round.constprop.0');
  expect(ranking[0]?.topFrames[0]?.deltaShare).toBeGreaterThan(0.45);
  const vsA = diffTree(m, 3, [0]);
  expect(vsA.topTotal.slice(0, 4).map((r) => r.name)).toEqual(expect.arrayContaining(['hotspot-filter', 'verify_and_forward', 'mix_round.constprop.0']));
});
