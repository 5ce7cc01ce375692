/** Least-recently-used cache bounded by a caller-supplied size (bytes, roughly). */
export class Lru<K, V> {
  private readonly map = new Map<K, { value: V; size: number }>();
  private used = 0;

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  set(key: K, value: V, size: number): void {
    const old = this.map.get(key);
    if (old) {
      this.used -= old.size;
      this.map.delete(key);
    }
    this.map.set(key, { value, size });
    this.used += size;
    for (const [k, e] of this.map) {
      if (this.used <= this.capacity || this.map.size <= 1) break;
      this.map.delete(k);
      this.used -= e.size;
    }
  }

  deleteWhere(pred: (key: K) => boolean): void {
    for (const [k, e] of this.map) {
      if (pred(k)) {
        this.map.delete(k);
        this.used -= e.size;
      }
    }
  }
}
