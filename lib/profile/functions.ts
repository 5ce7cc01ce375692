/**
 * The top-functions table of a flame graph: per function name, its self weight (as the leaf)
 * and its total weight (anywhere on the stack, a recursive function counted once per stack),
 * with the sample counts of each, for one column or several summed.
 */
import type { DenseWeights, WeightedTrie } from './weighted-trie';

export interface FunctionRow {
  name: string;
  self: number;
  total: number;
  selfSamples: number;
  totalSamples: number;
}

/** One row per frame name in `w`, heaviest self first (then total, then name). */
export function functionRows(trie: WeightedTrie, w: DenseWeights): FunctionRow[] {
  const rows = new Map<number, FunctionRow>();
  for (let n = 1; n < trie.size; n++) {
    const total = w.total[n] as number;
    if (!(total > 0)) continue;
    const id = trie.nameId(n);
    let r = rows.get(id);
    if (!r) rows.set(id, (r = { name: trie.name(n), self: 0, total: 0, selfSamples: 0, totalSamples: 0 }));
    r.self += w.self[n] as number;
    r.selfSamples += w.selfCount[n] as number;
    // The outermost frame of a name on its path carries the whole subtree: deeper ones of the same name are inside it.
    if (trie.firstOfName(n)) {
      r.total += total;
      r.totalSamples += w.totalCount[n] as number;
    }
  }
  return [...rows.values()].sort((a, b) => b.self - a.self || b.total - a.total || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
