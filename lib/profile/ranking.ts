import { forEachByName } from './flame-views';
import type { WeightedTrie } from './weighted-trie';

export interface RankRow {
  /** Index into the columns that were ranked. */
  node: number;
  score: number;
  /** Jensen–Shannon divergences (bits, 0..1) of self shares and of total shares (= score). */
  selfJs: number;
  totalJs: number;
  topFrames: { name: string; deltaShare: number; contribution: number }[];
}

/** Jensen–Shannon divergence (base 2) of two distributions given as maps, and each key's part of it. */
export function jensenShannon(p: Map<string, number>, q: Map<string, number>): { js: number; parts: Map<string, number> } {
  const parts = new Map<string, number>();
  let js = 0;
  const keys = new Set([...p.keys(), ...q.keys()]);
  for (const key of keys) {
    const a = p.get(key) ?? 0;
    const b = q.get(key) ?? 0;
    const mid = (a + b) / 2;
    let part = 0;
    if (a > 0) part += 0.5 * a * Math.log2(a / mid);
    if (b > 0) part += 0.5 * b * Math.log2(b / mid);
    parts.set(key, part);
    js += part;
  }
  return { js: Math.max(0, js), parts };
}

function normalise(m: Map<string, number>): Map<string, number> {
  let s = 0;
  for (const v of m.values()) s += v;
  if (s <= 0) return new Map();
  return new Map([...m].map(([k, v]) => [k, v / s]));
}

/**
 * How far each column's profile is from the rest. The score is the Jensen–Shannon divergence
 * (base 2, so 0 = same, 1 = nothing in common) between the column's distribution of time over
 * functions, counting each function's inclusive (total) share, renormalised to sum to 1, and
 * the mean of the other columns' distributions (columns weigh equally, whatever their sample
 * counts; columns without samples score 0). Inclusive shares follow the flame graph's whole
 * shape (callers and callees), which is steadier than self shares alone: leaf symbols are often
 * `[unknown]` or `[binary]` when frame pointers are missing. The self-share divergence is
 * reported too (`selfJs`), and explains the score: `topFrames` are the functions contributing
 * most to it, with their change in self share (column minus rest) — the leaf functions where the
 * extra time goes.
 */
export function rankColumns(trie: WeightedTrie, columns: readonly number[], topN = 5): RankRow[] {
  // One walk of the trie gives the visiting order shared by every column.
  const order: number[] = [];
  const names: string[] = [];
  const first: boolean[] = [];
  forEachByName(trie, (node, name, firstOnPath) => {
    order.push(node);
    names.push(name);
    first.push(firstOnPath);
  });
  const perColumn = columns.map((k) => {
    const w = trie.weights(k);
    const total = w.total[0] as number;
    const self = new Map<string, number>();
    const inclusive = new Map<string, number>();
    if (total <= 0) return { self, inclusive, total };
    for (let i = 0; i < order.length; i++) {
      const node = order[i] as number;
      const name = names[i] as string;
      const sv = w.self[node] as number;
      if (sv > 0) self.set(name, (self.get(name) ?? 0) + sv / total);
      if (first[i]) inclusive.set(name, (inclusive.get(name) ?? 0) + (w.total[node] as number) / total);
    }
    return { self, inclusive: normalise(inclusive), total };
  });
  const mean = (maps: Map<string, number>[]) => {
    const out = new Map<string, number>();
    for (const mp of maps) for (const [k, v] of mp) out.set(k, (out.get(k) ?? 0) + v / maps.length);
    return out;
  };
  return perColumn
    .map((me, k) => {
      const others = perColumn.filter((o, j) => j !== k && o.total > 0);
      if (me.total <= 0 || others.length === 0) return { node: k, score: 0, selfJs: 0, totalJs: 0, topFrames: [] };
      const restSelf = mean(others.map((o) => o.self));
      const restTotal = mean(others.map((o) => o.inclusive));
      const s = jensenShannon(me.self, restSelf);
      const t = jensenShannon(me.inclusive, restTotal);
      const topFrames = [...s.parts.entries()]
        .sort((x, y) => y[1] - x[1])
        .slice(0, topN)
        .map(([name, contribution]) => ({ name, deltaShare: (me.self.get(name) ?? 0) - (restSelf.get(name) ?? 0), contribution }));
      return { node: k, score: t.js, selfJs: s.js, totalJs: t.js, topFrames };
    })
    .sort((x, y) => y.score - x.score);
}
