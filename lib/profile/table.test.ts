import { describe, expect, expectTypeOf, it } from 'vitest';
import { fixtureProfile } from '../../tests/profile-fixture';
import { permuteTable } from './columns';
import { columnBytes, metaBytes, profileBytes, stringBytes } from './memory';
import { decodeProfile, encodeProfile } from './serialize';
import { columnNames, declareTable, emptyTable, kindOf, makeColumn, makeTable, TableBuilder, tableBytes } from './table';
import { PROFILE_TABLES, type Profile, type SampleTable, type SchedTable, type SyscallTable } from './types';

const T = declareTable({
  /** A doc comment, kept on the derived type. */
  time: 'f64',
  id: 'i32',
  name: 'u32',
  event: 'u16',
  flags: 'u8',
});

describe('declared tables', () => {
  it('derive their types, one array type per declared kind', () => {
    expectTypeOf<SampleTable['timeNs']>().toEqualTypeOf<Float64Array>();
    expectTypeOf<SampleTable['stack']>().toEqualTypeOf<Int32Array>();
    expectTypeOf<SampleTable['event']>().toEqualTypeOf<Uint16Array>();
    expectTypeOf<SampleTable['flags']>().toEqualTypeOf<Uint8Array>();
    expectTypeOf<SyscallTable['name']>().toEqualTypeOf<Uint32Array>();
    expectTypeOf<SchedTable['length']>().toEqualTypeOf<number>();
    expectTypeOf<Profile['samples']>().toEqualTypeOf<SampleTable>();
  });

  it('build through appends past their capacity, written column by column', () => {
    const t = new TableBuilder(T, 16);
    for (let r = 0; r < 1000; r++) {
      const i = t.append();
      const c = t.cols;
      c.time[i] = r / 2;
      c.id[i] = -r;
      c.name[i] = r * 3;
      c.event[i] = r % 7;
      c.flags[i] = r & 1;
    }
    const table = t.toTable();
    expect(table.length).toBe(1000);
    expect(Object.isFrozen(table)).toBe(true);
    expect(Object.keys(table)).toEqual(['length', ...columnNames(T)]);
    for (const name of columnNames(T)) expect([name, kindOf(table[name]), table[name].length]).toEqual([name, T[name], 1000]);
    expect([table.time[999], table.id[999], table.name[999], table.event[999], table.flags[999]]).toEqual([499.5, -999, 2997, 5, 1]);
    expect(Array.from(table.id.subarray(0, 5))).toEqual([0, -1, -2, -3, -4]);
    // The table is a copy: the builder goes on.
    t.cols.id[0] = 42;
    expect(table.id[0]).toBe(0);
  });

  it('are empty, permuted and sized from their declaration', () => {
    const empty = emptyTable(T);
    expect(columnNames(T).map((n) => [kindOf(empty[n]), empty[n].length])).toEqual(columnNames(T).map((n) => [T[n], 0]));
    const t = new TableBuilder(T);
    for (const v of [3, 1, 2]) {
      const i = t.append();
      const c = t.cols;
      c.time[i] = v;
      c.id[i] = -v;
      c.name[i] = 10 * v;
      c.event[i] = v;
      c.flags[i] = v;
    }
    const sorted = permuteTable(T, t.toTable(), Uint32Array.from([1, 2, 0]));
    expect(columnNames(T).map((n) => Array.from(sorted[n]))).toEqual([
      [1, 2, 3],
      [-1, -2, -3],
      [10, 20, 30],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(tableBytes(T, sorted)).toBe(3 * (8 + 4 + 4 + 2 + 1));
  });

  it('refuse a column of another kind or length than declared', () => {
    expect(() => makeTable(T, 2, (name, kind) => (name === 'id' ? new Uint32Array(2) : makeColumn(kind, 2)))).toThrow(/column id: u32\[2\], declared i32\[2\]/);
    expect(() => makeTable(T, 2, (name, kind) => makeColumn(kind, name === 'flags' ? 3 : 2))).toThrow(/column flags/);
  });
});

/** Bytes of every typed array reachable from `value`, each counted once. */
function walkTypedArrays(value: unknown, seen = new Set<unknown>()): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (typeof value !== 'object' || value === null || seen.has(value)) return 0;
  seen.add(value);
  let n = 0;
  for (const v of Object.values(value)) n += walkTypedArrays(v, seen);
  return n;
}

describe('profile memory estimate', () => {
  const built = fixtureProfile();
  const decoded = decodeProfile(new Uint8Array(Buffer.concat(encodeProfile(built))));

  it('counts every column of every table, built or decoded', () => {
    for (const p of [built, decoded]) {
      expect(columnBytes(p)).toBe(walkTypedArrays(p));
      expect(profileBytes(p)).toBe(walkTypedArrays(p) + stringBytes(p.strings) + metaBytes(p));
    }
    // The fixture fills every table, so leaving one out would show.
    for (const [name, schema] of Object.entries(PROFILE_TABLES)) expect(tableBytes(schema, built[name as keyof typeof PROFILE_TABLES]), name).toBeGreaterThan(0);
  });

  it('estimates strings at 2 bytes a character plus an overhead, and grows with the meta data', () => {
    expect(stringBytes(['', 'abc'])).toBe(2 * 3 + 2 * stringBytes(['']));
    const more: Profile = { ...built, meta: { ...built.meta, cmdline: 'x'.repeat(1000) } };
    expect(profileBytes(more) - profileBytes(built)).toBeGreaterThanOrEqual(2000);
  });
});
