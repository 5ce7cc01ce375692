import { compileSearch } from '../util/frame-search';
import { compareNames, type NodeKindName, type WeightedTrie } from './weighted-trie';

/** What every level-of-detail row carries, whatever else a view adds. */
export interface LodRow<R> {
  n: string;
  l: NodeKindName;
  c?: R[];
  /** Set on an aggregate that hides a search match. */
  m?: 1;
  /** Number of frames folded into an aggregate. */
  x?: number;
}

/** How a view measures and renders the nodes of a trie. */
export interface LodView<R extends LodRow<R>> {
  /** Drawn width of a node; frames of width 0 are not part of this view. */
  value(node: number): number;
  /** Whether a node is part of the view at all (default: value > 0). */
  present?(node: number): boolean;
  /** What decides which frames get a node of the budget first (default: value). */
  importance?(node: number): number;
  /** A node's row, without children. */
  row(node: number): R;
  /** One labelled aggregate standing for trimmed siblings: it must keep their summed weight. */
  aggregate(nodes: readonly number[], label: string): R;
}

export interface LodOptions {
  /** Frame path (names, root first) to show at full detail. */
  readonly focus?: readonly string[];
  /** Most nodes to send; the rest are folded into one aggregate per parent. */
  readonly maxNodes?: number;
  /** Frames narrower than this share of the focused frame's importance are folded (default 1/20000). */
  readonly minShare?: number;
  /** Plain, case-insensitive substring; matches are counted on the full tree. */
  readonly search?: string;
}

export interface LodResult<R> {
  root: R;
  focus: string[];
  focusFound: boolean;
  truncated: boolean;
  nodes: number;
  search: { term: string; matched: number; total: number } | null;
}

export const DEFAULT_MAX_NODES = 4000;
/**
 * Deepest level sent. JSON.stringify and JSON.parse recurse per level and overflow the stack
 * near 2,500 nested frames; the parsers cap callchains at 1,024 frames, so real stacks fit.
 */
export const MAX_DEPTH = 1200;
/** Frames under ~1/20000 of the focus are below a pixel on any screen. */
export const DEFAULT_MIN_SHARE = 1 / 20000;

/** Label of an aggregate of `count` folded frames. */
export function foldedLabel(count: number): string {
  return `${count} more frame${count === 1 ? '' : 's'}`;
}

/**
 * The one level-of-detail pass behind every flame graph the server sends. The focused frame's
 * subtree is expanded most-important-first up to the node budget; children that do not fit
 * (or are narrower than the floor) are folded into one labelled aggregate per parent that keeps
 * their weight, so nothing is dropped and a zoom into the parent brings them back at full
 * detail. Ancestors of the focus keep their values; their other children are folded the same
 * way. Ties are broken by the trie's canonical order, so equal trees give equal answers.
 */
