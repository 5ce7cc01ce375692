import { columnNames, columnOf, COLUMN_KINDS, kindOf, makeColumn, makeTable, type Column, type ColumnKind, type Schema, type Table } from './table';
import { PROFILE_TABLES, type EventType, type Profile, type ProfileMeta, type ProfileTableName, type ProfileTables, type ValueUnit } from './types';

/**
 * Binary form of a Profile, as stored on disk: a magic line, a JSON header (meta, strings,
 * event types, column layout), then every column of every table declared in PROFILE_TABLES,
 * stored as `table.column`, 8-byte aligned. Decoding copies nothing but the header: columns are
 * views on the buffer read from disk.
 *
 * Versions: 1 had no samples.payload and no syscall or sched tables; 2 added them; 3 added each
 * event type's `unit`; 4 added the runq table (scheduler latency) and derived event types. A column a file predates reads as zeros (a table as empty), so adding a
 * column to a declaration needs only a version bump here; an old file's units are derived with
 * the rule the server used before units were stored (`legacyUnit`).
 */
const MAGIC = 'TRACEFLEET-PROFILE 1\n';
export const PROFILE_FORMAT_VERSION = 4;

interface StoredColumn {
  name: string;
  type: ColumnKind;
  length: number;
  offset: number;
}

interface Header {
  version: number;
  meta: ProfileMeta;
  strings: readonly string[];
  eventTypes: readonly EventType[];
  defaultEvent: number;
  columns: StoredColumn[];
}

/** The stored name, declared kind and array of every column, in storage order. */
function profileColumns(p: Profile): { name: string; kind: ColumnKind; array: Column }[] {
  const out: { name: string; kind: ColumnKind; array: Column }[] = [];
  for (const [table, schema] of Object.entries(PROFILE_TABLES) as [ProfileTableName, Schema][]) {
    for (const col of columnNames(schema)) out.push({ name: `${table}.${col}`, kind: schema[col] as ColumnKind, array: columnOf(p[table], col) });
  }
  return out;
}

/** Encodes a profile as a list of byte chunks (write them in order). */
export function encodeProfile(p: Profile): Uint8Array[] {
  const cols = profileColumns(p);
  const layout: StoredColumn[] = [];
  let offset = 0;
  for (const { name, kind, array } of cols) {
    if (kindOf(array) !== kind) throw new Error(`column ${name} is not ${kind}`);
    layout.push({ name, type: kind, length: array.length, offset });
    offset += Math.ceil(array.byteLength / 8) * 8;
  }
  const header: Header = { version: PROFILE_FORMAT_VERSION, meta: p.meta, strings: p.strings, eventTypes: p.eventTypes, defaultEvent: p.defaultEvent, columns: layout };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const pre = new TextEncoder().encode(MAGIC);
  const lenBytes = new Uint8Array(8);
  new DataView(lenBytes.buffer).setFloat64(0, json.length, true);
  const headLen = pre.length + 8 + json.length;
  const pad = new Uint8Array((8 - (headLen % 8)) % 8);
  const out: Uint8Array[] = [pre, lenBytes, json, pad];
  for (const { array } of cols) {
    out.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    const rem = array.byteLength % 8;
    if (rem) out.push(new Uint8Array(8 - rem));
  }
  return out;
}

/** A stored profile that cannot be read (not one, truncated, corrupt, or from a newer version). */
export class ProfileDecodeError extends Error {
  readonly code = 'profile_decode';
  constructor(message: string) {
    super(message);
    this.name = 'ProfileDecodeError';
  }
}

