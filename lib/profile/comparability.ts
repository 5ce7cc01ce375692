/**
 * Whether the hosts of a comparison can be compared, and what to keep in mind when they cannot
 * quite: a differential graph or a ranking over different events, sampling rates, durations or
 * sample counts far apart still draws, but the page must say so (shares of each side's total
 * hide volume; absolute values hide rate and duration).
 */

/** What a comparison needs to know of one host's side. */
export interface HostFacts {
  readonly node: string;
  /** Event the samples are of (the one asked, or the source's default). */
  readonly event: string;
  readonly samples: number;
  /** Time the samples cover, ns (the asked range, or the source's span). */
  readonly durationNs: number;
}

export type ComparabilityCode = 'events' | 'rate' | 'duration' | 'samples' | 'few';

export interface ComparabilityWarning {
  readonly code: ComparabilityCode;
  readonly message: string;
}

/** Ratios past these are "far apart". */
export const RATE_RATIO = 2;
export const DURATION_RATIO = 2;
export const SAMPLES_RATIO = 10;
/** Below this many samples a host's shares move by whole percents between runs. */
export const FEW_SAMPLES = 200;

const extremes = <T>(items: readonly T[], key: (t: T) => number): [T, T] => {
  let lo = items[0] as T;
  let hi = items[0] as T;
  for (const t of items) {
    if (key(t) < key(lo)) lo = t;
    if (key(t) > key(hi)) hi = t;
  }
  return [lo, hi];
};

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(2));
const seconds = (ns: number) => `${fmt(ns / 1e9)} s`;

/** The warnings for a set of compared hosts (those with samples), most fundamental first. */
export function comparability(hosts: readonly HostFacts[]): ComparabilityWarning[] {
  const out: ComparabilityWarning[] = [];
  const live = hosts.filter((h) => h.samples > 0);
  if (live.length < 2) return out;
  const events = [...new Set(live.map((h) => h.event))];
  if (events.length > 1) {
    const byEvent = events.map((e) => `${e} (${live.filter((h) => h.event === e).map((h) => h.node).join(', ')})`);
    out.push({ code: 'events', message: `The hosts sampled different events: ${byEvent.join('; ')}. Their graphs say where each spent its own kind of weight; pick one event to compare like with like.` });
  }
  const timed = live.filter((h) => h.durationNs > 0);
  if (timed.length >= 2) {
    const rate = (h: HostFacts) => h.samples / (h.durationNs / 1e9);
    const [slow, fast] = extremes(timed, rate);
    if (rate(fast) > RATE_RATIO * rate(slow)) {
      out.push({
        code: 'rate',
        message: `Sample rates are far apart: ${fast.node} ${fmt(rate(fast))}/s, ${slow.node} ${fmt(rate(slow))}/s (different -F, CPU counts or load). Shares still compare; absolute values do not.`,
      });
    }
    const [short, long] = extremes(timed, (h) => h.durationNs);
    if (long.durationNs > DURATION_RATIO * short.durationNs) {
      out.push({ code: 'duration', message: `Durations are far apart: ${long.node} ${seconds(long.durationNs)}, ${short.node} ${seconds(short.durationNs)}. A short capture may miss phases of the workload.` });
    }
  }
  const [least, most] = extremes(live, (h) => h.samples);
  if (most.samples > SAMPLES_RATIO * least.samples) {
    out.push({ code: 'samples', message: `Sample counts are far apart: ${most.node} ${fmt(most.samples)}, ${least.node} ${fmt(least.samples)}. In absolute mode the larger side dominates.` });
  }
  const few = live.filter((h) => h.samples < FEW_SAMPLES);
  if (few.length > 0) {
    out.push({ code: 'few', message: `Few samples on ${few.map((h) => `${h.node} (${h.samples})`).join(', ')}: their shares are noisy, a frame under a few percent may be chance.` });
  }
  return out;
}
