import { Profile as PprofProfile, type Location, type Sample } from 'pprof-format';
import type { ProfileBuilder } from '../profile/builder';
import type { ValueUnit } from '../profile/types';
import { ParseError } from './errors';
import type { BinaryFormat, ParseContext, Sniff } from './format';
import { baseName, foldableName, MAX_IMPORTED_DEPTH } from './imported';

type Numeric = number | bigint;

/** profile.proto's top-level fields and the wire types each may come in (0 varint, 2 length-delimited). */
const FIELD_WIRE_TYPES: Readonly<Record<number, readonly number[]>> = {
  1: [2], // sample_type
  2: [2], // sample
  3: [2], // mapping
  4: [2], // location
  5: [2], // function
  6: [2], // string_table
  7: [0], // drop_frames
  8: [0], // keep_frames
  9: [0], // time_nanos
  10: [0], // duration_nanos
  11: [2], // period_type
  12: [0], // period
  13: [0, 2], // comment (plain or packed)
  14: [0], // default_sample_type
  15: [0], // doc_url
};

/** Reads a varint at `pos`: its value and the offset after it, or null when it runs past `end` or 10 bytes. */
function varint(bytes: Uint8Array, pos: number, end: number): { value: number; next: number } | null {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10 && pos + i < end; i++) {
    const b = bytes[pos + i] as number;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) return { value, next: pos + i + 1 };
  }
  return null;
}

/**
 * Walks the top-level fields of a profile.proto message: every tag must be a field of Profile
 * with its wire type and every length must fit. With `whole` false the bytes are only the
 * start of the input, and a field running past them ends the walk. Returns the fields that
 * ended within the bytes, or what is wrong and where.
 */
function walk(bytes: Uint8Array, whole: boolean): { fields: number; error: string | null } {
  const end = bytes.length;
  let pos = 0;
  let fields = 0;
  while (pos < end) {
    const at = pos;
    const tag = varint(bytes, pos, end);
    if (!tag) return { fields, error: whole ? `truncated field tag at byte ${at}` : null };
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    if (!FIELD_WIRE_TYPES[field]?.includes(wire)) return { fields, error: `byte ${at} is not a field of a profile (field ${field}, wire type ${wire})` };
    const v = varint(bytes, tag.next, end);
    if (!v) return { fields, error: whole ? `truncated field ${field} at byte ${at}` : null };
    pos = wire === 0 ? v.next : v.next + v.value;
    if (pos > end) return { fields, error: whole ? `field ${field} at byte ${at} runs past the end (${v.value} bytes, ${end - v.next} left)` : null };
    fields++;
  }
  return { fields, error: null };
}

/**
 * A profile.proto, decided from the first bytes: every field there a field of Profile with its
 * wire type (text never walks that far: each of its bytes would have to be a valid tag or
 * length), and at least two whole fields, or one that is the whole input. A profile cut short
 * is still one (its decode says where it ends).
 */
function sniffBytes(head: Uint8Array, whole: boolean): Sniff {
  const { fields, error } = walk(head, false);
  if (error) return 'no';
  if (fields >= 2) return 'yes';
  return whole && fields === 1 && walk(head, true).error === null ? 'yes' : 'no';
}

/** Signed value of an int64 field (pprof-format gives 5+ byte varints as unsigned bigints). */
function num(v: Numeric): number {
  return typeof v === 'bigint' ? Number(BigInt.asIntN(64, v)) : v;
}

/** An id as a map key (uint64, exact). */
function idKey(v: Numeric): string {
  return typeof v === 'bigint' ? BigInt.asUintN(64, v).toString() : String(v);
}

const NS_PER_UNIT: Readonly<Record<string, number>> = { nanoseconds: 1, microseconds: 1e3, milliseconds: 1e6, seconds: 1e9 };

/**
 * The sample type to import: the profile's default_sample_type, else `cpu` (Go's CPU profiles
 * also carry `samples/count`), else the last in nanoseconds (wall, delay), else `samples/count`,
 * else the last one (what pprof shows when no default is set).
 */
export function chooseSampleType(types: readonly { type: string; unit: string }[], defaultType: string): number {
  const pick = [
    defaultType ? types.findIndex((t) => t.type === defaultType) : -1,
    types.findIndex((t) => t.type === 'cpu'),
    types.findLastIndex((t) => t.unit === 'nanoseconds'),
    types.findIndex((t) => t.type === 'samples' && t.unit === 'count'),
  ].find((i) => i >= 0);
  return pick ?? types.length - 1;
}

