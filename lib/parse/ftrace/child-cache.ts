import type { ProfileBuilder } from '../../profile/builder';

const EMPTY = -2;

/**
 * `builder.child(parent, frame)` behind an open-addressing hash table of typed arrays. The
 * builder indexes its stack trie with a Map keyed by `(parent + 1) * 2^24 + frame`, which is
 * past the small-integer range, so each lookup hashes a heap number; function_graph and
 * function-tracer input asks for one or two children per line, and this cuts that cost to a
 * few array reads.
 */
export class ChildCache {
  private parent = new Int32Array(1 << 12).fill(EMPTY);
  private frame = new Int32Array(1 << 12);
  private node = new Int32Array(1 << 12);
  private mask = (1 << 12) - 1;
  private size = 0;

  constructor(private readonly builder: ProfileBuilder) {}

  child(parent: number, frame: number): number {
    const mask = this.mask;
    let h = (Math.imul(parent + 1, 0x9e3779b1) ^ Math.imul(frame, 0x85ebca6b)) & mask;
    for (;;) {
      const p = this.parent[h] as number;
      if (p === EMPTY) break;
      if (p === parent && this.frame[h] === frame) return this.node[h] as number;
      h = (h + 1) & mask;
    }
    const node = this.builder.child(parent, frame);
    this.parent[h] = parent;
    this.frame[h] = frame;
    this.node[h] = node;
    if (++this.size * 2 > mask) this.grow();
    return node;
  }

  /** The stack node of frames[0..count) given leaf first. */
  stackFromLeafFirst(frames: Int32Array, count: number): number {
    let node = -1;
    for (let i = count - 1; i >= 0; i--) node = this.child(node, frames[i] as number);
    return node;
  }

  private grow(): void {
    const { parent, frame, node } = this;
    const cap = parent.length * 2;
    this.parent = new Int32Array(cap).fill(EMPTY);
    this.frame = new Int32Array(cap);
    this.node = new Int32Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < parent.length; i++) {
      const p = parent[i] as number;
      if (p === EMPTY) continue;
      const f = frame[i] as number;
      let h = (Math.imul(p + 1, 0x9e3779b1) ^ Math.imul(f, 0x85ebca6b)) & this.mask;
      while (this.parent[h] !== EMPTY) h = (h + 1) & this.mask;
      this.parent[h] = p;
      this.frame[h] = f;
      this.node[h] = node[i] as number;
    }
  }
}
