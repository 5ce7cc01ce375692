import { NameTree, NODE_KIND_NAMES, NodeKind } from './name-tree';

/** Short-key flame node (the wire format; see lib/api FlameNode). */
export interface LodNode {
  n: string;
  v: number;
  s: number;
  /** Samples in the frame and below it. */
  k: number;
  l: (typeof NODE_KIND_NAMES)[number];
  c?: LodNode[];
  m?: 1;
  x?: number;
}

export interface LodOptions {
  /** Frame path (names, root first) to show at full detail. */
  readonly focus?: readonly string[];
  /** Most nodes to send; the rest are folded into one aggregate per parent. */
  readonly maxNodes?: number;
  /** Plain, case-insensitive substring; matches are counted on the full tree. */
  readonly search?: string;
}

export interface LodTree {
  root: LodNode;
  total: number;
  focus: string[];
  focusFound: boolean;
  truncated: boolean;
  nodes: number;
  search: { term: string; matched: number; total: number } | null;
}

export const DEFAULT_MAX_NODES = 4000;

/**
 * Level-of-detail flame tree: the focused frame's subtree is expanded widest-first up to the
 * node budget; children that do not fit are folded into one labelled aggregate per parent,
 * whose value keeps every sample (nothing is dropped). Ancestors of the focus keep their
 * totals; their other children are folded the same way.
 */
export function lodTree(tree: NameTree, opts: LodOptions = {}): LodTree {
  const maxNodes = opts.maxNodes ?? DEFAULT_MAX_NODES;
  const focusPath = opts.focus ?? [];
  let focus = tree.find(focusPath);
  const focusFound = focus >= 0;
  if (!focusFound) focus = 0;

  // Matching nodes (and which nodes have a match below them) over the whole tree.
  const term = opts.search?.trim().toLowerCase() ?? '';
  const hasMatchBelow = term ? new Uint8Array(tree.size) : null;
  let matched = 0;
  if (term && hasMatchBelow) {
    const stack: [number, boolean][] = [[0, false]];
    while (stack.length) {
      const [node, underMatch] = stack.pop() as [number, boolean];
      const isMatch = node !== 0 && tree.name(node).toLowerCase().includes(term);
      if (isMatch) {
        if (!underMatch) matched += tree.total(node);
        for (let a = node; a >= 0 && !hasMatchBelow[a]; a = tree.parent(a)) hasMatchBelow[a] = 1;
      }
      for (const c of tree.children(node)) stack.push([c, underMatch || isMatch]);
    }
  }

  // Widest-first expansion of the focus subtree within the budget.
  const included = new Set<number>();
  const onPath = new Set<number>();
  for (let a = focus; a >= 0; a = tree.parent(a)) {
    included.add(a);
    onPath.add(a);
  }
  const frontier = new MaxHeap((n) => tree.total(n));
  for (const c of tree.children(focus)) frontier.push(c);
  const focusTotal = tree.total(focus);
  // Frames under ~1/20000 of the focus are below a pixel on any screen; never worth a node.
  const floor = focusTotal / 20000;
  while (frontier.size > 0 && included.size < maxNodes) {
    const n = frontier.pop();
    if (tree.total(n) < floor) break;
    included.add(n);
    for (const c of tree.children(n)) frontier.push(c);
  }

  let truncated = false;
  let count = 0;
  const build = (node: number): LodNode => {
    count++;
    const out: LodNode = { n: node === 0 ? 'all' : tree.name(node), v: tree.total(node), s: tree.self(node), k: tree.totalCount(node), l: NODE_KIND_NAMES[tree.kind(node)] ?? 'user' };
    const kids: LodNode[] = [];
    let foldedValue = 0;
    let foldedSamples = 0;
    let foldedCount = 0;
    let foldedMatch = false;
    // Below an ancestor of the focus only the path continues; elsewhere, what was included.
    const expand = !onPath.has(node) || node === focus;
    for (const c of tree.children(node)) {
      if (included.has(c) && (expand || onPath.has(c))) kids.push(build(c));
      else {
        foldedValue += tree.total(c);
        foldedSamples += tree.totalCount(c);
        foldedCount++;
        if (hasMatchBelow?.[c]) foldedMatch = true;
      }
    }
    if (foldedCount > 0) {
      truncated = true;
      count++;
      const agg: LodNode = { n: `${foldedCount} more frame${foldedCount === 1 ? '' : 's'}`, v: foldedValue, s: foldedValue, k: foldedSamples, l: 'other', x: foldedCount };
      if (foldedMatch) agg.m = 1;
      kids.push(agg);
    }
    if (kids.length > 0) out.c = kids.sort((a, b) => (a.l === 'other' ? 1 : b.l === 'other' ? -1 : a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
    return out;
  };
  const root = build(0);
  return {
    root,
    total: tree.total(0),
    focus: focusFound ? [...focusPath] : [],
    focusFound,
    truncated,
    nodes: count,
    search: term ? { term: opts.search ?? '', matched, total: tree.total(0) } : null,
  };
}

/** Binary max-heap of node ids by a key. */
class MaxHeap {
  private readonly items: number[] = [];
  constructor(private readonly key: (n: number) => number) {}
  get size(): number {
    return this.items.length;
  }
  push(n: number): void {
    const a = this.items;
    a.push(n);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.key(a[p] as number) >= this.key(a[i] as number)) break;
      [a[p], a[i]] = [a[i] as number, a[p] as number];
      i = p;
    }
  }
  pop(): number {
    const a = this.items;
    const top = a[0] as number;
    const last = a.pop() as number;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.key(a[l] as number) > this.key(a[m] as number)) m = l;
        if (r < a.length && this.key(a[r] as number) > this.key(a[m] as number)) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i] as number, a[m] as number];
        i = m;
      }
    }
    return top;
  }
}

export { NodeKind };
