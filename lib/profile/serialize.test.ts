import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureProfile } from '../../tests/profile-fixture';
import { ProfileBuilder } from './builder';
import { decodeProfile, encodeProfile, legacyUnit, PROFILE_FORMAT_VERSION, ProfileDecodeError } from './serialize';
import { columnNames, columnOf, emptyTable, kindOf, makeTable, type Schema, type Table } from './table';
import { FRAME_COLUMNS, PROFILE_TABLES, RUNQ_COLUMNS, SAMPLE_COLUMNS, SampleFlag, STACK_COLUMNS, type Profile, type ProfileTableName, type ValueUnit } from './types';

/** Written by the version-2 encoder from fixtureProfile() (the commit before version 3). */
const V2_FILE = new Uint8Array(readFileSync(path.join(__dirname, 'fixtures/profile-v2.bin')));
const TABLES = Object.entries(PROFILE_TABLES) as [ProfileTableName, Schema][];
const MAGIC_LEN = 'TRACEFLEET-PROFILE 1\n'.length;

const encode = (p: Profile): Uint8Array => new Uint8Array(Buffer.concat(encodeProfile(p)));

interface RawHeader {
  version: number;
  eventTypes: Record<string, unknown>[];
  columns: { name: string; type: string; length: number; offset: number }[];
  [key: string]: unknown;
}

/** The file's JSON header and where its columns start. */
function split(bytes: Uint8Array): { header: RawHeader; data: Uint8Array } {
  const len = new DataView(bytes.buffer, bytes.byteOffset + MAGIC_LEN, 8).getFloat64(0, true);
  const headLen = MAGIC_LEN + 8 + len;
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC_LEN + 8, headLen))) as RawHeader;
  return { header, data: bytes.subarray(headLen + ((8 - (headLen % 8)) % 8)) };
}

/** The same file with its header edited (columns stay where they were: offsets are relative to the data). */
function withHeader(bytes: Uint8Array, edit: (h: RawHeader) => void): Uint8Array {
  const { header, data } = split(bytes);
  edit(header);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const len = new Uint8Array(8);
  new DataView(len.buffer).setFloat64(0, json.length, true);
  const headLen = MAGIC_LEN + 8 + json.length;
  return new Uint8Array(Buffer.concat([bytes.subarray(0, MAGIC_LEN), len, json, new Uint8Array((8 - (headLen % 8)) % 8), data]));
}

/** The file as an older encoder would have written it: no units, and for v1 none of v2's columns. */
function downgrade(bytes: Uint8Array, version: 1 | 2): Uint8Array {
  return withHeader(bytes, (h) => {
    h.version = version;
    for (const e of h.eventTypes) delete e.unit;
    if (version === 1) h.columns = h.columns.filter((c) => c.name !== 'samples.payload' && !c.name.startsWith('syscalls.') && !c.name.startsWith('sched.'));
  });
}

/** Every column of every declared table (kind and contents), strings, meta and event types. */
function expectSameProfile(actual: Profile, expected: Profile): void {
  for (const [t, schema] of TABLES) {
    expect(actual[t].length, t).toBe(expected[t].length);
    for (const c of columnNames(schema)) {
      const a = columnOf(actual[t], c);
      expect(kindOf(a), `${t}.${c}`).toBe(schema[c]);
      expect(a, `${t}.${c}`).toEqual(columnOf(expected[t], c));
    }
  }
  expect(actual.strings).toEqual(expected.strings);
  expect(actual.meta).toEqual(expected.meta);
  expect(actual.eventTypes).toEqual(expected.eventTypes);
  expect(actual.defaultEvent).toBe(expected.defaultEvent);
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
}

/**
 * What encoders before version 4 stored of the same captured records: no derived samples or
 * event (off-CPU time), no off-CPU state frames (appended last), no runq table. `old` is the
 * decoded old file, whose table lengths say where the appended rows start.
 */
function beforeV4(p: Profile, old: Profile): Profile {
  const keep = Array.from({ length: p.samples.length }, (_, i) => i).filter((i) => ((p.samples.flags[i] as number) & SampleFlag.Derived) === 0);
  const rows = <S extends Schema>(schema: S, table: Table<S>, pick: readonly number[]): Table<S> =>
    makeTable(schema, pick.length, (name) => {
      const col = columnOf(table, name);
      const out = col.slice(0, pick.length);
      pick.forEach((j, k) => (out[k] = col[j] as number));
      return out;
    });
  const prefix = (n: number) => Array.from({ length: n }, (_, i) => i);
  const frames = p.frames.length;
  for (let f = old.frames.length; f < frames; f++) expect(p.strings[p.frames.symbol[f] as number]).toMatch(/^\[\S+ \w+\]$/);
  const { rules: _rules, ...meta } = p.meta;
  return {
    ...p,
    meta,
    strings: p.strings.slice(0, old.strings.length),
    frames: rows(FRAME_COLUMNS, p.frames, prefix(old.frames.length)),
    stacks: rows(STACK_COLUMNS, p.stacks, prefix(old.stacks.length)),
    samples: rows(SAMPLE_COLUMNS, p.samples, keep),
    eventTypes: p.eventTypes.filter((e) => !e.derived),
    runq: emptyTable(RUNQ_COLUMNS),
    // CPU slices came from switches alone then (slices here: tests/sched-truth.test.ts).
    sched: old.sched,
  };
}

