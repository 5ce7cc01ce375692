/**
 * Chunk boundaries change nothing (GUIDE §3.5: chunk boundaries are where streaming parsers
 * break). Every capture of the shared corpus, and the parsers' own fixtures, is parsed whole (its
 * decoded text handed to the parser as ONE chunk) and again in small pieces, and the two Profiles
 * must be identical in everything: meta (warnings and line numbers included), strings, every
 * column of frames, stacks, threads, samples, syscalls and sched, event types, defaultEvent.
 * `firstDifference` walks the Profile generically, so a table or column added later is compared
 * too, and NaN equals NaN.
 *
 * For each input and each piece size N of SIZES:
 * - aligned: the decoded text cut into pieces of at least N characters, each extended to the next
 *   newline, fed straight to `format.createParser(builder, ctx).chunk(piece)` (no line reader);
 * - unaligned: the raw bytes (gzip files: the compressed bytes) cut into pieces of exactly N bytes
 *   and read by `parseCapture(pieces, { chunkBytes: N, format })`, whose reader hands the parser a
 *   chunk as soon as a piece holds a newline, so chunk boundaries follow the byte cuts.
 * And once more through the reader as deployed (CHUNK_BYTES, ~900 KB) from pieces of 1 to 4093
 * bytes, the test that the suites of ftrace, strace and the Perl conformance used to run.
 * Every run counts the parser's chunk() calls and requires at least length / (N + longest line)
 * of them (a chunk never holds more than a piece plus a line), so a run that quietly fed big
 * chunks fails. For gzip inputs the parser gets what gunzip makes of each compressed piece (at
 * most GUNZIP_CHUNK_BYTES), so their unaligned bound is the weaker length / (256 KB + line).
 *
 * Compromise (measured on 2 busy cores): the line reader costs ~0.9 µs a piece (a few async
 * generators deep), ~1.1 MB/s for 1-byte pieces, so 1-byte pieces over the 53 MB of inputs
 * would take ~50 s alone. Unaligned N=1 therefore cuts the first ONE_BYTE_PREFIX bytes of each
 * input into 1-byte pieces and the rest into 4096-byte pieces (with chunkBytes 1 throughout).
 * Every byte of every input still goes through N=7 and N=64 unaligned, and every line of every
 * input is its own chunk in the aligned N=1 run.
 *
 * Inputs, found by scanning CORPUS (each file must be claimed by a format's sniffer, or be listed
 * in NOT_CAPTURES; the test fails on a new file that is neither), 60 captures and 12 fixtures:
 * - perf script, the 47 inputs of foldedCases(): flamegraph-tests/test/perf-*.txt (13) and
 *   example-perf-stacks.txt.gz; inferno-tests/collapse-perf/*.txt (10: cpp-stacks-std-function,
 *   empty-line, go-stacks, java-inline, no-events (empty), single-event, single-line-stacks,
 *   sourcepawn-jitdump, versioned-vmlinux, weird-stack-line); speedscope linux-perf/*.txt (7);
 *   flamescope examples/perf.test01; firefox-profiler {test,gzip,graphviz}.perf.gz and
 *   simple-perf.txt.gz; real/cluster1/node-{a,b,c,d}.perf.txt, node-a.noheader.perf.txt,
 *   node-a.perf.txt.gz; the tracepoint captures real/cluster1/node-{a,b,c,d}.tp.perf.txt and
 *   real/extras/thread-exit.tp.perf.txt;
 * - perf script without an expected output: inferno-tests/collapse-guess/
 *   invalid-perf-with-empty-line-after-event-line.txt;
 * - ftrace: real/cluster1/node-{a,b,c,d}.ftrace.txt, node-b.ftrace-syscalls.txt;
 * - trace-cmd: real/cluster1/node-{b,c}.trace-cmd.txt;
 * - strace: real/cluster1/node-{a,b,c,d}.strace.txt;
 * - folded: firefox-profiler/src/test/fixtures/upgrades/flamegraph.txt (an already-folded file);
 * - lib/parse/{ftrace,strace}/fixtures/*.txt (function, function_graph with and without abstime
 *   and proc columns, stack traces, trace-cmd function and graph records; strace -f, -tt, -r,
 *   no -f, edge cases).
 * Skipped: expected outputs (*.folded, *-collapsed*.txt, *.tsv, *.strace-c.txt), README*,
 * LICENSE*, capture.log, and NOT_CAPTURES.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectFirstPage, parseCapture } from '../lib/parse';
import type { CaptureFormat } from '../lib/parse/format';
import { CHUNK_BYTES, GUNZIP_CHUNK_BYTES, textChunks, type ReadStats } from '../lib/parse/lines';
import { straceFormat } from '../lib/parse/strace';
import { ProfileBuilder } from '../lib/profile/builder';
import type { Profile } from '../lib/profile/types';
import { CORPUS, foldedCases } from './corpus';
import { chunked, firstDifference } from './helpers';

const SIZES = [1, 7, 64, 4096] as const;
/** Unaligned N=1: bytes cut into 1-byte pieces (the rest in REST_PIECE-byte pieces); see above. */
const ONE_BYTE_PREFIX = 512 * 1024;
const REST_PIECE = 4096;
/** The reader with its default chunkBytes, gathering many tiny pieces (as a slow upload arrives). */
const MIXED_PIECES = [1, 2, 3, 5, 7, 11, 13, 4093];

