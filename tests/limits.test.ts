/**
 * Parsers cap what a hostile capture can make them hold: callchains past the depth cap are
 * counted, reported with the count, and never interned.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CaptureTooLargeError, parseCapture } from '../lib/parse';
import { MAX_FOLDED_DEPTH } from '../lib/parse/folded';
import { MAX_STACK_DEPTH } from '../lib/parse/perf-script';
import { fold, parseText } from './helpers';

describe('depth caps', () => {
  it('perf script: a 200,000-frame callchain keeps its 1,024 innermost frames and interns no others', async () => {
    const lines = ['app 1 [000] 1.000001: 1 cpu-clock:'];
    for (let i = 0; i < 200_000; i++) lines.push(`\tffff${i.toString(16).padStart(8, '0')} fn_${i} (/bin/app)`);
    const r = await parseText(`${lines.join('\n')}\n\napp 1 [000] 1.000002: 1 cpu-clock:\n\tffff00000000 fn_0 (/bin/app)\n\n`);
    expect(r.profile.samples.length).toBe(2);
    expect(r.profile.frames.length).toBe(MAX_STACK_DEPTH);
    expect(r.profile.meta.warnings).toEqual([{ line: 2 + MAX_STACK_DEPTH, message: `callchain of 200000 frames cut to ${MAX_STACK_DEPTH}: the ${200_000 - MAX_STACK_DEPTH} outermost were dropped` }]);
    const [deep] = fold(r).filter((l) => l.includes('fn_1023'));
    expect(deep?.split(';')).toHaveLength(1 + MAX_STACK_DEPTH);
  });

  it('folded: a 20,000-frame stack keeps its root side; exactly the cap is not a cut', async () => {
    const frames = (n: number) => Array.from({ length: n }, (_, i) => `f${i}`).join(';');
    const r = await parseText(`app;main 3\napp;${frames(MAX_FOLDED_DEPTH)} 5\napp;${frames(20_000)} 7\n`);
    expect(r.profile.meta.warnings).toEqual([{ line: 3, message: `stack of 20000 frames cut to ${MAX_FOLDED_DEPTH}: the ${20_000 - MAX_FOLDED_DEPTH} innermost were dropped` }]);
    expect(r.profile.frames.length).toBe(MAX_FOLDED_DEPTH + 1);
    expect(fold(r).find((l) => l.endsWith(' 12'))?.split(';')).toHaveLength(1 + MAX_FOLDED_DEPTH);
  });
});

describe('compression bombs', () => {
  it('a gzip bomb sent in one piece (read ahead whole) is refused by its ratio, not after inflating it', async () => {
    // 256 MB of tiny samples, about 1 MB of gzip, handed over as a single chunk.
    const bomb = gzipSync(Buffer.from('a;b 1\n'.repeat(256 * 2 ** 20 / 6)), { level: 9 });
    const err = await parseCapture([bomb], { file: 'bomb.gz', maxRatio: 200 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CaptureTooLargeError);
    expect((err as Error).message).toContain('compression bomb');
    // Refused soon after the 64 MB it may inflate before the ratio counts, not at 200× the whole.
    const soFar = Number(/gave (\d+) so far/.exec((err as Error).message)?.[1]);
    expect(soFar).toBeGreaterThan(64 * 2 ** 20);
    expect(soFar).toBeLessThan(72 * 2 ** 20);
  });
});