export function levelOfDetail<R extends LodRow<R>>(trie: WeightedTrie, view: LodView<R>, opts: LodOptions = {}): LodResult<R> {
  const maxNodes = opts.maxNodes ?? DEFAULT_MAX_NODES;
  const present = view.present ? (n: number) => (view.present as (n: number) => boolean)(n) : (n: number) => view.value(n) > 0;
  const importance = view.importance ? (n: number) => (view.importance as (n: number) => number)(n) : (n: number) => view.value(n);
  const focusPath = opts.focus ?? [];
  let focus = trie.find(focusPath);
  const focusFound = focus >= 0 && (focus === 0 || present(focus));
  if (!focusFound) focus = 0;

  const { hasMatchBelow, matched } = searchTree(trie, present, view.value, opts.search);

  // Most-important-first expansion of the focus subtree within the budget.
  const included = new Set<number>();
  const onPath = new Set<number>();
  const depth = new Map<number, number>();
  let focusDepth = -1;
  for (let a = focus; a >= 0; a = trie.parent(a)) {
    included.add(a);
    onPath.add(a);
    focusDepth++;
  }
  depth.set(focus, focusDepth);
  const frontier = new MaxHeap(importance, (n) => trie.rank(n));
  trie.forEachChild(focus, (c) => {
    if (present(c)) frontier.push(c);
  });
  const floor = importance(focus) * (opts.minShare ?? DEFAULT_MIN_SHARE);
  while (frontier.size > 0 && included.size < maxNodes) {
    const n = frontier.pop();
    if (importance(n) < floor) break;
    const d = (depth.get(trie.parent(n)) as number) + 1;
    if (d > MAX_DEPTH) continue;
    included.add(n);
    depth.set(n, d);
    trie.forEachChild(n, (c) => {
      if (present(c)) frontier.push(c);
    });
  }

  let truncated = false;
  let count = 0;
  // Iterative (trees can be thousands of frames deep): rows are built parent first, children
  // attached and sorted once all of a parent's children are done.
  const build = (top: number): R => {
    const rootRow = view.row(top);
    const work: { node: number; row: R }[] = [{ node: top, row: rootRow }];
    count++;
    while (work.length > 0) {
      const { node, row } = work.pop() as { node: number; row: R };
      const kids: R[] = [];
      const folded: number[] = [];
      let foldedMatch = false;
      // Below an ancestor of the focus only the path continues; elsewhere, what was included.
      const expand = !onPath.has(node) || node === focus;
      trie.forEachChild(node, (c) => {
        if (!present(c)) return;
        if (included.has(c) && (expand || onPath.has(c))) {
          const childRow = view.row(c);
          count++;
          kids.push(childRow);
          work.push({ node: c, row: childRow });
        } else {
          folded.push(c);
          if (hasMatchBelow?.[c]) foldedMatch = true;
        }
      });
      if (folded.length > 0) {
        truncated = true;
        count++;
        const agg = view.aggregate(folded, foldedLabel(folded.length));
        if (foldedMatch) agg.m = 1;
        kids.push(agg);
      }
      if (kids.length > 0) row.c = kids.sort((a, b) => (a.l === 'other' ? 1 : b.l === 'other' ? -1 : compareNames(a.n, b.n)));
    }
    return rootRow;
  };
  const root = build(0);
  return {
    root,
    focus: focusFound ? [...focusPath] : [],
    focusFound,
    truncated,
    nodes: count,
    search: hasMatchBelow ? { term: opts.search ?? '', matched, total: view.value(0) } : null,
  };
}

/** Matching nodes over the whole view, which nodes have a match below them, and the matched value (outermost matches only). */
function searchTree(trie: WeightedTrie, present: (n: number) => boolean, value: (n: number) => number, search: string | undefined) {
  const term = search?.trim() ?? '';
  if (!term) return { hasMatchBelow: null, matched: 0 };
  const matches = compileSearch(term).test;
  const hasMatchBelow = new Uint8Array(trie.size);
  let matched = 0;
  const stack: number[] = [0];
  const under: boolean[] = [false];
  while (stack.length > 0) {
    const node = stack.pop() as number;
    const underMatch = under.pop() as boolean;
    const isMatch = node !== 0 && matches(trie.name(node));
    if (isMatch) {
      if (!underMatch) matched += value(node);
      for (let a = node; a >= 0 && !hasMatchBelow[a]; a = trie.parent(a)) hasMatchBelow[a] = 1;
    }
    trie.forEachChild(node, (c) => {
      if (!present(c)) return;
      stack.push(c);
      under.push(underMatch || isMatch);
    });
  }
  return { hasMatchBelow, matched };
}

/** Binary max-heap of node ids by a key, ties broken by a canonical order (smaller first). */
class MaxHeap {
  private readonly items: number[] = [];
  constructor(
    private readonly key: (n: number) => number,
    private readonly order: (n: number) => number,
  ) {}
  get size(): number {
    return this.items.length;
  }
  private above(a: number, b: number): boolean {
    const ka = this.key(a);
    const kb = this.key(b);
    return ka > kb || (ka === kb && this.order(a) < this.order(b));
  }
  push(n: number): void {
    const a = this.items;
    a.push(n);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(a[i] as number, a[p] as number)) break;
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
        if (l < a.length && this.above(a[l] as number, a[m] as number)) m = l;
        if (r < a.length && this.above(a[r] as number, a[m] as number)) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i] as number, a[m] as number];
        i = m;
      }
    }
    return top;
  }
}
