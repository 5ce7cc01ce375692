import { Growable } from '../util/growable';
import { StringTable } from '../util/intern';
import { PairMap } from '../util/pair-map';

/** Node kinds of a name tree (what a flame graph colours by). */
export const NodeKind = { root: 0, process: 1, user: 2, kernel: 3, jit: 4, inlined: 5, other: 6 } as const;
export type NodeKindName = keyof typeof NodeKind;
export const NODE_KIND_NAMES = Object.keys(NodeKind) as NodeKindName[];

/**
 * A trie of display names (what a flame graph draws and what the folded export prints),
 * built from a profile's stack trie under one set of naming options. Node 0 is the root.
 */
export class NameTree {
  readonly names = new StringTable();
  private readonly index = new PairMap();
  private readonly parentCol = new Growable(Int32Array);
  private readonly nameCol = new Growable(Uint32Array);
  private readonly kindCol = new Growable(Uint8Array);
  private readonly selfCol = new Growable(Float64Array);
  private readonly selfCountCol = new Growable(Float64Array);
  private frozen: { total: Float64Array; totalCount: Float64Array; firstChild: Int32Array; nextSibling: Int32Array; depth: Uint16Array } | null = null;

  constructor() {
    this.parentCol.push(-1);
    this.nameCol.push(this.names.intern('root'));
    this.kindCol.push(NodeKind.root);
    this.selfCol.push(0);
    this.selfCountCol.push(0);
  }

  get size(): number {
    return this.parentCol.length;
  }

  child(parent: number, name: string, kind: number): number {
    const nameId = this.names.intern(name);
    let id = this.index.get(parent, nameId);
    if (id < 0) {
      id = this.parentCol.push(parent);
      this.nameCol.push(nameId);
      this.kindCol.push(kind);
      this.selfCol.push(0);
      this.selfCountCol.push(0);
      this.index.add(parent, nameId, id);
      this.frozen = null;
    }
    return id;
  }

  /** Adds `weight` (what the graph measures) and `count` samples to a node's self value. */
  addSelf(node: number, weight: number, count: number): void {
    this.selfCol.set(node, this.selfCol.get(node) + weight);
    this.selfCountCol.set(node, this.selfCountCol.get(node) + count);
    this.frozen = null;
  }

  parent(node: number): number {
    return this.parentCol.get(node);
  }
  name(node: number): string {
    return this.names.get(this.nameCol.get(node));
  }
  kind(node: number): number {
    return this.kindCol.get(node);
  }
  self(node: number): number {
    return this.selfCol.get(node);
  }
  total(node: number): number {
    return this.finish().total[node] as number;
  }
  /** Samples in the node and below it. */
  totalCount(node: number): number {
    return this.finish().totalCount[node] as number;
  }
  depth(node: number): number {
    return this.finish().depth[node] as number;
  }

  /** Children of a node, in creation order. */
  children(node: number): number[] {
    const { firstChild, nextSibling } = this.finish();
    const out: number[] = [];
    for (let c = firstChild[node] as number; c >= 0; c = nextSibling[c] as number) out.push(c);
    return out;
  }

  /** Names from the first level below the root down to `node`. */
  path(node: number): string[] {
    const out: string[] = [];
    for (let n = node; n > 0; n = this.parentCol.get(n)) out.push(this.name(n));
    return out.reverse();
  }

  /** Node reached by following `path` from the root, or -1. */
  find(path: readonly string[]): number {
    return findInTrie(this.names, this.index, path);
  }

  private finish() {
    if (this.frozen) return this.frozen;
    const n = this.size;
    const total = this.selfCol.toArray();
    const totalCount = this.selfCountCol.toArray();
    const firstChild = new Int32Array(n).fill(-1);
    const nextSibling = new Int32Array(n).fill(-1);
    const depth = new Uint16Array(n);
    // Children are always created after their parent: one backward pass sums totals and
    // links children in creation order; one forward pass sets depths.
    for (let i = n - 1; i > 0; i--) {
      const p = this.parentCol.get(i);
      total[p] = (total[p] as number) + (total[i] as number);
      totalCount[p] = (totalCount[p] as number) + (totalCount[i] as number);
      nextSibling[i] = firstChild[p] as number;
      firstChild[p] = i;
    }
    for (let i = 1; i < n; i++) depth[i] = Math.min(0xffff, (depth[this.parentCol.get(i)] as number) + 1);
    this.frozen = { total, totalCount, firstChild, nextSibling, depth };
    return this.frozen;
  }
}

/** Follows a path of names from node 0 of a trie indexed by (parent, name id); -1 when absent. */
export function findInTrie(names: StringTable, index: PairMap, path: readonly string[]): number {
  let node = 0;
  for (const name of path) {
    const id = names.lookup(name);
    if (id === undefined) return -1;
    node = index.get(node, id);
    if (node < 0) return -1;
  }
  return node;
}