/** Labels naming a sample's thread, best first (perf_to_profile: thread_comm, comm; async-profiler: thread). */
const NAME_LABELS = ['thread_name', 'thread', 'thread_comm', 'comm'];
const TID_LABELS = ['tid', 'thread_id', 'thread'];
/** The comment our own export carries (lib/profile/export.ts): its root frames are process names. */
const OWN_EXPORT = 'tracefleet export of ';

/** One decoded profile.proto into the builder. */
class PprofImport {
  private readonly strings: readonly string[];
  private readonly mappings = new Map<string, string>();
  private readonly functions = new Map<string, string>();
  private readonly locations = new Map<string, Location>();
  /** Frame ids of a location, leaf first (inlined functions before their caller). */
  private readonly locationFrames = new Map<string, number[]>();
  /** Names by frame id, for the process frames of our own exports. */
  private readonly names: string[] = [];

  constructor(
    private readonly p: PprofProfile,
    private readonly builder: ProfileBuilder,
    private readonly file: string,
  ) {
    this.strings = p.stringTable.strings;
  }

  private fail(detail: string): never {
    throw new ParseError(this.file, 0, `pprof: ${detail}`);
  }

  private str(index: Numeric, where: string): string {
    const i = num(index);
    const s = this.strings[i];
    if (s === undefined) this.fail(`${where}: string ${i} is not in the string table (${this.strings.length} strings)`);
    return s;
  }

  run(): void {
    const { p, builder } = this;
    const types = p.sampleType.map((t, i) => ({ type: this.str(t.type, `sample_type[${i}]`), unit: this.str(t.unit, `sample_type[${i}]`) }));
    if (types.length === 0) this.fail('the profile has no sample types');
    const chosen = chooseSampleType(types, this.str(p.defaultSampleType, 'default_sample_type'));
    const { type, unit } = types[chosen] as { type: string; unit: string };
    const scale = NS_PER_UNIT[unit] ?? 1;
    const event = builder.eventType(type || 'samples', this.unitOf(types, chosen));

    p.mapping.forEach((m, i) => this.mappings.set(idKey(m.id), this.str(m.filename, `mapping[${i}].filename`)));
    p.function.forEach((f, i) => this.functions.set(idKey(f.id), this.str(f.name, `function[${i}].name`) || this.str(f.systemName, `function[${i}].system_name`)));
    for (const l of p.location) this.locations.set(idKey(l.id), l);
    // By convention the first mapping is the main binary: the process name when no label says.
    const main = p.mapping[0] ? baseName(this.mappings.get(idKey(p.mapping[0].id)) ?? '') : '';
    const process = foldableName(main || 'pprof');

    const comments = p.comment.map((c, i) => this.str(c, `comment[${i}]`));
    const ownExport = comments.some((c) => c.startsWith(OWN_EXPORT));
    for (const c of comments) {
      if (c.startsWith('perf-command:')) builder.setMeta({ cmdline: c.slice('perf-command:'.length).trim() });
      if (c.startsWith('perf-version:')) builder.setMeta({ perfVersion: c.slice('perf-version:'.length).trim() });
    }
    builder.setMeta({ untimed: true });
    const timeNs = this.startNs();

    const frames: number[] = [];
    p.sample.forEach((s, i) => {
      if (s.value.length !== types.length) this.fail(`sample ${i} has ${s.value.length} values for ${types.length} sample types`);
      const value = num(s.value[chosen] as Numeric) * scale;
      if (value === 0) return;
      if (!(value > 0) || !Number.isFinite(value)) {
        builder.warn(0, `sample ${i}: value ${value} is not a positive number: skipped`);
        return;
      }
      frames.length = 0;
      for (const id of s.locationId) for (const f of this.framesOf(id, i)) frames.push(f);
      let { comm, pid, tid } = this.threadOf(s, i, process);
      if (ownExport && frames.length > 0) {
        comm = this.names[frames.pop() as number] as string;
        pid = -1;
        tid = 0;
      }
      if (frames.length > MAX_IMPORTED_DEPTH) builder.warn(0, `sample ${i}: stack of ${frames.length} frames cut to its ${MAX_IMPORTED_DEPTH} innermost`);
      const stack = builder.stackFromLeafFirst(frames, Math.min(frames.length, MAX_IMPORTED_DEPTH));
      builder.sample(timeNs, stack, builder.thread(comm, pid, tid), -1, event, 0, value, 0);
    });
  }

