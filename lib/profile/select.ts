import { cellOf, rowsPerColumn } from '../util/cells';
import { lowerBound } from '../util/search';
import { SampleFlag, type EventType, type Profile } from './types';

export interface SampleFilter {
  /**
   * Event name to keep. Undefined means stackcollapse-perf.pl's default: the first event seen,
   * plus every sample whose event line ends in a payload (Perl cannot read their event name);
   * never derived samples (off-CPU time), which Perl does not make.
   */
  readonly event?: string;
  /** Half-open time range [fromNs, toNs) in ns since capture start. */
  readonly fromNs?: number;
  readonly toNs?: number;
  /** A rectangle of a subsecond heatmap: columns c0..c1 of width colNs, rows r0..r1 of height rowNs (inclusive). */
  readonly cells?: { readonly colNs: number; readonly rowNs: number; readonly c0: number; readonly c1: number; readonly r0: number; readonly r1: number };
}

/** Index range of samples inside the filter's time range (samples are sorted by time). */
export function timeRange(profile: Profile, filter: SampleFilter): [number, number] {
  const t = profile.samples.timeNs;
  let from = filter.fromNs;
  let to = filter.toNs;
  if (filter.cells) {
    from = Math.max(from ?? 0, filter.cells.c0 * filter.cells.colNs);
    to = Math.min(to ?? Infinity, (filter.cells.c1 + 1) * filter.cells.colNs);
  }
  const lo = from === undefined ? 0 : lowerBound(t, from);
  const hi = to === undefined || to === Infinity ? t.length : lowerBound(t, to);
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
  const { event, flags, thread, timeNs } = samples;
  const cells = filter.cells;
  const rows = cells ? rowsPerColumn(cells.colNs, cells.rowNs) : 0;
  for (let i = lo; i < hi; i++) {
    if ((threads.tid[thread[i] as number] as number) < 0) continue;
    if (cells) {
      const { col, row } = cellOf(timeNs[i] as number, cells.colNs, cells.rowNs, rows);
      if (col < cells.c0 || col > cells.c1 || row < cells.r0 || row > cells.r1) continue;
    }
    const e = event[i] as number;
    if (e !== wanted && (strict || (flags[i] as number) & SampleFlag.Derived || (wanted >= 0 && ((flags[i] as number) & SampleFlag.PerlUnfilterable) === 0))) continue;
    visit(i);
  }
}

/** Names of the events the capture holds records of (not derived ones). */
export function recordedEvents(profile: { readonly eventTypes: readonly EventType[] }): string[] {
  return profile.eventTypes.filter((e) => e.samples > 0 && !e.derived).map((e) => e.name);
}

/** Samples that are records of the capture (not derived at build time, like off-CPU intervals). */
export function recordCount(profile: Profile): number {
  let n = 0;
  for (const e of profile.eventTypes) if (!e.derived) n += e.samples;
  return n;
}
