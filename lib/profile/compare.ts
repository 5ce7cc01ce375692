import { NODE_KIND_NAMES } from './name-tree';
import { MultiTree } from './multi-tree';

export { MultiTree };

/** Share of a side: one tree's value over its total, or the mean share over several trees. */
function shareOf(m: MultiTree, side: readonly number[], values: Float64Array[], n: number): number {
  let s = 0;
  let k = 0;
  for (const t of side) {
    const tot = m.total[t]?.[0] ?? 0;
    if (tot > 0) {
      s += ((values[t] as Float64Array)[n] as number) / tot;
      k++;
    }
  }
  return k > 0 ? s / k : 0;
}

function sumOf(side: readonly number[], values: Float64Array[], n: number): number {
  let s = 0;
  for (const t of side) s += (values[t] as Float64Array)[n] as number;
  return s;
}

/**
 * Differential node: `v` is the drawn width (A's total, or B's when drawing B's shape), a/b raw
 * totals, sa/sb shares of each side's total (B: mean over its nodes), selfA/selfB and their
 * shares ssa/ssb, `d` = sa - sb (what the colour shows).
 */
export interface DiffNode {
  n: string;
  l: (typeof NODE_KIND_NAMES)[number];
  v: number;
  s: number;
  k: number;
  a: number;
  b: number;
  sa: number;
  sb: number;
  ssa: number;
  ssb: number;
  d: number;
  c?: DiffNode[];
}

export interface DiffOptions {
  /** Draw A's shape (default) or B's ("vanished" frames, coloured by A). */
  shape?: 'a' | 'b';
  maxNodes?: number;
}

export interface DiffResult {
  root: DiffNode;
  totalA: number;
  totalB: number;
  nodes: number;
  truncated: boolean;
  /** Frames with the largest change in self and in total share (by function name, all paths summed). */
  topSelf: { name: string; sa: number; sb: number; delta: number }[];
  topTotal: { name: string; sa: number; sb: number; delta: number }[];
}

/** Differential tree of side A (one tree) against side B (one or several trees, shares averaged). */
export function diffTree(m: MultiTree, a: number, b: readonly number[], opts: DiffOptions = {}): DiffResult {
  const shapeA = (opts.shape ?? 'a') === 'a';
  const maxNodes = opts.maxNodes ?? 4000;
  const A = [a];
  const weight = (n: number) => Math.max(shareOf(m, A, m.total, n), shareOf(m, b, m.total, n));
  // Keep the widest frames of either side within the budget (children after parents).
  const keep = new Set<number>([0]);
  const queue = [0];
  const floor = 1 / 20000;
  const candidates: number[] = [];
  while (queue.length) {
    const n = queue.pop() as number;
    for (const c of m.children(n)) {
      if (weight(c) < floor) continue;
      candidates.push(c);
      queue.push(c);
    }
  }
  candidates.sort((x, y) => weight(y) - weight(x));
  for (const c of candidates) {
    if (keep.size >= maxNodes) break;
    if (keep.has(m.parent.get(c))) keep.add(c);
  }
  let truncated = keep.size < m.size;
  let count = 0;
  const build = (n: number): DiffNode => {
    count++;
    const sa = shareOf(m, A, m.total, n);
    const sb = shareOf(m, b, m.total, n);
    const va = sumOf(A, m.total, n);
    const vb = sumOf(b, m.total, n);
    const node: DiffNode = {
      n: m.name(n),
      l: m.kind(n),
      v: shapeA ? va : vb,
      s: shapeA ? sumOf(A, m.selfArrays(), n) : sumOf(b, m.selfArrays(), n),
      k: shapeA ? sumOf(A, m.totalCount, n) : sumOf(b, m.totalCount, n),
      a: va,
      b: vb,
      sa,
      sb,
      ssa: shareOf(m, A, m.selfArrays(), n),
      ssb: shareOf(m, b, m.selfArrays(), n),
      d: sa - sb,
    };
    const kids = m.children(n).filter((c) => keep.has(c) && (shapeA ? sumOf(A, m.total, c) : sumOf(b, m.total, c)) > 0);
    if (kids.length) node.c = kids.map(build).sort((x, y) => (x.n < y.n ? -1 : x.n > y.n ? 1 : 0));
    return node;
  };
  const root = build(0);
  if (count === m.size) truncated = false;

  // Per function name: self and total shares on each side (total counted once per path).
  const byName = new Map<string, { sa: number; sb: number; ta: number; tb: number }>();
  const walk = (n: number, onPath: Set<string>) => {
    for (const c of m.children(n)) {
      const name = m.name(c);
      let r = byName.get(name);
      if (!r) byName.set(name, (r = { sa: 0, sb: 0, ta: 0, tb: 0 }));
      r.sa += shareOf(m, A, m.selfArrays(), c);
      r.sb += shareOf(m, b, m.selfArrays(), c);
      if (!onPath.has(name)) {
        r.ta += shareOf(m, A, m.total, c);
        r.tb += shareOf(m, b, m.total, c);
      }
      const had = onPath.has(name);
      onPath.add(name);
      walk(c, onPath);
      if (!had) onPath.delete(name);
    }
  };
  walk(0, new Set());
  const rows = [...byName.entries()];
  const topSelf = rows
    .map(([name, r]) => ({ name, sa: r.sa, sb: r.sb, delta: r.sa - r.sb }))
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta))
    .slice(0, 20);
  const topTotal = rows
    .map(([name, r]) => ({ name, sa: r.ta, sb: r.tb, delta: r.ta - r.tb }))
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta))
    .slice(0, 20);
  return { root, totalA: sumOf(A, m.total, 0), totalB: sumOf(b, m.total, 0), nodes: count, truncated, topSelf, topTotal };
}

