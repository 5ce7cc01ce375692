import { lowerBound } from '../util/search';
import { SampleFlag, type Profile } from './types';

export interface SampleFilter {
  /**
   * Event name to keep. Undefined means stackcollapse-perf.pl's default: the first event seen,
   * plus every sample whose event line ends in a payload (Perl cannot read their event name).
   */
  readonly event?: string;
  /** Half-open time range [fromNs, toNs) in ns since capture start. */
  readonly fromNs?: number;
  readonly toNs?: number;
}

/** Index range of samples inside the filter's time range (samples are sorted by time). */
export function timeRange(profile: Profile, filter: SampleFilter): [number, number] {
  const t = profile.samples.timeNs;
  const lo = filter.fromNs === undefined ? 0 : lowerBound(t, filter.fromNs);
  const hi = filter.toNs === undefined ? t.length : lowerBound(t, filter.toNs);
  return [lo, Math.max(lo, hi)];
}

/**
 * Calls `visit(sampleIndex)` for every sample the filter keeps. Samples of threads perf could
 * not name (`:-1 -1`, exiting threads) are skipped, as stackcollapse-perf.pl skips them.
 */
export function forEachSample(profile: Profile, filter: SampleFilter, visit: (i: number) => void): void {
  const { samples, threads } = profile;
  const [lo, hi] = timeRange(profile, filter);
  let wanted = -1;
  let strict = false;
  if (filter.event !== undefined) {
    wanted = profile.eventTypes.findIndex((e) => e.name === filter.event);
    strict = true;
    if (wanted < 0) return;
  } else {
    wanted = profile.defaultEvent;
  }
  const { event, flags, thread } = samples;
  for (let i = lo; i < hi; i++) {
    if ((threads.tid[thread[i] as number] as number) < 0) continue;
    const e = event[i] as number;
    if (e !== wanted && (strict || (wanted >= 0 && ((flags[i] as number) & SampleFlag.PerlUnfilterable) === 0))) continue;
    visit(i);
  }
}
