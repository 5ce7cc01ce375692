/**
 * pprof import on hand-built profiles whose folded stacks are written out here by hand: a Go
 * CPU profile (two sample types, inlined functions in one location, mappings, labels, gzip), an
 * async-profiler profile encoded field by field in the order it writes them, and hostile ones.
 */
import { gzipSync } from 'node:zlib';
import { Function as Fn, Label, Line, Location, Mapping, Profile as PprofProfile, Sample, StringTable, ValueType } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import { chunked, firstDifference, fold, parseBytes } from '../../tests/helpers';
import { CaptureTooLargeError, parseCapture, ParseError } from './index';
import { chooseSampleType } from './pprof';

/** A Go-like CPU profile: samples/count and cpu/nanoseconds, main.parse inlined into main.handle. */
function goProfile(opts: { defaultType?: string } = {}): PprofProfile {
  const st = new StringTable();
  const s = (x: string) => st.dedup(x);
  return new PprofProfile({
    sampleType: [new ValueType({ type: s('samples'), unit: s('count') }), new ValueType({ type: s('cpu'), unit: s('nanoseconds') })],
    periodType: new ValueType({ type: s('cpu'), unit: s('nanoseconds') }),
    period: 10_000_000,
    mapping: [new Mapping({ id: 1, filename: s('/usr/local/bin/server') }), new Mapping({ id: 2, filename: s('/usr/lib/x86_64-linux-gnu/libc.so.6') })],
    function: [
      new Fn({ id: 1, name: s('main.main') }),
      new Fn({ id: 2, name: s('main.handle') }),
      new Fn({ id: 3, name: s('main.parse') }),
      new Fn({ id: 4, name: s('runtime.mallocgc') }),
    ],
    location: [
      // One location, two lines: main.parse inlined into main.handle (the last line is the caller).
      new Location({ id: 1, mappingId: 1, address: 0x401000, line: [new Line({ functionId: 3 }), new Line({ functionId: 2 })] }),
      new Location({ id: 2, mappingId: 1, address: 0x400500, line: [new Line({ functionId: 1 })] }),
      // Unsymbolised, in libc.
      new Location({ id: 3, mappingId: 2, address: 0x7f0000123456 }),
      new Location({ id: 4, mappingId: 1, address: 0x402000, line: [new Line({ functionId: 4 })] }),
    ],
    sample: [
      new Sample({ locationId: [1, 2], value: [3, 30_000_000], label: [new Label({ key: s('thread'), str: s('worker') })] }),
      new Sample({ locationId: [4, 1, 2], value: [1, 10_000_000] }),
      new Sample({ locationId: [3, 2], value: [2, 20_000_000], label: [new Label({ key: s('pid'), num: 42 }), new Label({ key: s('thread_id'), num: 7 })] }),
      new Sample({ locationId: [4, 2], value: [0, 0] }),
    ],
    stringTable: st,
    timeNanos: 1_700_000_000_123_456_789n,
    durationNanos: 10_000_000_000,
    defaultSampleType: opts.defaultType ? s(opts.defaultType) : 0,
  });
}

