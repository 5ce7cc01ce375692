/**
 * One time axis per host for all of its sources. Sources on the kernel clock (perf, ftrace,
 * trace-cmd: ns since boot) line up by themselves. Wall-clock sources (strace -ttt: Unix
 * epoch) are placed with perf's `captured on` header, which is when perf.data was last
 * written (the end of the recording, to the second, in the capturing host's local time: taken
 * as UTC); without one they start with the host's other sources, and the user's offset moves
 * the whole host. Times on the host axis are ns from the host's first record.
 */
import type { NodeSummary, SourceKind, SourceSummary } from '../api/schemas';
import { defaultSource, sourceOfKind } from '../api/sources';

export type Alignment = 'kernel clock' | 'capture time' | 'first record';

export interface Placement {
  source: SourceSummary;
  /** Where the source's own first record falls on the host axis. */
  offsetNs: number;
  durationNs: number;
  alignment: Alignment;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** perf's `captured on` (ctime: `Thu Nov 26 10:42:28 2026`) as ns since the epoch, or null. */
export function capturedOnNs(text: string | null): number | null {
  const m = text ? /^\w{3}\s+(\w{3})\s+(\d{1,2})\s+(\d\d):(\d\d):(\d\d)\s+(\d{4})$/.exec(text.trim()) : null;
  if (!m) return null;
  const month = MONTHS.indexOf(m[1] as string);
  if (month < 0) return null;
  return Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) * 1e6;
}

export const sourceDuration = (s: SourceSummary): number => Math.max(1, s.endNs - s.startNs);

/**
 * The host's sources placed on its axis, in the host's source order. `shift` moves a source
 * that is not on the kernel clock by the user's offset (ns), where the capture cannot tell.
 */
export function placeSources(host: NodeSummary, shift: (source: string) => number = () => 0): Placement[] {
  const kernel = host.sources.filter((s) => s.clock === 'boot');
  // Unix-epoch time of boot, from a kernel-clock source that says when it was written.
  let bootEpochNs: number | null = null;
  for (const s of kernel) {
    const written = capturedOnNs(s.capturedOn);
    if (written !== null) {
      bootEpochNs = written - s.endNs;
      break;
    }
  }
  const kernelStart = kernel.length > 0 ? Math.min(...kernel.map((s) => s.startNs)) : 0;
  const epochs = host.sources.filter((s) => s.clock === 'epoch');
  const epochStart = epochs.length > 0 ? Math.min(...epochs.map((s) => s.startNs)) : 0;
  const placed = host.sources.map((source) => {
    let abs: number;
    let alignment: Alignment;
    if (source.clock === 'boot') [abs, alignment] = [source.startNs, 'kernel clock'];
    else if (source.clock === 'epoch' && bootEpochNs !== null) [abs, alignment] = [source.startNs - bootEpochNs + shift(source.name), 'capture time'];
    // Wall-clock sources still line up with each other; as a group they start with the host.
    else if (source.clock === 'epoch') [abs, alignment] = [kernelStart + source.startNs - epochStart + shift(source.name), 'first record'];
    else [abs, alignment] = [kernelStart + shift(source.name), 'first record'];
    return { source, abs, alignment };
  });
  const origin = Math.min(...placed.map((p) => p.abs));
  return placed.map(({ source, abs, alignment }) => ({ source, offsetNs: abs - origin, durationNs: sourceDuration(source), alignment }));
}

/** Length of a host's axis: to the end of its last source. */
export function hostDuration(placements: readonly Placement[]): number {
  return Math.max(1, ...placements.map((p) => p.offsetNs + p.durationNs));
}

/** A range on the host axis as a range of one source's own times (ns from its first record), or null when they do not meet. */
export function sourceRange(range: readonly [number, number] | undefined, p: Placement | undefined): [number, number] | undefined | null {
  if (!range || !p) return undefined;
  const a = Math.max(0, range[0] - p.offsetNs);
  const b = Math.min(p.durationNs + 1, range[1] - p.offsetNs);
  return b > a ? [a, b] : null;
}

/**
 * The sources a host's detail views read, placed on its axis: stacks from its source of the
 * chosen kind (else its default for stacks), syscalls from the chosen source (else strace,
 * else tracepoints).
 */
export function hostViews(
  host: NodeSummary,
  kind: SourceKind | undefined,
  sysSource: string | undefined,
  shift?: (source: string) => number,
  schedSource?: string,
): { stacks?: Placement; syscalls?: Placement; sched?: Placement; placements: Placement[] } {
  const placements = placeSources(host, shift);
  const stacks = (kind && sourceOfKind(host.sources, kind)) || defaultSource(host.sources, 'stacks');
  const syscalls = host.sources.find((s) => s.name === sysSource) ?? defaultSource(host.sources, 'syscalls');
  const withSlices = host.sources.filter((s) => s.slices > 0);
  const sched = withSlices.find((s) => s.name === schedSource) ?? (withSlices.length > 0 ? defaultSource(withSlices, 'sched') : undefined);
  const at = (s: SourceSummary | undefined) => placements.find((p) => p.source.name === s?.name);
  return { stacks: at(stacks), syscalls: at(syscalls), sched: at(sched), placements };
}
