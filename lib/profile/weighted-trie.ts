import { Growable } from '../util/growable';
import { StringTable } from '../util/intern';
import { PairMap } from '../util/pair-map';

/** Node kinds of a flame trie (what a flame graph colours by). */
export const NodeKind = { root: 0, process: 1, user: 2, kernel: 3, jit: 4, inlined: 5, other: 6 } as const;
export type NodeKindName = keyof typeof NodeKind;
export const NODE_KIND_NAMES = Object.keys(NodeKind) as NodeKindName[];

/**
 * One weight column of the trie: the self values of one source (a node of the capture, or a
 * time range of one), sparse — only the trie nodes it has samples in, ascending.
 */
export interface TrieColumn {
  readonly node: Uint32Array;
  /** Summed sample weight (what the flame graph measures) with the node as leaf. */
  readonly self: Float64Array;
  /** Samples with the node as leaf. */
  readonly selfCount: Float64Array;
  readonly total: number;
  readonly totalCount: number;
}

/** Dense weights of a column (or of a sum of columns), indexed by trie node. */
export interface DenseWeights {
  readonly self: Float64Array;
  readonly total: Float64Array;
  readonly selfCount: Float64Array;
  readonly totalCount: Float64Array;
}

interface Derived {
  firstChild: Int32Array;
  nextSibling: Int32Array;
  /** Position of each node in a depth-first walk with children in name order: a tie-break that does not depend on creation order. */
  rank: Uint32Array;
  /** 1 where no ancestor has the node's name: the outermost frame of that name on its path (recursion counted once). */
  firstOfName: Uint8Array;
}

/**
 * The one flame-tree core: a trie of display names (what a flame graph draws and what the
 * folded export prints) shared by every column, where each column holds one source's self
 * weights. A single node's flame graph is a view of its column; differential and merged graphs
 * combine columns of the same trie. Node 0 is the root; children are always created after their
 * parent, so one backward pass sums totals. Append-only: adding a column never renumbers nodes.
 */
export class WeightedTrie {
  readonly names = new StringTable();
  private readonly index = new PairMap();
  private readonly parentCol = new Growable(Int32Array);
  private readonly nameCol = new Growable(Uint32Array);
  private readonly kindCol = new Growable(Uint8Array);
  /** Module (binary, library, `[kernel.kallsyms]`) of each node, as an id in `modules`; 0 when unknown. */
  readonly modules = new StringTable();
  private readonly moduleCol = new Growable(Uint32Array);
  private readonly cols: TrieColumn[] = [];
  private derived: Derived | null = null;
  /** Scratch for the column being built (dense by node) and the nodes it touched. */
  private building: { self: Growable<Float64Array>; count: Growable<Float64Array>; touched: number[] } | null = null;

  constructor() {
    this.parentCol.push(-1);
    this.nameCol.push(this.names.intern('all'));
    this.kindCol.push(NodeKind.root);
    this.moduleCol.push(0);
  }

  get size(): number {
    return this.parentCol.length;
  }

  get columns(): readonly TrieColumn[] {
    return this.cols;
  }

  /** The child of `parent` named `name`, created with `kind` and `module` when absent (equal names share a node whatever their module). */
  child(parent: number, name: string, kind: number, module = ''): number {
    const nameId = this.names.intern(name);
    let id = this.index.get(parent, nameId);
    if (id < 0) {
      id = this.parentCol.push(parent);
      this.nameCol.push(nameId);
      this.kindCol.push(kind);
      this.moduleCol.push(module === '' ? 0 : this.modules.intern(module));
      this.index.add(parent, nameId, id);
      this.derived = null;
    }
    return id;
  }

  /** Starts a new column; `addSelf` fills it and `endColumn` freezes it and returns its index. */
  beginColumn(): void {
    if (this.building) throw new Error('internal: a trie column is already being built');
    this.building = { self: new Growable(Float64Array, this.size + 1024), count: new Growable(Float64Array, this.size + 1024), touched: [] };
  }

  addSelf(node: number, weight: number, count: number): void {
    const b = this.building;
    if (!b) throw new Error('internal: addSelf outside a column');
    while (b.self.length <= node) {
      b.self.push(0);
      b.count.push(0);
    }
    if (b.count.get(node) === 0 && b.self.get(node) === 0) b.touched.push(node);
    b.self.set(node, b.self.get(node) + weight);
    b.count.set(node, b.count.get(node) + count);
  }

