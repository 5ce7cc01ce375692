/**
 * The odd-one-out ranking over many hosts: synthetic hosts of ~2,000 frames each (a shared
 * service shape plus a few hundred host-specific frames, one host with a hot spot), folded into
 * one trie and ranked. Baseline in the same run: building the trie of the same hosts.
 */
import { ProfileBuilder } from '../lib/profile/builder';
import { collapseInto } from '../lib/profile/collapse';
import { rankColumns } from '../lib/profile/ranking';
import type { Profile } from '../lib/profile/types';
import { WeightedTrie } from '../lib/profile/weighted-trie';

/** One host: `frames` distinct leaf paths under a few shared roots; host 0 has a hot spot. */
function host(k: number, frames: number): Profile {
  const b = new ProfileBuilder('perf-script');
  const ev = b.eventType('cpu-clock');
  const th = b.thread('server', 1000 + k, 1000 + k);
  let t = 0;
  for (let i = 0; i < frames; i++) {
    // 80 % of the frames are the same on every host, the rest this host's own.
    const leaf = i < frames * 0.8 ? `fn_${i}` : `host${k}_fn_${i}`;
    const ids = [b.frame(leaf, '/srv/app', ''), b.frame(`mid_${i % 40}`, '/srv/app', ''), b.frame(`top_${i % 7}`, '/srv/app', ''), b.frame('main', '/srv/app', '')];
    const weight = k === 0 && i === 3 ? 5000 : 1 + ((i * 7 + k) % 5);
    b.sample(b.relNs('boot', 1, t++), b.stackFromLeafFirst(ids, ids.length), th, 0, ev, weight, weight, 0);
  }
  return b.build();
}

export async function rankingBench(row: (name: string, value: string, note?: string) => void): Promise<void> {
  console.log('\nranking: hosts of 2,000 frames each\n');
  for (const hosts of [100, 1000]) {
    const profiles = Array.from({ length: hosts }, (_, k) => host(k, 2000));
    const t0 = performance.now();
    const trie = new WeightedTrie();
    for (const p of profiles) collapseInto(trie, p, {});
    const tBuild = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const ranked = rankColumns(
      trie,
      profiles.map((_, k) => k),
    );
    const tRank = (performance.now() - t1) / 1000;
    row(`baseline: trie of ${hosts} hosts`, `${tBuild.toFixed(2)} s`, `${trie.size} nodes`);
    row(`ranking of ${hosts} hosts`, `${tRank.toFixed(2)} s`, `first: host ${ranked[0]?.node} (the hot one is 0); target ${hosts === 100 ? '≤ 2' : '≤ 20'} s with the build`);
  }
}
