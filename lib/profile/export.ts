/**
 * A flame graph column in the file formats other tools read: pprof (`profile.proto`, what
 * `go tool pprof`, Pyroscope and the Firefox Profiler import) and speedscope's JSON. Both hold
 * exactly the folded stacks of the column (same frames, same weights), so their totals equal the
 * folded export's.
 */
import { Function as PprofFunction, Line, Location, Profile as PprofProfile, Sample, StringTable, ValueType } from 'pprof-format';
import type { ValueUnit } from './types';
import type { WeightedTrie } from './weighted-trie';

export interface ExportMeta {
  /** What the weights count (the event shown: `cpu-clock`, `off-cpu`, `syscall`…). */
  readonly event: string;
  readonly unit: ValueUnit;
  /** Name of the profile in the file (host and source). */
  readonly name: string;
  /** When the capture started (ns since the epoch) and how long it lasted, when known. */
  readonly startNs?: number;
  readonly durationNs?: number;
}

/** Each stack of the column with weight: the leaf node, its sample count and weight. */
function* stacks(trie: WeightedTrie, column: number): Generator<{ node: number; count: number; weight: number }> {
  const c = trie.columns[column];
  if (!c) return;
  for (let i = 0; i < c.node.length; i++) {
    const node = c.node[i] as number;
    const weight = c.self[i] as number;
    if (node !== 0 && weight > 0) yield { node, count: c.selfCount[i] as number, weight };
  }
}

/** Node ids from the root's child to `node` (the trie's root, `all`, is not a frame). */
function framesOf(trie: WeightedTrie, node: number): number[] {
  const out: number[] = [];
  for (let n = node; n > 0; n = trie.parent(n)) out.push(n);
  return out.reverse();
}

/** pprof's unit names for ours. */
const PPROF_UNIT: Record<ValueUnit, string> = { ns: 'nanoseconds', events: 'count', samples: 'count' };

/**
 * The column as a pprof Profile, encoded (not yet gzipped): sample types `samples/count` and
 * the event in its unit; one function and one location per distinct frame name. pprof values
 * are integers: weights are rounded (perf's are integers already).
 */
export function toPprof(trie: WeightedTrie, column: number, meta: ExportMeta): Uint8Array {
  const strings = new StringTable();
  const functions: PprofFunction[] = [];
  const locations: Location[] = [];
  const locationOf = new Map<number, number>();
  const location = (node: number): number => {
    const nameId = trie.nameId(node);
    let id = locationOf.get(nameId);
    if (id === undefined) {
      id = locations.length + 1;
      const name = strings.dedup(trie.name(node));
      functions.push(new PprofFunction({ id, name, systemName: name }));
      locations.push(new Location({ id, line: [new Line({ functionId: id })] }));
      locationOf.set(nameId, id);
    }
    return id;
  };
  const samples: Sample[] = [];
  for (const s of stacks(trie, column)) {
    // pprof lists a sample's locations leaf first.
    const ids = framesOf(trie, s.node).map(location).reverse();
    samples.push(new Sample({ locationId: ids, value: [Math.round(s.count), Math.round(s.weight)] }));
  }
  const sampleType = [new ValueType({ type: strings.dedup('samples'), unit: strings.dedup('count') }), new ValueType({ type: strings.dedup(meta.event), unit: strings.dedup(PPROF_UNIT[meta.unit]) })];
  const profile = new PprofProfile({
    sampleType,
    sample: samples,
    location: locations,
    function: functions,
    stringTable: strings,
    timeNanos: meta.startNs !== undefined ? BigInt(Math.round(meta.startNs)) : 0,
    durationNanos: meta.durationNs !== undefined ? BigInt(Math.round(meta.durationNs)) : 0,
    periodType: new ValueType({ type: strings.dedup(meta.event), unit: strings.dedup(PPROF_UNIT[meta.unit]) }),
    comment: [strings.dedup(`tracefleet export of ${meta.name}`)],
    defaultSampleType: strings.dedup(meta.event),
  });
  return profile.encode();
}

/** speedscope's file format (https://www.speedscope.app/file-format-schema.json), as far as we use it. */
export interface SpeedscopeFile {
  $schema: 'https://www.speedscope.app/file-format-schema.json';
  shared: { frames: { name: string }[] };
  profiles: { type: 'sampled'; name: string; unit: 'nanoseconds' | 'none'; startValue: number; endValue: number; samples: number[][]; weights: number[] }[];
  name: string;
  activeProfileIndex: number;
  exporter: string;
}

/** The column as a speedscope "sampled" profile: each distinct stack once, with its weight. */
export function toSpeedscope(trie: WeightedTrie, column: number, meta: ExportMeta): SpeedscopeFile {
  const frames: { name: string }[] = [];
  const frameOf = new Map<number, number>();
  const frame = (node: number): number => {
    const nameId = trie.nameId(node);
    let i = frameOf.get(nameId);
    if (i === undefined) {
      i = frames.length;
      frames.push({ name: trie.name(node) });
      frameOf.set(nameId, i);
    }
    return i;
  };
  const samples: number[][] = [];
  const weights: number[] = [];
  let total = 0;
  for (const s of stacks(trie, column)) {
    samples.push(framesOf(trie, s.node).map(frame));
    weights.push(s.weight);
    total += s.weight;
  }
  return {
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    shared: { frames },
    profiles: [{ type: 'sampled', name: `${meta.name} · ${meta.event}`, unit: meta.unit === 'ns' ? 'nanoseconds' : 'none', startValue: 0, endValue: total, samples, weights }],
    name: meta.name,
    activeProfileIndex: 0,
    exporter: 'tracefleet',
  };
}