export interface MergedNode {
  n: string;
  l: (typeof NODE_KIND_NAMES)[number];
  v: number;
  s: number;
  k: number;
  /** Total per node, in the order of the capture's nodes. */
  per: number[];
  c?: MergedNode[];
}

/** All trees summed, each frame keeping its per-node totals. */
export function mergedTree(m: MultiTree, maxNodes = 4000): { root: MergedNode; total: number; nodes: number; truncated: boolean } {
  const all = m.trees.map((_, k) => k);
  const weight = (n: number) => sumOf(all, m.total, n);
  const keep = new Set<number>([0]);
  const order = Array.from({ length: m.size - 1 }, (_, i) => i + 1).sort((x, y) => weight(y) - weight(x));
  const floor = weight(0) / 20000;
  for (const c of order) {
    if (keep.size >= maxNodes || weight(c) < floor) break;
    if (keep.has(m.parent.get(c))) keep.add(c);
  }
  let count = 0;
  const build = (n: number): MergedNode => {
    count++;
    const node: MergedNode = { n: m.name(n), l: m.kind(n), v: weight(n), s: sumOf(all, m.selfArrays(), n), k: sumOf(all, m.totalCount, n), per: all.map((k) => (m.total[k] as Float64Array)[n] as number) };
    const kids = m.children(n).filter((c) => keep.has(c));
    if (kids.length) node.c = kids.map(build).sort((x, y) => (x.n < y.n ? -1 : x.n > y.n ? 1 : 0));
    return node;
  };
  const root = build(0);
  return { root, total: weight(0), nodes: count, truncated: count < m.size };
}

export interface RankRow {
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
 * How far each node's profile is from the rest of the cluster. The score is the Jensen–Shannon
 * divergence (base 2, so 0 = same, 1 = nothing in common) between the node's distribution of
 * time over functions, counting each function's inclusive (total) share, renormalised to sum
 * to 1, and the mean of the other nodes' distributions (nodes weigh equally, whatever their
 * sample counts; nodes without samples score 0). Inclusive shares follow the flame graph's
 * whole shape (callers and callees), which is steadier than self shares alone: leaf symbols are
 * often `[unknown]` or `[binary]` when frame pointers are missing. The self-share divergence is
 * reported too (`selfJs`), and explains the score: `topFrames` are the functions contributing
 * most to it, with their change in self share (node minus rest) — the leaf functions where the
 * extra time goes.
 */
export function rankNodes(m: MultiTree, topN = 5): RankRow[] {
  const perNode = m.trees.map((_, k) => {
    const total = m.total[k]?.[0] ?? 0;
    const self = new Map<string, number>();
    const inclusive = new Map<string, number>();
    if (total <= 0) return { self, inclusive, total };
    const walk = (n: number, onPath: Set<string>) => {
      for (const c of m.children(n)) {
        const name = m.name(c);
        const sv = m.selfOf(k, c);
        if (sv > 0) self.set(name, (self.get(name) ?? 0) + sv / total);
        const had = onPath.has(name);
        if (!had) inclusive.set(name, (inclusive.get(name) ?? 0) + ((m.total[k] as Float64Array)[c] as number) / total);
        onPath.add(name);
        walk(c, onPath);
        if (!had) onPath.delete(name);
      }
    };
    walk(0, new Set());
    return { self, inclusive: normalise(inclusive), total };
  });
  const mean = (maps: Map<string, number>[]) => {
    const out = new Map<string, number>();
    for (const mp of maps) for (const [k, v] of mp) out.set(k, (out.get(k) ?? 0) + v / maps.length);
    return out;
  };
  return perNode
    .map((me, k) => {
      const others = perNode.filter((o, j) => j !== k && o.total > 0);
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