/** Decodes what encodeProfile wrote (any version up to PROFILE_FORMAT_VERSION). `bytes` may start anywhere in its buffer. */
export function decodeProfile(bytes: Uint8Array): Profile {
  try {
    return decode(bytes);
  } catch (err) {
    if (err instanceof ProfileDecodeError) throw err;
    throw new ProfileDecodeError(`corrupt profile: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function decode(bytes: Uint8Array): Profile {
  const pre = new TextEncoder().encode(MAGIC);
  if (bytes.length < pre.length + 8) throw new ProfileDecodeError('not a tracefleet profile');
  for (let i = 0; i < pre.length; i++) if (bytes[i] !== pre[i]) throw new ProfileDecodeError('not a tracefleet profile');
  const jsonLen = new DataView(bytes.buffer, bytes.byteOffset + pre.length, 8).getFloat64(0, true);
  const jsonStart = pre.length + 8;
  if (!Number.isSafeInteger(jsonLen) || jsonLen < 0 || jsonStart + jsonLen > bytes.length) throw new ProfileDecodeError('profile is truncated (header)');
  const header = readHeader(bytes.subarray(jsonStart, jsonStart + jsonLen));
  const headLen = jsonStart + jsonLen;
  let base = headLen + ((8 - (headLen % 8)) % 8);
  if ((bytes.byteOffset + base) % 8 !== 0) {
    // Realign once so typed views are legal.
    const copy = new Uint8Array(Math.max(0, bytes.length - base));
    copy.set(bytes.subarray(base));
    bytes = copy;
    base = 0;
  }
  const stored = new Map(header.columns.map((c) => [c.name, c]));
  const view = (c: StoredColumn): Column => {
    const size = c.length * bytesPerElement(c.type);
    if (base + c.offset + size > bytes.length) throw new ProfileDecodeError(`profile is truncated (column ${c.name})`);
    const start = bytes.byteOffset + base + c.offset;
    const buffer = bytes.buffer as ArrayBuffer;
    switch (c.type) {
      case 'f64':
        return new Float64Array(buffer, start, c.length);
      case 'i32':
        return new Int32Array(buffer, start, c.length);
      case 'u32':
        return new Uint32Array(buffer, start, c.length);
      case 'u16':
        return new Uint16Array(buffer, start, c.length);
      case 'u8':
        return new Uint8Array(buffer, start, c.length);
    }
  };
  const table = <S extends Schema>(name: string, schema: S): Table<S> => {
    const names = columnNames(schema);
    const present = names.map((col) => stored.get(`${name}.${col}`)).filter((c) => c !== undefined);
    const length = present[0]?.length ?? 0;
    for (const c of present) if (c.length !== length) throw new ProfileDecodeError(`column ${c.name} has ${c.length} rows, its table ${length}`);
    return makeTable(schema, length, (col, kind) => {
      const c = stored.get(`${name}.${col}`);
      if (!c) {
        if (header.version < PROFILE_FORMAT_VERSION) return makeColumn(kind, length); // the file predates the column
        throw new ProfileDecodeError(`profile lacks column ${name}.${col}`);
      }
      if (c.type !== kind) throw new ProfileDecodeError(`column ${c.name} is stored as ${c.type}, declared ${kind}`);
      return view(c);
    });
  };
  const tables = Object.fromEntries(Object.entries(PROFILE_TABLES).map(([name, schema]) => [name, table(name, schema)])) as unknown as ProfileTables;
  const eventTypes = header.version < 3 ? header.eventTypes.map((e) => ({ ...e, unit: legacyUnit(header.meta.format, e) })) : header.eventTypes;
  return { meta: header.meta, strings: header.strings, eventTypes, defaultEvent: header.defaultEvent, ...tables };
}

/**
 * The unit of an event in a profile stored before units were (versions 1 and 2): the rule the
 * server applied then, so old stored data answers as it did. Frozen: never change it.
 */
export function legacyUnit(format: string, e: { readonly name: string; readonly samples: number; readonly weight: number }): ValueUnit {
  if (e.weight === e.samples) return 'samples';
  if (/(^|:)(cpu-clock|task-clock)/.test(e.name)) return 'ns';
  if ((format === 'strace' && e.name === 'syscall') || e.name === 'function_graph') return 'ns';
  return 'events';
}

function bytesPerElement(kind: ColumnKind): number {
  return kind === 'f64' ? 8 : kind === 'u16' ? 2 : kind === 'u8' ? 1 : 4;
}

const UNITS: readonly string[] = ['ns', 'events', 'samples'] satisfies ValueUnit[];

/** The JSON header, checked enough that a corrupt one fails here rather than in a query. */
function readHeader(json: Uint8Array): Header {
  let h: unknown;
  try {
    h = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw new ProfileDecodeError('corrupt profile header');
  }
  const bad = (what: string): never => {
    throw new ProfileDecodeError(`corrupt profile header (${what})`);
  };
  if (typeof h !== 'object' || h === null) return bad('not an object');
  const r = h as Record<string, unknown>;
  const version = r.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) return bad('version');
  if (version < 1 || version > PROFILE_FORMAT_VERSION) throw new ProfileDecodeError(`profile format ${version} is not supported`);
  const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (typeof r.meta !== 'object' || r.meta === null || typeof (r.meta as Record<string, unknown>).format !== 'string') bad('meta');
  if (!Array.isArray(r.strings) || !r.strings.every((s) => typeof s === 'string')) bad('strings');
  if (typeof r.defaultEvent !== 'number' || !Number.isInteger(r.defaultEvent)) bad('defaultEvent');
  if (!Array.isArray(r.eventTypes)) return bad('eventTypes');
  for (const e of r.eventTypes as unknown[]) {
    const t = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
    if (typeof t.name !== 'string' || !isInt(t.samples) || typeof t.weight !== 'number') bad('event type');
    if (version >= 3 && !UNITS.includes(t.unit as string)) bad('event unit');
  }
  if (!Array.isArray(r.columns)) return bad('columns');
  for (const c of r.columns as unknown[]) {
    const s = (typeof c === 'object' && c !== null ? c : {}) as Record<string, unknown>;
    if (typeof s.name !== 'string' || !COLUMN_KINDS.includes(s.type as ColumnKind) || !isInt(s.length) || !isInt(s.offset)) bad('column');
    if ((s.offset as number) % 8 !== 0) bad(`column ${String(s.name)} offset`);
  }
  return h as Header;
}