  /**
   * What the chosen values count: time, samples (a `samples` or perf_to_profile `*_sample` count,
   * or a count equal to the `samples/count` value in every sample), or other events.
   */
  private unitOf(types: readonly { type: string; unit: string }[], chosen: number): ValueUnit {
    const { type, unit } = types[chosen] as { type: string; unit: string };
    if (unit in NS_PER_UNIT) return 'ns';
    if (unit !== 'count') return 'events';
    if (type === 'samples' || type.endsWith('_sample')) return 'samples';
    const counts = types.findIndex((t) => t.type === 'samples' && t.unit === 'count');
    const same = counts >= 0 && this.p.sample.every((s) => num(s.value[chosen] ?? 0) === num(s.value[counts] ?? 0));
    return same ? 'samples' : 'events';
  }

  /** The profile's start (time_nanos, Unix epoch) as every sample's time, NaN when it has none. */
  private startNs(): number {
    const t = this.p.timeNanos;
    const big = typeof t === 'bigint' ? BigInt.asIntN(64, t) : BigInt(t);
    if (big <= 0n) return NaN;
    return this.builder.relNs('epoch', Number(big / 1_000_000_000n), Number(big % 1_000_000_000n));
  }

  private framesOf(id: Numeric, sample: number): number[] {
    const key = idKey(id);
    let frames = this.locationFrames.get(key);
    if (frames) return frames;
    const loc = this.locations.get(key);
    if (!loc) this.fail(`sample ${sample}: location ${key} is not in the location table`);
    const mappingId = idKey(loc.mappingId);
    const file = mappingId === '0' ? '' : this.mappings.get(mappingId);
    if (file === undefined) this.fail(`location ${key}: mapping ${mappingId} is not in the mapping table`);
    // Unsymbolised (perf_to_profile writes addresses only): named after the module, as
    // stackcollapse-perf.pl names [unknown] frames.
    const unknown = file ? `[${baseName(file)}]` : '[unknown]';
    frames = [];
    if (loc.line.length === 0) frames.push(this.frame(unknown, file, `0x${BigInt(loc.address).toString(16)}`));
    loc.line.forEach((line, j) => {
      const fnId = idKey(line.functionId);
      const name = fnId === '0' ? '' : this.functions.get(fnId);
      if (name === undefined) this.fail(`location ${key}, line ${j}: function ${fnId} is not in the function table`);
      (frames as number[]).push(this.frame(name || unknown, file, ''));
    });
    this.locationFrames.set(key, frames);
    return frames;
  }

  private frame(name: string, module: string, address: string): number {
    const symbol = foldableName(name);
    const id = this.builder.frame(symbol, module, address);
    this.names[id] = symbol;
    return id;
  }

  /** The thread a sample's labels name (thread name, pid, tid), else the process of the whole profile. */
  private threadOf(s: Sample, i: number, process: string): { comm: string; pid: number; tid: number } {
    let comm = '';
    let rank = NAME_LABELS.length;
    let pid = -1;
    // As folded stacks do: 0 when unknown (-1 is perf's thread it could not name, never shown).
    let tid = 0;
    for (const [j, l] of s.label.entries()) {
      const key = this.str(l.key, `sample ${i}, label ${j}`);
      const text = num(l.str) !== 0 ? this.str(l.str, `sample ${i}, label ${key}`) : '';
      const value = text ? (/^\d{1,10}$/.test(text) ? Number(text) : NaN) : num(l.num);
      const r = NAME_LABELS.indexOf(key);
      if (r >= 0 && r < rank && text && Number.isNaN(value)) {
        comm = text;
        rank = r;
      }
      const id = Number.isSafeInteger(value) && value >= 0 && value <= 0x7fffffff ? value : -1;
      if (key === 'pid') pid = id;
      else if (TID_LABELS.includes(key) && id >= 0) tid = id;
    }
    return { comm: foldableName(comm) || process, pid, tid };
  }
}

function decode(bytes: Uint8Array, builder: ProfileBuilder, ctx: ParseContext): void {
  const { error } = walk(bytes, true);
  if (error) throw new ParseError(ctx.file, 0, `not a valid pprof profile: ${error}`);
  let profile: PprofProfile;
  try {
    profile = PprofProfile.decode(bytes);
  } catch (err) {
    throw new ParseError(ctx.file, 0, `not a valid pprof profile: ${err instanceof Error ? err.message : String(err)}`);
  }
  new PprofImport(profile, builder, ctx.file).run();
}

/**
 * pprof's profile.proto (Go's runtime/pprof, perf_to_profile, async-profiler, our own export),
 * plain or gzip: one sample per pprof sample, weighed by one sample type (chooseSampleType).
 * pprof keeps no time per sample: each is placed at the profile's start and meta says `untimed`.
 */
export const pprofFormat: BinaryFormat = {
  id: 'pprof',
  label: 'pprof profile',
  sniffBytes,
  decode,
};
