/**
 * Latency buckets of syscall heatmaps: powers of two from 2.048 µs to ~17 s. Bucket i holds
 * [2^(i+10), 2^(i+11)) ns; bucket 0 also holds every faster call. Shared by the server that
 * fills them and the page that labels them.
 */
export const LATENCY_BUCKETS = 25;

export function latencyBucket(ns: number): number {
  if (!(ns >= 2048)) return 0;
  return Math.min(LATENCY_BUCKETS - 1, Math.floor(Math.log2(ns)) - 10);
}

/** Lower bound of bucket i in ns (0 for the first). */
export function latencyBucketLowNs(i: number): number {
  return i === 0 ? 0 : 2 ** (i + 10);
}

