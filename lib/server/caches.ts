import { LRUCache } from 'lru-cache';
import type { Profile } from '../profile/types';
import type { WeightedTrie } from '../profile/weighted-trie';
import { serverEnv } from './env';

export interface CachedTrie {
  readonly trie: WeightedTrie;
  /** Node names, in the order of the trie's columns. */
  readonly nodes: readonly string[];
}

interface Caches {
  /** Parsed profiles by `capture/node@version`. */
  profiles: LRUCache<string, { profile: Profile; version: string }>;
  /** Weighted tries by capture, node versions and naming options. */
  tries: LRUCache<string, CachedTrie>;
}

const KEY = Symbol.for('tracefleet.caches');

function typedArrayBytes(value: unknown, seen = new Set<unknown>()): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (typeof value === 'string') return 2 * value.length + 32;
  if (typeof value !== 'object' || value === null || seen.has(value)) return 8;
  seen.add(value);
  let n = 0;
  for (const v of Array.isArray(value) ? value : Object.values(value)) n += typedArrayBytes(v, seen);
  return n;
}

/**
 * The process's caches, sized in bytes (TRACEFLEET_CACHE_MB: three quarters for profiles, one
 * quarter for tries) and kept on globalThis so dev-mode reloads reuse them.
 */
export function caches(): Caches {
  const g = globalThis as { [KEY]?: Caches };
  if (!g[KEY]) {
    const bytes = serverEnv().TRACEFLEET_CACHE_MB * 2 ** 20;
    g[KEY] = {
      profiles: new LRUCache({ maxSize: Math.floor(bytes * 0.75), sizeCalculation: (v) => Math.max(1, typedArrayBytes(v.profile)) }),
      tries: new LRUCache({ maxSize: Math.floor(bytes * 0.25), sizeCalculation: (v) => Math.max(1, v.trie.bytes()) }),
    };
  }
  return g[KEY];
}
