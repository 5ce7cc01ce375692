/**
 * The parsers' memo caches (line text → what it parsed to): a Map that is emptied when it is
 * full. Clearing whole is cheap, needs no bookkeeping per hit, and suits inputs whose lines
 * repeat: the working set is back after a few hundred lines. Every entry must be derivable
 * again from the input, so a cleared cache changes nothing but speed.
 */
export interface CacheLimits {
  /** Entries before the cache is cleared (default: no cap). */
  readonly maxEntries?: number;
  /** Total cost (e.g. characters kept) before the cache is cleared (default: no cap). */
  readonly maxCost?: number;
}

export class BoundedCache<K, V> {
  private map = new Map<K, V>();
  private totalCost = 0;
  readonly maxEntries: number;
  readonly maxCost: number;

  constructor(limits: CacheLimits) {
    this.maxEntries = limits.maxEntries ?? Infinity;
    this.maxCost = limits.maxCost ?? Infinity;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Stores `value` (replacing the key's entry), first clearing the cache when it has no room for one more entry of `cost`. */
  set(key: K, value: V, cost = 0): void {
    this.makeRoom(cost);
    this.totalCost += cost;
    this.map.set(key, value);
  }

  /**
   * For buckets (entries that share a key, linked from the newest): stores `make(head)` as the
   * key's entry, where `head` is its entry once room was made. A cleared generation is thus never
   * kept alive through the `next` link of a new entry.
   */
  prepend(key: K, make: (head: V | undefined) => V, cost = 0): V {
    this.makeRoom(cost);
    const value = make(this.map.get(key));
    this.totalCost += cost;
    this.map.set(key, value);
    return value;
  }

  get size(): number {
    return this.map.size;
  }

  get cost(): number {
    return this.totalCost;
  }

  clear(): void {
    this.map = new Map();
    this.totalCost = 0;
  }

  private makeRoom(cost: number): void {
    if (this.map.size >= this.maxEntries || this.totalCost + cost > this.maxCost) this.clear();
  }
}