/** The v2 file's CPU slices, as the switch-only rule made them: app until its switch, db, app again. */
const V2_SLICES = [
  [0, 0, 200, 0, 'S'],
  [0, 200, 700, 1, 'R'],
  [0, 700, 999_999_909, 0, ''],
];

describe('profile codec', () => {
  it('has a fixture that fills every table', () => {
    const p = fixtureProfile();
    for (const [t] of TABLES) expect(p[t].length, t).toBeGreaterThan(0);
    expect(p.samples.payload.some((x) => x !== 0)).toBe(true);
    expect(p.eventTypes.map((e) => e.unit)).toEqual(['events', 'samples', 'ns']);
  });

  it('decodes the version-2 file written by the previous encoder, units derived', () => {
    expect(split(V2_FILE).header.version).toBe(2);
    expect(split(V2_FILE).header.eventTypes.every((e) => !('unit' in e))).toBe(true);
    const old = decodeProfile(V2_FILE);
    expectSameProfile(old, beforeV4(fixtureProfile(), old));
    const slices = Array.from({ length: old.sched.length }, (_, i) => [old.sched.cpu[i], old.sched.startNs[i], old.sched.endNs[i], old.sched.thread[i], old.strings[old.sched.endState[i] as number]]);
    expect(slices).toEqual(V2_SLICES);
  });

  it('decodes version 1: no samples.payload (zeros), no syscall or sched tables (empty)', () => {
    const p = decodeProfile(downgrade(V2_FILE, 1));
    const want = beforeV4(fixtureProfile(), p);
    expect(p.samples.payload).toEqual(new Uint32Array(want.samples.length));
    expect([p.syscalls.length, p.syscalls.startNs.length, p.sched.length, p.sched.endState.length]).toEqual([0, 0, 0, 0]);
    expectSameProfile(p, { ...want, samples: { ...want.samples, payload: new Uint32Array(want.samples.length) }, syscalls: p.syscalls, sched: p.sched });
  });

  it(`round-trips version ${PROFILE_FORMAT_VERSION}, every declared column stored as table.column of its kind`, () => {
    const p = fixtureProfile();
    const bytes = encode(p);
    const { header } = split(bytes);
    expect(header.version).toBe(4);
    expect(header.columns.map((c) => [c.name, c.type])).toEqual(TABLES.flatMap(([t, schema]) => columnNames(schema).map((c) => [`${t}.${c}`, schema[c]])));
    expectSameProfile(decodeProfile(bytes), p);
    // From an odd offset of its buffer (the columns are realigned once).
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expectSameProfile(decodeProfile(shifted.subarray(1)), p);
  });

  it('stores units from version 3 on, and fails on a column stored as another kind than declared', () => {
    const bytes = encode(fixtureProfile());
    expect(split(bytes).header.eventTypes.map((e) => e.unit)).toEqual(['events', 'samples', 'ns']);
    const retyped = withHeader(bytes, (h) => {
      const c = h.columns.find((x) => x.name === 'frames.symbol');
      if (c) c.type = 'i32';
    });
    expect(() => decodeProfile(retyped)).toThrow(/frames\.symbol is stored as i32, declared u32/);
  });
});

