import type { EventType, Profile, ProfileMeta } from './types';

/**
 * Binary form of a Profile, as stored on disk: a magic line, a JSON header (meta, strings,
 * event types, column layout), then every typed-array column, 8-byte aligned. Decoding copies
 * nothing but the header: columns are views on the buffer read from disk.
 */
const MAGIC = 'TRACEFLEET-PROFILE 1\n';
/** 2 added samples.payload and the syscall and sched tables (v1 files read with them empty). */
export const PROFILE_FORMAT_VERSION = 2;

type Column = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;
const CTORS = { f64: Float64Array, i32: Int32Array, u32: Uint32Array, u16: Uint16Array, u8: Uint8Array } as const;
type ColumnType = keyof typeof CTORS;

function typeOf(c: Column): ColumnType {
  if (c instanceof Float64Array) return 'f64';
  if (c instanceof Int32Array) return 'i32';
  if (c instanceof Uint32Array) return 'u32';
  if (c instanceof Uint16Array) return 'u16';
  return 'u8';
}

interface Header {
  version: number;
  meta: ProfileMeta;
  strings: readonly string[];
  eventTypes: readonly EventType[];
  defaultEvent: number;
  columns: { name: string; type: ColumnType; length: number; offset: number }[];
}

function columnsOf(p: Profile): [string, Column][] {
  return [
    ['frames.symbol', p.frames.symbol],
    ['frames.module', p.frames.module],
    ['frames.address', p.frames.address],
    ['frames.kind', p.frames.kind],
    ['stacks.parent', p.stacks.parent],
    ['stacks.frame', p.stacks.frame],
    ['threads.comm', p.threads.comm],
    ['threads.pid', p.threads.pid],
    ['threads.tid', p.threads.tid],
    ['samples.timeNs', p.samples.timeNs],
    ['samples.stack', p.samples.stack],
    ['samples.thread', p.samples.thread],
    ['samples.cpu', p.samples.cpu],
    ['samples.event', p.samples.event],
    ['samples.period', p.samples.period],
    ['samples.weight', p.samples.weight],
    ['samples.flags', p.samples.flags],
    ['samples.payload', p.samples.payload],
    ['syscalls.startNs', p.syscalls.startNs],
    ['syscalls.durationNs', p.syscalls.durationNs],
    ['syscalls.thread', p.syscalls.thread],
    ['syscalls.cpu', p.syscalls.cpu],
    ['syscalls.name', p.syscalls.name],
    ['syscalls.ret', p.syscalls.ret],
    ['syscalls.errno', p.syscalls.errno],
    ['syscalls.flags', p.syscalls.flags],
    ['sched.cpu', p.sched.cpu],
    ['sched.startNs', p.sched.startNs],
    ['sched.endNs', p.sched.endNs],
    ['sched.thread', p.sched.thread],
    ['sched.endState', p.sched.endState],
  ];
}

