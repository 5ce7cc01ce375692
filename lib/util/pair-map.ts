const EMPTY = -2;

/**
 * A map from pairs of small non-negative-or-(-1) integers to integers: open addressing over
 * typed arrays. Trie children are found by (parent, label) once per frame of every sample; a
 * Map keyed by `parent * 2^k + label` leaves the small-integer range and hashes a heap number
 * on every lookup, which this avoids.
 */
export class PairMap {
  private a = new Int32Array(1 << 12).fill(EMPTY);
  private b = new Int32Array(1 << 12);
  private v = new Int32Array(1 << 12);
  private mask = (1 << 12) - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The value of (a, b), or -1. */
  get(a: number, b: number): number {
    const mask = this.mask;
    for (let h = slot(a, b, mask); ; h = (h + 1) & mask) {
      const x = this.a[h] as number;
      if (x === EMPTY) return -1;
      if (x === a && this.b[h] === b) return this.v[h] as number;
    }
  }

  /** Sets (a, b) → value, which must not be present yet. */
  add(a: number, b: number, value: number): void {
    let h = slot(a, b, this.mask);
    while (this.a[h] !== EMPTY) h = (h + 1) & this.mask;
    this.a[h] = a;
    this.b[h] = b;
    this.v[h] = value;
    if (++this.count * 2 > this.mask) this.grow();
  }

  private grow(): void {
    const { a, b, v } = this;
    const cap = a.length * 2;
    this.a = new Int32Array(cap).fill(EMPTY);
    this.b = new Int32Array(cap);
    this.v = new Int32Array(cap);
    this.mask = cap - 1;
    this.count = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== EMPTY) this.add(a[i] as number, b[i] as number, v[i] as number);
  }
}

function slot(a: number, b: number, mask: number): number {
  return (Math.imul(a + 1, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) & mask;
}
