import { LRUCache } from 'lru-cache';
import { profileBytes } from '../profile/memory';
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

/**
 * The process's caches, sized in bytes (TRACEFLEET_CACHE_MB: three quarters for profiles, one
 * quarter for tries) and kept on globalThis so dev-mode reloads reuse them.
 */
export function caches(): Caches {
  const g = globalThis as { [KEY]?: Caches };
  if (!g[KEY]) {
    const bytes = serverEnv().TRACEFLEET_CACHE_MB * 2 ** 20;
    g[KEY] = {
      profiles: new LRUCache({ maxSize: Math.floor(bytes * 0.75), sizeCalculation: (v) => Math.max(1, profileBytes(v.profile)) }),
      tries: new LRUCache({ maxSize: Math.floor(bytes * 0.25), sizeCalculation: (v) => Math.max(1, v.trie.bytes()) }),
    };
  }
  return g[KEY];
}

/** Drops a capture's parsed profiles and tries (keys carry versions, so this frees memory; nothing stale is ever served). */
export function dropCapture(captureId: string): void {
  const { profiles, tries } = caches();
  for (const key of profiles.keys()) if (key.startsWith(`${captureId}/`)) profiles.delete(key);
  for (const key of tries.keys()) if (key.includes(`:${captureId}:`) || key.includes(`:${captureId}/`)) tries.delete(key);
}
