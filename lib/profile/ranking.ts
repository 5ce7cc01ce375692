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

/** A column's distributions over function names (by name id): self shares and inclusive shares renormalised. */
interface ColumnDistributions {
  total: number;
  self: Map<number, number>;
  inclusive: Map<number, number>;
}

/**
 * One column's distributions, from its sparse entries: each self node adds its weight to its
 * ancestors (the column's own subtree only, never the whole trie), and each function's
 * inclusive weight counts its outermost occurrence on each path once.
 */
function distributions(trie: WeightedTrie, column: number): ColumnDistributions {
  const c = trie.columns[column];
  const self = new Map<number, number>();
  const inclusive = new Map<number, number>();
  const total = c?.total ?? 0;
  if (!c || total <= 0) return { total: 0, self, inclusive };
  const totals = new Map<number, number>();
  for (let i = 0; i < c.node.length; i++) {
    const w = c.self[i] as number;
    const node = c.node[i] as number;
    if (w > 0) self.set(trie.nameId(node), (self.get(trie.nameId(node)) ?? 0) + w / total);
    for (let a = node; a > 0; a = trie.parent(a)) totals.set(a, (totals.get(a) ?? 0) + w);
  }
  let sum = 0;
  for (const [node, t] of totals) {
    if (!trie.firstOfName(node)) continue;
    const id = trie.nameId(node);
    inclusive.set(id, (inclusive.get(id) ?? 0) + t / total);
    sum += t / total;
  }
  if (sum > 0) for (const [id, v] of inclusive) inclusive.set(id, v / sum);
  else inclusive.clear();
  return { total, self, inclusive };
}

/** Jensen–Shannon part of one key with shares a (this column) and b (the rest). */
function jsPart(a: number, b: number): number {
  const mid = (a + b) / 2;
  let part = 0;
  if (a > 0) part += 0.5 * a * Math.log2(a / mid);
  if (b > 0) part += 0.5 * b * Math.log2(b / mid);
  return part;
}

/** Σ over a column's own keys of the rest's shares, and of the divergence parts. */
function divergence(own: Map<number, number>, sum: Float64Array, others: number, sumAll: number, parts?: Map<number, number>): number {
  let js = 0;
  let restOnOwn = 0;
  for (const [id, a] of own) {
    const b = ((sum[id] as number) - a) / others;
    restOnOwn += b;
    const part = jsPart(a, b);
    parts?.set(id, part);
    js += part;
  }
  // Keys only the rest has (a = 0) contribute b/2 each: half of the rest's mass off this column's keys.
  const restAll = (sumAll - (own.size > 0 ? [...own.values()].reduce((x, y) => x + y, 0) : 0)) / others;
  js += Math.max(0, restAll - restOnOwn) / 2;
  return Math.max(0, js);
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
 *
 * O(K·F): the mean of the others is (sum of all − own) / (K − 1), and keys a column lacks are
 * accounted for in one sum, so each column costs only its own frames.
 */
export function rankColumns(trie: WeightedTrie, columns: readonly number[], topN = 5): RankRow[] {
  const dists = columns.map((k) => distributions(trie, k));
  const nameCount = trie.names.size;
  const sumSelf = new Float64Array(nameCount);
  const sumIncl = new Float64Array(nameCount);
  let counted = 0;
  for (const d of dists) {
    if (d.total <= 0) continue;
    counted++;
    for (const [id, v] of d.self) sumSelf[id] = (sumSelf[id] as number) + v;
    for (const [id, v] of d.inclusive) sumIncl[id] = (sumIncl[id] as number) + v;
  }
  const sumSelfAll = sumSelf.reduce((a, b) => a + b, 0);
  const sumInclAll = sumIncl.reduce((a, b) => a + b, 0);
  // Functions by their summed self share: the rest's biggest functions a column lacks come from here.
  const bySelf = [...sumSelf.keys()].filter((id) => (sumSelf[id] as number) > 0).sort((a, b) => (sumSelf[b] as number) - (sumSelf[a] as number));
  return dists
    .map((me, k) => {
      const others = counted - 1;
      if (me.total <= 0 || others <= 0) return { node: k, score: 0, selfJs: 0, totalJs: 0, topFrames: [] };
      const parts = new Map<number, number>();
      const selfJs = divergence(me.self, sumSelf, others, sumSelfAll, parts);
      const totalJs = divergence(me.inclusive, sumIncl, others, sumInclAll);
      // Keys the column lacks contribute half the rest's share: the largest of them may explain the score too.
      let added = 0;
      for (const id of bySelf) {
        if (added >= topN) break;
        if (me.self.has(id)) continue;
        parts.set(id, (sumSelf[id] as number) / others / 2);
        added++;
      }
      const topFrames = [...parts.entries()]
        .sort((x, y) => y[1] - x[1])
        .slice(0, topN)
        .map(([id, contribution]) => ({ name: trie.names.get(id), deltaShare: (me.self.get(id) ?? 0) - ((sumSelf[id] as number) - (me.self.get(id) ?? 0)) / others, contribution }));
      return { node: k, score: totalJs, selfJs, totalJs, topFrames };
    })
    .sort((x, y) => y.score - x.score);
}

/**
 * The ranking in absolute values (the "absolute" mode beside the default shares): each column's
 * self weight per function against the mean of the other columns' weights, scored as
 * Σ|a − m| / (Σa + Σm), 0 = same weight in the same functions, 1 = nothing in common. A host
 * that did the same work at half the volume scores 1/3 here and 0 by shares. O(K·F) like the
 * share ranking: the others' mean is (sum − own) / (K − 1).
 */
export function rankColumnsAbsolute(trie: WeightedTrie, columns: readonly number[], topN = 5): RankRow[] {
  const dists = columns.map((k) => distributions(trie, k));
  const sum = new Float64Array(trie.names.size);
  let sumAll = 0;
  let counted = 0;
  for (const d of dists) {
    if (d.total <= 0) continue;
    counted++;
    sumAll += d.total;
    for (const [id, v] of d.self) sum[id] = (sum[id] as number) + v * d.total;
  }
  return dists
    .map((me, k) => {
      const others = counted - 1;
      if (me.total <= 0 || others <= 0) return { node: k, score: 0, selfJs: 0, totalJs: 0, topFrames: [] };
      const meanAll = (sumAll - me.total) / others;
      const denom = me.total + meanAll;
      const parts = new Map<number, number>();
      let diff = 0;
      let meanOnOwn = 0;
      for (const [id, share] of me.self) {
        const a = share * me.total;
        const m = ((sum[id] as number) - a) / others;
        meanOnOwn += m;
        parts.set(id, (a - m) / denom);
        diff += Math.abs(a - m);
      }
      // Functions only the others have count their whole mean weight.
      diff += Math.max(0, meanAll - meanOnOwn);
      const topFrames = [...parts.entries()]
        .sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]))
        .slice(0, topN)
        .map(([id, d]) => ({ name: trie.names.get(id), deltaShare: (d * denom) / Math.max(me.total, meanAll), contribution: Math.abs(d) }));
      const score = Math.min(1, diff / denom);
      return { node: k, score, selfJs: score, totalJs: score, topFrames };
    })
    .sort((x, y) => y.score - x.score);
}
