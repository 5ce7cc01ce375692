/**
 * Conformance of the folded export with FlameGraph's stackcollapse-perf.pl on every corpus input
 * that has an expected folded output. The documented differences (README "Where we differ from
 * stackcollapse-perf.pl") are each tested explicitly below. That chunk boundaries change nothing
 * (the whole profile, for every one of these inputs) is tests/chunking.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParseResult } from '../../lib/parse';
import { foldedCases, namingOptions, readLines, type FoldedCase } from '../corpus';
import { fold, foldedMap, parseBytes, parseText, readText, splitUnterminatedTail } from '../helpers';

const cases = foldedCases();
const perlCases = cases.filter((c) => c.reference === 'perl');
const upstreamCases = cases.filter((c) => c.reference === 'flamegraph-upstream');
const infernoCases = cases.filter((c) => c.reference === 'inferno');

/** FlameGraph's results that its own script no longer produces (Java `L` prefix kept; see corpus README). */
const STALE_UPSTREAM = /perf-(java-faults-01|java-stacks-01|java-stacks-02|vertx-stacks-01) --(pid|tid)$/;
/** Perl prints nothing for stacks on the record line (perf record without -g); we read them, as inferno does. */
const SINGLE_LINE = 'single-line-stacks';

const parsed = new Map<string, Promise<{ whole: ParseResult; perlView: ParseResult; tail: string }>>();
function load(input: string) {
  let p = parsed.get(input);
  if (!p) {
    p = (async () => {
      const bytes = new Uint8Array(readFileSync(input));
      const { terminated, tail } = splitUnterminatedTail(readText(input));
      return {
        whole: await parseBytes(bytes, input),
        perlView: await parseText(terminated, input),
        tail,
      };
    })();
    parsed.set(input, p);
  }
  return p;
}

async function expectPerlConformance(c: FoldedCase, expected: string[]) {
  const opts = namingOptions(c.option);
  const { whole, perlView, tail } = await load(c.input);
  if (c.input.includes(SINGLE_LINE)) {
    expect(expected).toEqual([]);
    return;
  }
  // What Perl reads, exactly.
  expect(new Set(fold(perlView, opts))).toEqual(new Set(expected));
  // The whole input: Perl's output plus at most the one record at the end that Perl drops.
  const got = fold(whole, opts);
  const extra = foldedMap(got);
  for (const [stack, n] of foldedMap(expected)) {
    const left = (extra.get(stack) ?? 0) - n;
    if (left === 0) extra.delete(stack);
    else extra.set(stack, left);
  }
  expect(whole.profile.samples.length - perlView.profile.samples.length).toBe(tail && /^\S/m.test(tail) ? 1 : 0);
  expect(extra.size).toBeLessThanOrEqual(1);
  for (const n of extra.values()) expect(n).toBeGreaterThan(0);
}

describe('stackcollapse-perf.pl at FlameGraph HEAD (generated-at-HEAD and generated-flamegraph-HEAD)', () => {
  it('has the corpus', () => expect(perlCases.length).toBeGreaterThan(100));
  for (const c of perlCases) it(c.id, () => expectPerlConformance(c, readLines(c.expected)));
});

describe("FlameGraph's own test/results", () => {
  for (const c of upstreamCases) {
    if (STALE_UPSTREAM.test(c.id)) {
      it(`${c.id} is stale upstream: equal once its Java frames are tidied as the script does today`, async () => {
        const expected = readLines(c.expected);
        // PR #147 made the Java tidy-up (drop the `L` of `Lpkg/Class;::method`) apply to `java-PID`
        // process names too; these files predate it.
        const tidied = expected.map((line) => {
          const [root, ...frames] = line.split(';');
          return [root, ...frames.map((f) => (f.includes('/') ? f.replace(/^L/, '') : f))].join(';');
        });
        expect(tidied).not.toEqual(expected);
        await expectPerlConformance(c, tidied);
      });
    } else {
      it(c.id, () => expectPerlConformance(c, readLines(c.expected)));
    }
  }
});

/** Where inferno (the Rust port) and Perl disagree we follow Perl; each such case is listed with the reason. */
const INFERNO_DIFFERS: Record<string, string> = {
  'cpp-stacks-std-function': 'Perl cuts C++ names at the first "(" (tidy_generic)',
  'perf-rust-Yamakaky-dcpu': 'inferno strips Rust hashes and fixes _{{closure}} names; Perl does not',
  'single-event': 'inferno cleans up Rust symbols; Perl does not',
  'sourcepawn-jitdump': 'inferno marks /tmp/jitted-*.so frames _[j]; Perl only /tmp/perf-*.map',
  'versioned-vmlinux': 'inferno marks /usr/lib/debug/boot/vmlinux-* modules _[k]; Perl only modules ending in vmlinux',
};

describe("inferno's expectations", () => {
  for (const c of infernoCases) {
    const stem = /^inferno\/([^ ]+)/.exec(c.id)?.[1] as string;
    const reason = INFERNO_DIFFERS[stem];
    it(reason ? `${c.id} differs: ${reason}` : c.id, async () => {
      const { whole } = await load(c.input);
      const got = new Set(fold(whole, namingOptions(c.option)));
      const expected = new Set(readLines(c.expected));
      if (reason) expect(got).not.toEqual(expected);
      else expect(got).toEqual(expected);
    });
  }
});
