/** First index i in a sorted array with a[i] >= value (a.length when none). */
export function lowerBound(a: ArrayLike<number>, value: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i in a sorted array with a[i] > value (a.length when none). */
export function upperBound(a: ArrayLike<number>, value: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