describe('a Go CPU profile', () => {
  it('gives the folded stacks of its cpu values: inlined lines leaf first, labels naming threads, the main binary naming the rest', async () => {
    const bytes = gzipSync(goProfile().encode());
    const r = await parseBytes(bytes, 'cpu.pb.gz');
    expect(r.format.id).toBe('pprof');
    expect(fold(r)).toEqual(['server;main.main;[libc.so.6] 20000000', 'server;main.main;main.handle;main.parse;runtime.mallocgc 10000000', 'worker;main.main;main.handle;main.parse 30000000']);
    expect(fold(r, { tid: true })).toEqual([
      'server-42/7;main.main;[libc.so.6] 20000000',
      'server-?/0;main.main;main.handle;main.parse;runtime.mallocgc 10000000',
      'worker-?/0;main.main;main.handle;main.parse 30000000',
    ]);
    const p = r.profile;
    expect(p.eventTypes).toEqual([{ name: 'cpu', samples: 3, weight: 60_000_000, unit: 'ns' }]);
    expect(p.meta.untimed).toBe(true);
    expect(p.meta.clock).toEqual({ kind: 'epoch', originSec: 1_700_000_000, originNsOfSec: 123_456_789 });
    expect([...p.samples.timeNs]).toEqual([0, 0, 0]);
    // Modules are the mappings' files: kinds and module names come from them.
    const libc = p.strings.indexOf('[libc.so.6]');
    const frame = [...p.frames.symbol].indexOf(libc);
    expect(p.strings[p.frames.module[frame] as number]).toBe('/usr/lib/x86_64-linux-gnu/libc.so.6');
    expect(p.strings[p.frames.address[frame] as number]).toBe('0x7f0000123456');
  });

  it('reads the same in any chunking, gzip or not', async () => {
    const bytes = goProfile().encode();
    const whole = await parseBytes(bytes, 'cpu.pb');
    for (const sizes of [[1], [3, 7], [4093]]) {
      expect(firstDifference(whole.profile, (await parseBytes(bytes, 'cpu.pb', sizes)).profile)).toBeNull();
      expect(firstDifference(whole.profile, (await parseBytes(gzipSync(bytes), 'cpu.pb', sizes)).profile)).toBeNull();
    }
  });

  it('weighs by default_sample_type when the profile names one', async () => {
    const r = await parseBytes(goProfile({ defaultType: 'samples' }).encode(), 'cpu.pb');
    expect(fold(r)).toEqual(['server;main.main;[libc.so.6] 2', 'server;main.main;main.handle;main.parse;runtime.mallocgc 1', 'worker;main.main;main.handle;main.parse 3']);
    expect(r.profile.eventTypes[0]).toMatchObject({ name: 'samples', unit: 'samples', weight: 6 });
  });

  it('chooses cpu, then the last time, then samples, then the last type', () => {
    const t = (...pairs: string[]) => pairs.map((p) => ({ type: p.split('/')[0] as string, unit: p.split('/')[1] as string }));
    expect(chooseSampleType(t('samples/count', 'cpu/nanoseconds', 'wall/nanoseconds'), '')).toBe(1);
    expect(chooseSampleType(t('contentions/count', 'delay/nanoseconds'), '')).toBe(1);
    expect(chooseSampleType(t('alloc_objects/count', 'alloc_space/bytes', 'inuse_objects/count', 'inuse_space/bytes'), '')).toBe(3);
    expect(chooseSampleType(t('samples/count', 'alloc_space/bytes'), '')).toBe(0);
    expect(chooseSampleType(t('cycles_sample/count', 'cycles_event/count'), 'cycles_sample')).toBe(0);
  });
});

/** A protobuf writer, to encode a profile the way async-profiler's JfrToPprof does (its own field order). */
class Proto {
  readonly bytes: number[] = [];
  varint(v: number): this {
    for (; v >= 0x80; v = Math.floor(v / 128)) this.bytes.push((v % 128) | 0x80);
    this.bytes.push(v);
    return this;
  }
  int(field: number, v: number): this {
    return this.varint(field * 8).varint(v);
  }
  raw(field: number, data: readonly number[]): this {
    this.varint(field * 8 + 2).varint(data.length);
    this.bytes.push(...data);
    return this;
  }
  msg(field: number, m: Proto): this {
    return this.raw(field, m.bytes);
  }
  str(field: number, s: string): this {
    return this.raw(field, [...Buffer.from(s, 'utf8')]);
  }
}

/** Java CPU samples with thread labels: sample_type, a plain-varint comment, samples, then mapping, locations, functions, strings, times. */
function asyncProfilerBytes(): Uint8Array {
  const strings = ['', 'cpu', 'nanoseconds', 'Produced by async-profiler', 'thread', 'main', 'worker-1', 'async-profiler', 'java/lang/Thread.run', 'com/example/App.main', 'com/example/App.work', 'java/util/HashMap.get'];
  const id = (s: string) => strings.indexOf(s);
  const p = new Proto();
  p.msg(1, new Proto().int(1, id('cpu')).int(2, id('nanoseconds'))).int(13, id('Produced by async-profiler'));
  const sample = (locations: number[], value: number, thread?: string) => {
    const s = new Proto().raw(1, locations.flatMap((l) => new Proto().varint(l).bytes)).int(2, value);
    if (thread) s.msg(3, new Proto().int(1, id('thread')).int(2, id(thread)));
    p.msg(2, s);
  };
  // Location ids: 1 Thread.run, 2 App.main, 3 App.work, 4 HashMap.get (leaf first in samples).
  sample([2, 1], 5_000_000, 'main');
  sample([4, 3, 1], 7_000_000, 'worker-1');
  sample([3, 1], 2_000_000, 'worker-1');
  sample([3, 1], 1_000_000);
  p.msg(3, new Proto().int(1, 1).int(2, 0).int(3, 2 ** 53 - 1).int(5, id('async-profiler')));
  const functions = ['java/lang/Thread.run', 'com/example/App.main', 'com/example/App.work', 'java/util/HashMap.get'];
  // A location per function, no mapping, one line (function, line number).
  functions.forEach((_, i) => p.msg(4, new Proto().int(1, i + 1).msg(4, new Proto().int(1, i + 1).int(2, 10 + i))));
  functions.forEach((name, i) => p.msg(5, new Proto().int(1, i + 1).int(2, id(name))));
  for (const s of strings) p.str(6, s);
  p.int(9, 1_700_000_000_000_000_000).int(10, 30_000_000_000);
  return new Uint8Array(p.bytes);
}