describe('profile codec on bad input', () => {
  const bytes = encode(fixtureProfile());
  const expectDecodeError = (b: Uint8Array, message?: RegExp) => {
    expect(() => decodeProfile(b)).toThrow(ProfileDecodeError);
    if (message) expect(() => decodeProfile(b)).toThrow(message);
  };

  it('fails with ProfileDecodeError on every truncation', () => {
    const { header, data } = split(bytes);
    const last = header.columns[header.columns.length - 1];
    const size: Record<string, number> = { f64: 8, i32: 4, u32: 4, u16: 2, u8: 1 };
    const dataEnd = bytes.length - data.length + (last ? last.offset + last.length * (size[last.type] ?? 0) : 0);
    expect(dataEnd).toBeLessThan(bytes.length);
    for (let n = 0; n < dataEnd; n++) expectDecodeError(bytes.subarray(0, n));
    // Only the last column's padding is missing: nothing is lost.
    expectSameProfile(decodeProfile(bytes.subarray(0, dataEnd)), fixtureProfile());
  });

  it('fails with ProfileDecodeError on a bad header, never another error', () => {
    expectDecodeError(new Uint8Array(0), /not a tracefleet profile/);
    expectDecodeError(new Uint8Array(10), /not a tracefleet profile/);
    expectDecodeError(new TextEncoder().encode('PK\u0003\u0004 not a profile at all, a zip'), /not a tracefleet profile/);
    const lenAt = (len: number) => {
      const b = bytes.slice();
      new DataView(b.buffer).setFloat64(MAGIC_LEN, len, true);
      return b;
    };
    for (const len of [NaN, -1, 1e300, 2.5, bytes.length]) expectDecodeError(lenAt(len));
    const edits: [(h: RawHeader) => void, RegExp][] = [
      [(h) => (h.version = PROFILE_FORMAT_VERSION + 1), new RegExp(`format ${PROFILE_FORMAT_VERSION + 1} is not supported`)],
      [(h) => (h.version = 0), /format 0 is not supported/],
      [(h) => (h.version = '3' as unknown as number), /version/],
      [(h) => (h.columns = h.columns.filter((c) => c.name !== 'samples.weight')), /lacks column samples\.weight/],
      [(h) => h.columns.forEach((c) => c.name === 'samples.cpu' && (c.length = 1)), /samples\.cpu has 1 rows/],
      [(h) => h.columns.forEach((c) => c.name === 'stacks.frame' && (c.offset = 1 << 20)), /truncated \(column stacks\.frame\)/],
      [(h) => h.columns.forEach((c) => c.name === 'stacks.frame' && (c.offset = 4)), /offset/],
      [(h) => h.columns.forEach((c) => c.name === 'threads.pid' && (c.type = 'i64')), /column/],
      [(h) => (h.columns = {} as RawHeader['columns']), /columns/],
      [(h) => (h.strings = [1, 2]), /strings/],
      [(h) => (h.meta = null), /meta/],
      [(h) => (h.eventTypes[0] = { ...h.eventTypes[0], unit: 'bytes' }), /event unit/],
    ];
    for (const [edit, message] of edits) expectDecodeError(withHeader(bytes, edit), message);
  });

  it('decodes or fails with ProfileDecodeError whatever byte is corrupted', () => {
    for (let i = 0; i < bytes.length; i++) {
      for (const x of [0x00, 0x22, 0x7b, 0xff]) {
        const b = bytes.slice();
        b[i] = x;
        try {
          decodeProfile(b);
        } catch (err) {
          expect(err, `byte ${i} = ${x}`).toBeInstanceOf(ProfileDecodeError);
        }
      }
    }
  });
});

describe('value units', () => {
  /** A profile with one sample per weight of each event, its units declared by the "parser". */
  function profileOf(format: string, events: [name: string, unit: ValueUnit, weights: number[]][]): Profile {
    const b = new ProfileBuilder(format);
    const thread = b.thread('app', 1, 1);
    const stack = b.child(-1, b.frame('main', 'app', ''));
    for (const [name, unit, weights] of events) {
      const ev = b.eventType(name, unit);
      for (const w of weights) b.sample(b.relNs('boot', 1, 0), stack, thread, 0, ev, w, w, 0);
    }
    return b.build();
  }
  const cases: [format: string, events: [string, ValueUnit, number[]][], units: ValueUnit[]][] = [
    ['perf-script', [['cpu-clock:ppp', 'ns', [1003009, 1003009]], ['cycles', 'events', [5, 7]], ['instructions', 'events', [1, 1]]], ['ns', 'events', 'samples']],
    ['perf-script', [['task-clock:u', 'ns', [250000]], ['cpu/cpu-clock/', 'events', [3]], ['syscall', 'events', [3]], ['sched:sched_switch', 'samples', [1, 1, 1]]], ['ns', 'events', 'events', 'samples']],
    ['strace', [['syscall', 'ns', [1500, 20]], ['signal', 'samples', [1]], ['exit', 'samples', []]], ['ns', 'samples', 'samples']],
    ['ftrace', [['function_graph', 'ns', [120, 80, 1]], ['sched_switch', 'samples', [1]]], ['ns', 'samples']],
    ['strace', [['syscall', 'ns', [1, 1]]], ['samples']],
  ];

  it('are what the parser declared, or samples when every sample weighs 1', () => {
    for (const [format, events, units] of cases) expect(profileOf(format, events).eventTypes.map((e) => e.unit), `${format} ${events.map((e) => e[0])}`).toEqual(units);
  });

  it('are derived for version 1 and 2 profiles by the pre-unit rule, which agrees with the parsers', () => {
    for (const [format, events, units] of cases) {
      const p = profileOf(format, events);
      for (const version of [1, 2] as const) expect(decodeProfile(downgrade(encode(p), version)).eventTypes.map((e) => e.unit)).toEqual(units);
      expect(p.eventTypes.map((e) => legacyUnit(format, e))).toEqual(units);
    }
  });
});
