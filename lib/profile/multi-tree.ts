import { Growable } from '../util/growable';
import { StringTable } from '../util/intern';
import { PairMap } from '../util/pair-map';
import { findInTrie, NameTree, NODE_KIND_NAMES } from './name-tree';

/**
 * Several name trees (one per node) merged by frame path, keeping each tree's self values:
 * the base of differential flame graphs, the merged cluster flame graph and the ranking.
 */
export class MultiTree {
  readonly names = new StringTable();
  private readonly index = new PairMap();
  readonly parent = new Growable(Int32Array);
  readonly nameCol = new Growable(Uint32Array);
  readonly kindCol = new Growable(Uint8Array);
  /** self[k] for tree k, grown to the node count by finish(). */
  private self: Float64Array[] = [];
  private selfCount: Float64Array[] = [];
  total: Float64Array[] = [];
  totalCount: Float64Array[] = [];
  firstChild = new Int32Array(0);
  nextSibling = new Int32Array(0);

  constructor(readonly trees: readonly NameTree[]) {
    this.parent.push(-1);
    this.nameCol.push(this.names.intern('all'));
    this.kindCol.push(0);
    const selfs: Map<number, number>[] = [];
    const counts: Map<number, number>[] = [];
    trees.forEach((t, k) => {
      const map = new Map<number, number>([[0, 0]]); // node in t → node here
      const selfMap = new Map<number, number>();
      const countMap = new Map<number, number>();
      for (let n = 1; n < t.size; n++) {
        const p = map.get(t.parent(n)) as number;
        const id = this.child(p, t.name(n), t.kind(n));
        map.set(n, id);
        if (t.self(n) > 0) {
          selfMap.set(id, (selfMap.get(id) ?? 0) + t.self(n));
          countMap.set(id, (countMap.get(id) ?? 0) + t.totalCount(n) - t.children(n).reduce((a, c) => a + t.totalCount(c), 0));
        }
      }
      selfs[k] = selfMap;
      counts[k] = countMap;
    });
    const size = this.size;
    this.self = selfs.map((m) => {
      const a = new Float64Array(size);
      for (const [id, v] of m) a[id] = v;
      return a;
    });
    this.selfCount = counts.map((m) => {
      const a = new Float64Array(size);
      for (const [id, v] of m) a[id] = v;
      return a;
    });
    this.total = this.self.map((s) => s.slice());
    this.totalCount = this.selfCount.map((s) => s.slice());
    this.firstChild = new Int32Array(size).fill(-1);
    this.nextSibling = new Int32Array(size).fill(-1);
    for (let i = size - 1; i > 0; i--) {
      const p = this.parent.get(i);
      for (const tot of this.total) tot[p] = (tot[p] as number) + (tot[i] as number);
      for (const tot of this.totalCount) tot[p] = (tot[p] as number) + (tot[i] as number);
      this.nextSibling[i] = this.firstChild[p] as number;
      this.firstChild[p] = i;
    }
  }

  get size(): number {
    return this.parent.length;
  }

  private child(parent: number, name: string, kind: number): number {
    const nameId = this.names.intern(name);
    let id = this.index.get(parent, nameId);
    if (id < 0) {
      id = this.parent.push(parent);
      this.nameCol.push(nameId);
      this.kindCol.push(kind);
      this.index.add(parent, nameId, id);
    }
    return id;
  }

  name(n: number): string {
    return this.names.get(this.nameCol.get(n));
  }
  kind(n: number): (typeof NODE_KIND_NAMES)[number] {
    return NODE_KIND_NAMES[this.kindCol.get(n)] ?? 'user';
  }
  children(n: number): number[] {
    const out: number[] = [];
    for (let c = this.firstChild[n] as number; c >= 0; c = this.nextSibling[c] as number) out.push(c);
    return out;
  }
  selfOf(k: number, n: number): number {
    return this.self[k]?.[n] ?? 0;
  }
  selfArrays(): Float64Array[] {
    return this.self;
  }
  find(path: readonly string[]): number {
    return findInTrie(this.names, this.index, path);
  }
}