/** Encodes a profile as a list of byte chunks (write them in order). */
export function encodeProfile(p: Profile): Uint8Array[] {
  const cols = columnsOf(p);
  const layout: Header['columns'] = [];
  let offset = 0;
  for (const [name, c] of cols) {
    layout.push({ name, type: typeOf(c), length: c.length, offset });
    offset += Math.ceil(c.byteLength / 8) * 8;
  }
  const header: Header = { version: PROFILE_FORMAT_VERSION, meta: p.meta, strings: p.strings, eventTypes: p.eventTypes, defaultEvent: p.defaultEvent, columns: layout };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const pre = new TextEncoder().encode(MAGIC);
  const lenBytes = new Uint8Array(8);
  new DataView(lenBytes.buffer).setFloat64(0, json.length, true);
  const headLen = pre.length + 8 + json.length;
  const pad = new Uint8Array((8 - (headLen % 8)) % 8);
  const out: Uint8Array[] = [pre, lenBytes, json, pad];
  for (const [, c] of cols) {
    out.push(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
    const rem = c.byteLength % 8;
    if (rem) out.push(new Uint8Array(8 - rem));
  }
  return out;
}

export class ProfileDecodeError extends Error {}

/** Decodes what encodeProfile wrote. `bytes` must start on an 8-byte boundary of its buffer. */
export function decodeProfile(bytes: Uint8Array): Profile {
  const pre = new TextEncoder().encode(MAGIC);
  for (let i = 0; i < pre.length; i++) if (bytes[i] !== pre[i]) throw new ProfileDecodeError('not a tracefleet profile');
  const jsonLen = new DataView(bytes.buffer, bytes.byteOffset + pre.length, 8).getFloat64(0, true);
  const jsonStart = pre.length + 8;
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(jsonStart, jsonStart + jsonLen))) as Header;
  if (header.version < 1 || header.version > PROFILE_FORMAT_VERSION) throw new ProfileDecodeError(`profile format ${header.version} is not supported`);
  const headLen = jsonStart + jsonLen;
  let base = headLen + ((8 - (headLen % 8)) % 8);
  if ((bytes.byteOffset + base) % 8 !== 0) {
    // Realign once so typed views are legal.
    const copy = new Uint8Array(bytes.length - base);
    copy.set(bytes.subarray(base));
    bytes = copy;
    base = 0;
  }
  const col = <T extends Column>(name: string, missing?: () => T): T => {
    const c = header.columns.find((x) => x.name === name);
    if (!c && missing) return missing();
    if (!c) throw new ProfileDecodeError(`profile lacks column ${name}`);
    const Ctor = CTORS[c.type];
    const start = bytes.byteOffset + base + c.offset;
    if (start + c.length * Ctor.BYTES_PER_ELEMENT > bytes.byteOffset + bytes.length) throw new ProfileDecodeError(`profile is truncated (column ${name})`);
    return new Ctor(bytes.buffer as ArrayBuffer, start, c.length) as T;
  };
  const frames = { symbol: col<Uint32Array>('frames.symbol'), module: col<Uint32Array>('frames.module'), address: col<Uint32Array>('frames.address'), kind: col<Uint8Array>('frames.kind') };
  const stacks = { parent: col<Int32Array>('stacks.parent'), frame: col<Uint32Array>('stacks.frame') };
  const threads = { comm: col<Uint32Array>('threads.comm'), pid: col<Int32Array>('threads.pid'), tid: col<Int32Array>('threads.tid') };
  const samples = {
    timeNs: col<Float64Array>('samples.timeNs'),
    stack: col<Int32Array>('samples.stack'),
    thread: col<Uint32Array>('samples.thread'),
    cpu: col<Int32Array>('samples.cpu'),
    event: col<Uint16Array>('samples.event'),
    period: col<Float64Array>('samples.period'),
    weight: col<Float64Array>('samples.weight'),
    flags: col<Uint8Array>('samples.flags'),
  };
  const payload = col<Uint32Array>('samples.payload', () => new Uint32Array(samples.timeNs.length));
  const empty = <T extends Column>(make: (n: number) => T) => () => make(0);
  const syscalls = {
    startNs: col<Float64Array>('syscalls.startNs', empty((n) => new Float64Array(n))),
    durationNs: col<Float64Array>('syscalls.durationNs', empty((n) => new Float64Array(n))),
    thread: col<Uint32Array>('syscalls.thread', empty((n) => new Uint32Array(n))),
    cpu: col<Int32Array>('syscalls.cpu', empty((n) => new Int32Array(n))),
    name: col<Uint32Array>('syscalls.name', empty((n) => new Uint32Array(n))),
    ret: col<Float64Array>('syscalls.ret', empty((n) => new Float64Array(n))),
    errno: col<Uint32Array>('syscalls.errno', empty((n) => new Uint32Array(n))),
    flags: col<Uint8Array>('syscalls.flags', empty((n) => new Uint8Array(n))),
  };
  const sched = {
    cpu: col<Int32Array>('sched.cpu', empty((n) => new Int32Array(n))),
    startNs: col<Float64Array>('sched.startNs', empty((n) => new Float64Array(n))),
    endNs: col<Float64Array>('sched.endNs', empty((n) => new Float64Array(n))),
    thread: col<Uint32Array>('sched.thread', empty((n) => new Uint32Array(n))),
    endState: col<Uint32Array>('sched.endState', empty((n) => new Uint32Array(n))),
  };
  return {
    meta: header.meta,
    strings: header.strings,
    eventTypes: header.eventTypes,
    defaultEvent: header.defaultEvent,
    frames: { length: frames.symbol.length, ...frames },
    stacks: { length: stacks.parent.length, ...stacks },
    threads: { length: threads.comm.length, ...threads },
    samples: { length: samples.timeNs.length, ...samples, payload },
    syscalls: { length: syscalls.startNs.length, ...syscalls },
    sched: { length: sched.startNs.length, ...sched },
  };
}