  endColumn(): number {
    const b = this.building;
    if (!b) throw new Error('internal: endColumn without beginColumn');
    this.building = null;
    const nodes = Uint32Array.from(b.touched).sort();
    const self = new Float64Array(nodes.length);
    const selfCount = new Float64Array(nodes.length);
    let total = 0;
    let totalCount = 0;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i] as number;
      self[i] = b.self.get(n);
      selfCount[i] = b.count.get(n);
      total += self[i] as number;
      totalCount += selfCount[i] as number;
    }
    this.cols.push({ node: nodes, self, selfCount, total, totalCount });
    return this.cols.length - 1;
  }

  parent(node: number): number {
    return this.parentCol.get(node);
  }
  name(node: number): string {
    return this.names.get(this.nameCol.get(node));
  }
  kindCode(node: number): number {
    return this.kindCol.get(node);
  }
  kind(node: number): NodeKindName {
    return NODE_KIND_NAMES[this.kindCol.get(node)] ?? 'user';
  }

  /** The node's module as an id in `modules` (0: unknown). */
  moduleId(node: number): number {
    return this.moduleCol.get(node);
  }
  module(node: number): string {
    return this.modules.get(this.moduleCol.get(node));
  }

  /** Calls `visit` for each child of a node, in creation order. */
  forEachChild(node: number, visit: (child: number) => void): void {
    const { firstChild, nextSibling } = this.derive();
    for (let c = firstChild[node] as number; c >= 0; c = nextSibling[c] as number) visit(c);
  }

  children(node: number): number[] {
    const out: number[] = [];
    this.forEachChild(node, (c) => out.push(c));
    return out;
  }

  /** Canonical order of nodes (name-ordered depth-first position): equal inputs give equal orders whatever the creation order. */
  rank(node: number): number {
    return this.derive().rank[node] as number;
  }

  /** Whether no ancestor of the node has its name (the frame's outermost occurrence on its path). */
  firstOfName(node: number): boolean {
    return this.derive().firstOfName[node] === 1;
  }

  /** The name of a node as its string-table id (equal names, equal ids). */
  nameId(node: number): number {
    return this.nameCol.get(node);
  }

  /** Names from the first level below the root down to `node`. */
  path(node: number): string[] {
    const out: string[] = [];
    for (let n = node; n > 0; n = this.parentCol.get(n)) out.push(this.name(n));
    return out.reverse();
  }

  /** Node reached by following `path` from the root, or -1. */
  find(path: readonly string[]): number {
    let node = 0;
    for (const name of path) {
      const id = this.names.lookup(name);
      if (id === undefined) return -1;
      node = this.index.get(node, id);
      if (node < 0) return -1;
    }
    return node;
  }

  /** Dense weights of one column. */
  weights(column: number): DenseWeights {
    const c = this.cols[column];
    if (!c) throw new Error(`internal: no trie column ${column}`);
    return this.scatter([c]);
  }

  /** Dense weights of several columns summed. */
  sum(columns: readonly number[]): DenseWeights {
    return this.scatter(columns.map((k) => this.cols[k] as TrieColumn));
  }

  /** Approximate heap bytes (for caches sized in bytes). */
  bytes(): number {
    let n = this.size * (4 + 4 + 1 + 4 + 4 + 4 + 4 + 12);
    for (const c of this.cols) n += c.node.byteLength + c.self.byteLength + c.selfCount.byteLength;
    for (const s of this.names.strings) n += 2 * s.length + 40;
    return n;
  }

  private scatter(cols: readonly TrieColumn[]): DenseWeights {
    const n = this.size;
    const self = new Float64Array(n);
    const selfCount = new Float64Array(n);
    for (const c of cols) {
      for (let i = 0; i < c.node.length; i++) {
        const id = c.node[i] as number;
        self[id] = (self[id] as number) + (c.self[i] as number);
        selfCount[id] = (selfCount[id] as number) + (c.selfCount[i] as number);
      }
    }
    const total = self.slice();
    const totalCount = selfCount.slice();
    for (let i = n - 1; i > 0; i--) {
      const p = this.parentCol.get(i);
      total[p] = (total[p] as number) + (total[i] as number);
      totalCount[p] = (totalCount[p] as number) + (totalCount[i] as number);
    }
    return { self, total, selfCount, totalCount };
  }

  private derive(): Derived {
    if (this.derived) return this.derived;
    const n = this.size;
    const firstChild = new Int32Array(n).fill(-1);
    const nextSibling = new Int32Array(n).fill(-1);
    // Backward, so each parent's list ends up in creation order.
    for (let i = n - 1; i > 0; i--) {
      const p = this.parentCol.get(i);
      nextSibling[i] = firstChild[p] as number;
      firstChild[p] = i;
    }
    const rank = new Uint32Array(n);
    let next = 0;
    const stack = [0];
    const names = this.names;
    while (stack.length > 0) {
      const node = stack.pop() as number;
      rank[node] = next++;
      const kids: number[] = [];
      for (let c = firstChild[node] as number; c >= 0; c = nextSibling[c] as number) kids.push(c);
      kids.sort((a, b) => compareNames(names.get(this.nameCol.get(a)), names.get(this.nameCol.get(b))));
      for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k] as number);
    }
    // Outermost occurrences: a depth-first walk counting the names on the current path.
    const firstOfName = new Uint8Array(n);
    const onPath = new Uint32Array(this.names.size);
    const walk: number[] = [0];
    while (walk.length > 0) {
      const top = walk.pop() as number;
      if (top < 0) {
        onPath[this.nameCol.get(~top)] = (onPath[this.nameCol.get(~top)] as number) - 1;
        continue;
      }
      const nameId = this.nameCol.get(top);
      if (top > 0) {
        if (onPath[nameId] === 0) firstOfName[top] = 1;
        onPath[nameId] = (onPath[nameId] as number) + 1;
        walk.push(~top);
      }
      for (let c = firstChild[top] as number; c >= 0; c = nextSibling[c] as number) walk.push(c);
    }
    this.derived = { firstChild, nextSibling, rank, firstOfName };
    return this.derived;
  }
}

/** Code-unit order of names (how flame graphs sort siblings). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
