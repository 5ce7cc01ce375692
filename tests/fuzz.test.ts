/**
 * Property-based fuzzing of every parser's chunk entry (`format.createParser(builder).chunk`),
 * with a fixed seed and a bounded number of runs so the suite is repeatable. Inputs are
 * arbitrary bytes, and lines of real captures of that format truncated, spliced into each other,
 * interleaved with garbage and cut into arbitrary line-aligned chunks. Whatever comes in, a
 * parser may only fail with its own errors (ParseError, ModelLimitError, CaptureTooLargeError),
 * must build a profile otherwise, and must end: each run executes under a vm timeout, which
 * interrupts even a synchronous endless loop.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureTooLargeError, FORMATS, ParseError } from '../lib/parse';
import type { CaptureFormat } from '../lib/parse/format';
import { ModelLimitError, ProfileBuilder } from '../lib/profile/builder';
import { CORPUS } from './corpus';

const SEED = 20261128;
const RUNS = 300;
/** A run that takes longer than this has hung (inputs are a few KB). */
const HANG_MS = 5000;

/** Lines of real captures, per format. */
const SEEDS: Record<string, string[]> = {
  'perf-script': ['real/cluster1/node-a.perf.txt', 'real/cluster1/node-b.tp.perf.txt'],
  ftrace: ['real/cluster1/node-a.ftrace.txt', 'real/cluster1/node-b.ftrace-syscalls.txt'],
  'trace-cmd': ['real/cluster1/node-b.trace-cmd.txt'],
  strace: ['real/cluster1/node-c.strace.txt'],
  folded: ['real/cluster1/node-a.perf.folded'],
};

function corpusLines(files: readonly string[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    // The first 3,000 lines of each (headers, samples, callchains, every record kind seen early).
    out.push(...readFileSync(path.join(CORPUS, f), 'latin1').split('\n').slice(0, 3000));
  }
  return out;
}

const ownError = (err: unknown) => err instanceof ParseError || err instanceof ModelLimitError || err instanceof CaptureTooLargeError;

/** Parses `text` in the given line-aligned chunks; returns the error it ended with, if any. */
function parseChunks(format: CaptureFormat, chunks: readonly string[], hangMs = HANG_MS): unknown {
  // Small limits so that limit errors are reachable too.
  const builder = new ProfileBuilder(format.id, { maxRecords: 500, maxFrames: 2000, maxStackNodes: 8000 });
  let failure: unknown = null;
  try {
    vm.runInNewContext(
      'run()',
      {
        run: () => {
          const sink = format.createParser(builder, { file: 'fuzz.txt' });
          for (const c of chunks) sink.chunk(c);
          sink.end();
          builder.build();
        },
      },
      { timeout: hangMs },
    );
  } catch (err) {
    failure = err;
  }
  return failure;
}

/** Text → line-aligned chunks at the given cut points (each chunk ends with a newline, as the reader hands them). */
function alignedChunks(text: string, cuts: readonly number[]): string[] {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  const out: string[] = [];
  let from = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    const nl = body.indexOf('\n', Math.max(from, Math.floor(c * body.length)));
    if (nl < 0) break;
    if (nl + 1 > from) out.push(body.slice(from, nl + 1));
    from = nl + 1;
  }
  if (from < body.length) out.push(body.slice(from));
  return out;
}

const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 });

/** One line of a capture, kept, cut short, spliced onto another, or replaced by garbage. */
function mutatedLine(lines: readonly string[]): fc.Arbitrary<string> {
  const line = fc.constantFrom(...lines);
  return fc.oneof(
    { weight: 4, arbitrary: line },
    { weight: 2, arbitrary: fc.tuple(line, fc.nat()).map(([l, n]) => l.slice(0, l.length ? n % l.length : 0)) },
    { weight: 2, arbitrary: fc.tuple(line, line, fc.nat(), fc.nat()).map(([a, b, i, j]) => a.slice(0, a.length ? i % a.length : 0) + b.slice(b.length ? j % b.length : 0)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }).map((s) => s.replaceAll('\n', ' ')) },
    { weight: 1, arbitrary: fc.tuple(line, fc.nat(), fc.constantFrom('\t', ' ', ':', '[', ']', '(', ')', ';', '=', '-', '9', '\u00e9', '\r', '\0')).map(([l, i, ch]) => l.slice(0, i % (l.length + 1)) + ch + l.slice(i % (l.length + 1))) },
  );
}

describe.each(Object.keys(SEEDS))('fuzzing the %s parser', (formatId) => {
  const lines = corpusLines(SEEDS[formatId] as string[]);
  const format = FORMATS.find((f) => f.id === formatId) as CaptureFormat;

  it('arbitrary bytes: only its own errors, and it ends', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), cuts, (bytes, at) => {
        const failure = parseChunks(format, alignedChunks(Buffer.from(bytes).toString('latin1'), at));
        if (failure !== null && !ownError(failure)) throw failure;
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('corpus lines truncated, spliced and salted: only its own errors, and it ends', () => {
    fc.assert(
      fc.property(fc.array(mutatedLine(lines), { minLength: 1, maxLength: 80 }), cuts, (picked, at) => {
        const failure = parseChunks(format, alignedChunks(picked.join('\n'), at));
        if (failure !== null && !ownError(failure)) throw failure;
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('runs of consecutive corpus lines (whole records) cut anywhere', () => {
    fc.assert(
      fc.property(fc.nat(lines.length - 1), fc.integer({ min: 1, max: 200 }), fc.nat(), cuts, (start, n, cutAt, at) => {
        const text = lines.slice(start, start + n).join('\n');
        const failure = parseChunks(format, alignedChunks(text.slice(0, text.length ? cutAt % text.length : 0), at));
        if (failure !== null && !ownError(failure)) throw failure;
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

it('the fuzz harness catches what it must: a foreign error, and a parser that never ends', () => {
  const broken = (chunk: (text: string) => void): CaptureFormat => ({ ...(FORMATS[0] as CaptureFormat), createParser: () => ({ chunk, end: () => undefined }) });
  expect(ownError(parseChunks(broken(() => JSON.parse('{')), ['x\n']))).toBe(false);
  const hung = parseChunks(
    broken(() => {
      for (;;);
    }),
    ['x\n'],
    200,
  );
  expect((hung as { code?: string }).code).toBe('ERR_SCRIPT_EXECUTION_TIMEOUT');
});
