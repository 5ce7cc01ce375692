import { describe, expect, it } from 'vitest';
import type { NodeSummary, SourceSummary } from '../api/schemas';
import { capturedOnNs, hostDuration, placeSources, sourceRange } from './hosts';

const source = (name: string, kind: SourceSummary['kind'], clock: SourceSummary['clock'], startNs: number, endNs: number, capturedOn: string | null = null): SourceSummary => ({
  node: 'node-a', name, kind, format: kind, gzip: false, bytes: 1, textBytes: 1, lines: 1, samples: 1, syscalls: 0, slices: 0, events: [],
  startNs, endNs, clock, hostname: null, capturedOn, warnings: 0, warningDetails: [], uploadedAt: '', version: name,
});
const host = (...sources: SourceSummary[]): NodeSummary => ({ name: 'node-a', hostname: null, sources });

// cluster1's node-a: perf (ns since boot, written at 10:42:28 UTC), ftrace later on the same
// clock, strace -ttt (Unix epoch) recorded a few seconds after perf ended.
const perf = source('perf', 'perf', 'boot', 843_456_599_000, 846_361_355_000, 'Thu Nov 26 10:42:28 2026');
const ftrace = source('ftrace', 'ftrace', 'boot', 851_100_000_000, 853_000_000_000);
const strace = source('strace', 'strace', 'epoch', 1_795_689_753_594_984_000, 1_795_689_754_026_316_000);

describe('one time axis per host', () => {
  it("reads perf's ctime header as UTC", () => {
    expect(capturedOnNs('Thu Nov 26 10:42:28 2026')).toBe(Date.UTC(2026, 10, 26, 10, 42, 28) * 1e6);
    expect(capturedOnNs('Mon Jan  5 03:04:05 2026')).toBe(Date.UTC(2026, 0, 5, 3, 4, 5) * 1e6);
    expect(capturedOnNs('yesterday')).toBeNull();
    expect(capturedOnNs(null)).toBeNull();
  });

  it('lines up kernel-clock sources by their clock, and a wall-clock one by the time perf wrote its file', () => {
    const [p, f, s] = placeSources(host(perf, ftrace, strace));
    expect([p?.offsetNs, p?.alignment]).toEqual([0, 'kernel clock']);
    expect([f?.offsetNs, f?.alignment]).toEqual([851_100_000_000 - 843_456_599_000, 'kernel clock']);
    // Boot was at 10:42:28 minus 846.361355 s; strace's first call, 10:42:33.594984, is then
    // 851.956339 s after boot: 8.49974 s after perf's first sample (to the second of the header).
    expect(s?.alignment).toBe('capture time');
    // (Epoch times in ns are past 2^53: exact to a microsecond, which is plenty here.)
    expect(Math.abs((s?.offsetNs ?? 0) - (851_956_339_000 - 843_456_599_000))).toBeLessThan(1000);
    expect(hostDuration(placeSources(host(perf, ftrace, strace)))).toBe(853_000_000_000 - 843_456_599_000);
  });

  it('without a header to place them, wall-clock sources start with the host and keep their distance from each other', () => {
    const later = source('strace-2', 'strace', 'epoch', strace.startNs + 2e9, strace.endNs + 2e9);
    const [f, s, s2] = placeSources(host(ftrace, strace, later));
    expect([f?.offsetNs, s?.offsetNs, s2?.offsetNs]).toEqual([0, 0, 2e9]);
    expect(s?.alignment).toBe('first record');
    // The user's shift moves a wall-clock source, never a kernel-clock one.
    const shifted = placeSources(host(ftrace, strace, later), () => 5e8);
    expect(shifted.map((x) => x.offsetNs)).toEqual([0, 5e8, 2.5e9]);
  });

  it("turns a host range into a source's own times, or null when they do not meet", () => {
    const [, f] = placeSources(host(perf, ftrace));
    expect(sourceRange([8e9, 9e9], f)).toEqual([8e9 - f!.offsetNs, 9e9 - f!.offsetNs]);
    expect(sourceRange([0, 1e9], f)).toBeNull();
    expect(sourceRange(undefined, f)).toBeUndefined();
  });
});