describe('an async-profiler profile', () => {
  it('gives its Java stacks per thread label; samples without one go to the main mapping', async () => {
    const r = await parseBytes(gzipSync(asyncProfilerBytes()), 'java.pprof.gz');
    expect(r.format.id).toBe('pprof');
    expect(fold(r)).toEqual([
      'async-profiler;java/lang/Thread.run;com/example/App.work 1000000',
      'main;java/lang/Thread.run;com/example/App.main 5000000',
      'worker-1;java/lang/Thread.run;com/example/App.work 2000000',
      'worker-1;java/lang/Thread.run;com/example/App.work;java/util/HashMap.get 7000000',
    ]);
    expect(r.profile.eventTypes).toEqual([{ name: 'cpu', samples: 4, weight: 15_000_000, unit: 'ns' }]);
  });
});

describe('hostile pprof', () => {
  const file = 'bad.pb';
  it('a sample naming a location that is not there is a ParseError that says which', async () => {
    const p = goProfile();
    p.sample.push(new Sample({ locationId: [99], value: [1, 1] }));
    const err = await parseBytes(p.encode(), file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).message).toBe('bad.pb: pprof: sample 4: location 99 is not in the location table');
  });

  it('string, function and mapping indices out of range, and values that do not match the sample types, are ParseErrors', async () => {
    const cases: [string, (p: PprofProfile) => void, RegExp][] = [
      ['string', (p) => (p.function[0] = new Fn({ id: 1, name: 10_000 })), /function\[0\]\.name: string 10000 is not in the string table/],
      ['function', (p) => (p.location[1] = new Location({ id: 2, line: [new Line({ functionId: 77 })] })), /location 2, line 0: function 77 is not in the function table/],
      ['mapping', (p) => (p.location[1] = new Location({ id: 2, mappingId: 5, line: [new Line({ functionId: 1 })] })), /location 2: mapping 5 is not in the mapping table/],
      ['values', (p) => p.sample.push(new Sample({ locationId: [2], value: [1] })), /sample 4 has 1 values for 2 sample types/],
    ];
    for (const [what, spoil, message] of cases) {
      const p = goProfile();
      spoil(p);
      await expect(parseBytes(p.encode(), file), what).rejects.toThrow(message);
    }
  });

  it('a truncated profile is a ParseError, not a partial profile', async () => {
    const bytes = goProfile().encode();
    await expect(parseBytes(bytes.subarray(0, bytes.length >> 1), file)).rejects.toThrow(/^bad\.pb: not a valid pprof profile: field \d+ at byte \d+ runs past the end/);
    await expect(parseBytes(bytes.subarray(0, bytes.length - 1), file)).rejects.toThrow(/^bad\.pb: not a valid pprof profile: truncated field \d+ at byte \d+/);
  });

  it('is read whole only up to maxDocumentBytes', async () => {
    const bytes = gzipSync(goProfile().encode());
    await expect(parseCapture([bytes], { file, maxDocumentBytes: 100 })).rejects.toBeInstanceOf(CaptureTooLargeError);
    await expect(parseCapture(chunked(bytes, [5]), { file, maxDocumentBytes: 100 })).rejects.toThrow(/TRACEFLEET_MAX_DOCUMENT_BYTES/);
  });
});