const FIXTURES = path.resolve(__dirname, '../lib/parse');
const EXPECTED_OUTPUT = /(\.folded|-collapsed(-\w+)?\.txt|\.tsv|\.strace-c\.txt)$/;
const NOT_DATA = /^(README|LICENSE)|^capture\.log$/;
/** Files of the corpus that no format claims, on purpose. */
const NOT_CAPTURES = ['inferno-tests/collapse-guess/unknown-format.txt'];

interface Input {
  /** Path relative to CORPUS, or `lib/parse/…` for fixtures. */
  readonly id: string;
  readonly file: string;
  readonly format: CaptureFormat;
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = path.join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

/** Decoded text exactly as the parsers get it (gunzip, UTF-8 or Latin-1, CRLF → LF), and byte counts. */
async function decode(bytes: Uint8Array, file: string): Promise<{ text: string; stats: ReadStats }> {
  const stats: ReadStats = { bytesIn: 0, bytesOut: 0, gzip: false };
  const parts: string[] = [];
  for await (const t of textChunks([bytes], { file }, stats)) parts.push(t);
  return { text: parts.join(''), stats };
}

/** The start of a file's text, enough for the sniffers (detectFirstPage reads FIRST_PAGE_CHARS). */
function firstPage(file: string): string {
  const raw = readFileSync(file);
  return (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8', 0, 256 * 1024);
}

function discover(): { inputs: Input[]; unclaimed: string[] } {
  const inputs: Input[] = [];
  const unclaimed: string[] = [];
  const candidates = [
    ...walk(CORPUS).map((file) => ({ id: path.relative(CORPUS, file), file })),
    ...walk(FIXTURES)
      .filter((f) => f.includes(`${path.sep}fixtures${path.sep}`))
      .map((file) => ({ id: `lib/parse/${path.relative(FIXTURES, file)}`, file })),
  ];
  for (const { id, file } of candidates) {
    const name = path.basename(file);
    if (EXPECTED_OUTPUT.test(name) || NOT_DATA.test(name)) continue;
    const format = detectFirstPage(firstPage(file));
    if (format) inputs.push({ id, file, format });
    else unclaimed.push(id);
  }
  return { inputs, unclaimed };
}

const { inputs: INPUTS, unclaimed: UNCLAIMED } = discover();

/** A format whose parsers count their chunk() calls. */
function counting(format: CaptureFormat): { format: CaptureFormat; counter: { chunks: number } } {
  const counter = { chunks: 0 };
  return {
    counter,
    format: {
      ...format,
      createParser: (builder, ctx) => {
        const sink = format.createParser(builder, ctx);
        return {
          chunk(text: string): void {
            counter.chunks++;
            sink.chunk(text);
          },
          end: () => sink.end(),
        };
      },
    },
  };
}

/** Feeds text pieces straight to the format's parser. */
function feed(format: CaptureFormat, pieces: Iterable<string>, file: string): { profile: Profile; chunks: number } {
  const c = counting(format);
  const builder = new ProfileBuilder(format.id);
  const sink = c.format.createParser(builder, { file });
  for (const piece of pieces) sink.chunk(piece);
  sink.end();
  return { profile: builder.build(), chunks: c.counter.chunks };
}

/** Pieces of at least `n` characters, each ending at a newline (the last one at the text's end). */
function* alignedPieces(text: string, n: number): Generator<string> {
  for (let i = 0; i < text.length; ) {
    const nl = text.indexOf('\n', i + n - 1);
    const end = nl < 0 ? text.length : nl + 1;
    yield text.slice(i, end);
    i = end;
  }
}

/** Pieces of exactly `n` bytes (n = 1: 1-byte pieces over ONE_BYTE_PREFIX, then REST_PIECE). */
function* bytePieces(bytes: Uint8Array, n: number): Generator<Uint8Array> {
  let i = 0;
  if (n === 1) {
    for (const stop = Math.min(bytes.length, ONE_BYTE_PREFIX); i < stop; i++) yield bytes.subarray(i, i + 1);
    n = REST_PIECE;
  }
  for (; i < bytes.length; i += n) yield bytes.subarray(i, i + n);
}

/** The number of lines and the longest one's length, newline included, in characters and in UTF-8 bytes. */
function lineStats(text: string): { lines: number; chars: number; bytes: number } {
  let lines = 0;
  let chars = 0;
  let bytes = 0;
  for (let start = 0; start < text.length; lines++) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl + 1;
    chars = Math.max(chars, end - start);
    bytes = Math.max(bytes, Buffer.byteLength(text.slice(start, end)));
    start = end;
  }
  return { lines, chars, bytes };
}

/** The fewest chunks a reader can make of `length` bytes in `n`-byte pieces: a chunk holds at most a piece and a line. */
function fewestChunks(length: number, n: number, longest: number): number {
  if (n !== 1) return Math.floor(length / (n + longest));
  const prefix = Math.min(length, ONE_BYTE_PREFIX);
  return Math.max(0, Math.floor((prefix - longest) / (1 + longest))) + Math.floor((length - prefix) / (REST_PIECE + longest));
}

interface Loaded {
  readonly input: Input;
  readonly bytes: Uint8Array;
  readonly text: string;
  readonly gzip: boolean;
  /** Decompressed bytes and their longest line. */
  readonly textBytes: number;
  readonly longestBytes: number;
  readonly longestChars: number;
  readonly lines: number;
  readonly whole: Profile;
}

let loaded: Promise<Loaded> | null = null;
let loadedId = '';
/** The input's whole parse, kept for the runs of one input at a time. */
function load(input: Input): Promise<Loaded> {
  if (loaded === null || loadedId !== input.id) {
    loadedId = input.id;
    loaded = (async () => {
      const bytes = new Uint8Array(readFileSync(input.file));
      const { text, stats } = await decode(bytes, input.file);
      const whole = feed(input.format, [text], input.file);
      expect(whole.chunks).toBe(1);
      const { chars, bytes: longestBytes, lines } = lineStats(text);
      return { input, bytes, text, gzip: stats.gzip, textBytes: stats.bytesOut, longestBytes, longestChars: chars, lines, whole: whole.profile };
    })();
  }
  return loaded;
}

describe('chunk boundaries change nothing', () => {
  it('scans the whole corpus: every file is a capture of a known format, an expected output, or listed as not a capture', () => {
    expect(UNCLAIMED).toEqual(NOT_CAPTURES);
    const ids = new Set(INPUTS.map((i) => i.file));
    const perfInputs = [...new Set(foldedCases().map((c) => c.input))];
    expect(perfInputs.length).toBeGreaterThan(40);
    for (const f of perfInputs) expect(ids.has(f), f).toBe(true);
    const formats = new Set(INPUTS.map((i) => i.format.id));
    expect([...formats].sort()).toEqual(['folded', 'ftrace', 'perf-script', 'strace', 'trace-cmd']);
  });

  for (const input of INPUTS) {
    describe(`${input.id} (${input.format.id})`, () => {
      for (const n of SIZES) {
        it(`aligned pieces of ≥${n} chars, fed to the parser directly`, async () => {
          const l = await load(input);
          const got = feed(input.format, alignedPieces(l.text, n), input.file);
          expect(got.chunks).toBeGreaterThanOrEqual(Math.max(Math.min(1, l.text.length), Math.floor(l.text.length / (n + l.longestChars))));
          if (n === 1) expect(got.chunks).toBe(l.lines);
          expect(firstDifference(l.whole, got.profile)).toBeNull();
        });

        it(`unaligned pieces of ${n} byte${n > 1 ? 's' : ''}${n === 1 ? ` (first ${ONE_BYTE_PREFIX / 1024} KB)` : ''}, through parseCapture`, async () => {
          const l = await load(input);
          const c = counting(input.format);
          const got = await parseCapture(bytePieces(l.bytes, n), { file: input.file, chunkBytes: n, format: c.format });
          expect(c.counter.chunks).toBeGreaterThanOrEqual(l.gzip ? Math.floor(l.textBytes / (GUNZIP_CHUNK_BYTES + l.longestBytes)) : fewestChunks(l.textBytes, n, l.longestBytes));
          expect(firstDifference(l.whole, got.profile)).toBeNull();
        });
      }

      it(`the reader as deployed (chunkBytes ${CHUNK_BYTES}) gathering pieces of ${MIXED_PIECES.join(', ')} bytes`, async () => {
        const l = await load(input);
        const c = counting(input.format);
        const got = await parseCapture(chunked(l.bytes, MIXED_PIECES), { file: input.file, format: c.format });
        expect(c.counter.chunks).toBeGreaterThanOrEqual(Math.floor(l.textBytes / (CHUNK_BYTES + GUNZIP_CHUNK_BYTES + l.longestBytes)));
        expect(firstDifference(l.whole, got.profile)).toBeNull();
      });
    });
  }
});

describe('firstDifference (the comparison above)', () => {
  const profile = (): Profile => feed(straceFormat, ['1 0.000001 read(3, "", 1) = 0 <0.000002>\n'], 'x').profile;

  it('finds no difference between two parses of the same text', () => {
    expect(firstDifference(profile(), profile())).toBeNull();
  });

  it('reports a changed element of a typed column, with its path', () => {
    const a = profile();
    const b = profile();
    (b.samples.weight as Float64Array)[0] = 5;
    expect(firstDifference(a, b)).toBe('$.samples.weight[0]: 2000 ≠ 5');
  });

  it('takes NaN as equal to NaN, and tells NaN from a number', () => {
    expect(firstDifference({ t: new Float64Array([NaN]) }, { t: new Float64Array([NaN]) })).toBeNull();
    expect(firstDifference({ t: new Float64Array([NaN]) }, { t: new Float64Array([0]) })).toBe('$.t[0]: NaN ≠ 0');
    expect(firstDifference({ d: NaN }, { d: NaN })).toBeNull();
  });

  it('compares a table or column it was never told about', () => {
    const a = profile();
    const b = { ...a, extra: { length: 1, col: new Int32Array([1]) } };
    expect(firstDifference(a, b)).toBe('$.extra: present on one side only');
    const c = { ...a, extra: { length: 1, col: new Int32Array([2]) } };
    expect(firstDifference(b, c)).toBe('$.extra.col[0]: 1 ≠ 2');
  });

  it('tells typed arrays of different kinds and lengths apart', () => {
    expect(firstDifference(new Int32Array([1]), new Uint32Array([1]))).toBe('$: Int32Array ≠ Uint32Array');
    expect(firstDifference(new Int32Array([1]), new Int32Array([1, 2]))).toBe('$.length: 1 ≠ 2');
    expect(firstDifference(['a'], ['b'])).toBe('$[0]: "a" ≠ "b"');
  });
});
