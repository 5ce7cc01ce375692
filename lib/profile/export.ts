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

const SVG_WIDTH = 1200;
const FRAME_H = 16;
/** Frames narrower than this (px) are left out, as flamegraph.pl's --minwidth does. */
const MIN_FRAME_PX = 0.1;
/** Most frames drawn: past it the narrowest go (an SVG of millions of rectangles opens nowhere). */
const MAX_SVG_FRAMES = 50_000;

const xml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A warm colour per name, stable across exports (flamegraph.pl's "hot" palette, by hash). */
function warm(name: string): string {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  const v1 = ((h >>> 0) % 1000) / 1000;
  const v2 = ((h >>> 10) % 1000) / 1000;
  return `rgb(${205 + Math.round(50 * v1)},${Math.round(230 * v2)},${Math.round(55 * v1)})`;
}

/**
 * A self-contained SVG flame graph of the column, like flamegraph.pl's: root at the bottom,
 * every frame with its name, samples and share as a tooltip, and a Search control (a regular
 * expression, as flamegraph.pl's) that highlights matches and says the matched share. Names are
 * XML-escaped text, and the script reads them as text only.
 */
export function toFlameSvg(trie: WeightedTrie, column: number, meta: ExportMeta): string {
  const w = trie.weights(column);
  const total = w.total[0] as number;
  const scale = total > 0 ? SVG_WIDTH / total : 0;
  // Frames to draw, widest first within the cap: x offset and depth of each.
  const frames: { node: number; x: number; depth: number }[] = [];
  let maxDepth = 0;
  let floorPx = MIN_FRAME_PX;
  for (;;) {
    frames.length = 0;
    maxDepth = 0;
    const stack: { node: number; x: number; depth: number }[] = [{ node: 0, x: 0, depth: 0 }];
    while (stack.length > 0 && frames.length <= MAX_SVG_FRAMES) {
      const f = stack.pop() as { node: number; x: number; depth: number };
      frames.push(f);
      if (f.depth > maxDepth) maxDepth = f.depth;
      let x = f.x;
      for (const c of trie.children(f.node).sort((a, b) => (trie.name(a) < trie.name(b) ? -1 : 1))) {
        const cw = w.total[c] as number;
        if (!(cw > 0)) continue;
        if (cw * scale >= floorPx) stack.push({ node: c, x, depth: f.depth + 1 });
        x += cw;
      }
    }
    if (frames.length <= MAX_SVG_FRAMES) break;
    floorPx *= 4;
  }
  const height = (maxDepth + 1) * FRAME_H + 60;
  const unit = meta.unit === 'ns' ? 'ns' : meta.unit === 'events' ? 'events' : 'samples';
  const out: string[] = [];
  out.push(
    `<?xml version="1.0" standalone="no"?>`,
    `<svg version="1.1" width="${SVG_WIDTH + 20}" height="${height}" viewBox="0 0 ${SVG_WIDTH + 20} ${height}" xmlns="http://www.w3.org/2000/svg">`,
    `<style>text{font-family:Verdana,sans-serif;font-size:12px;fill:#000}.f:hover rect{stroke:#000;stroke-width:0.5}#search{cursor:pointer}</style>`,
    `<rect x="0" y="0" width="100%" height="100%" fill="#f8f8f8"/>`,
    `<text x="${(SVG_WIDTH + 20) / 2}" y="20" text-anchor="middle" style="font-size:15px">${xml(`${meta.name} · ${meta.event}`)}</text>`,
    `<text id="search" x="${SVG_WIDTH + 10}" y="20" text-anchor="end">Search</text>`,
    `<text id="matched" x="${SVG_WIDTH + 10}" y="${height - 8}" text-anchor="end"></text>`,
  );
  for (const f of frames) {
    const v = w.total[f.node] as number;
    const name = f.node === 0 ? 'all' : trie.name(f.node);
    const x = 10 + f.x * scale;
    const width = v * scale;
    const y = height - 30 - (f.depth + 1) * FRAME_H;
    const label = width > 21 ? name.slice(0, Math.floor((width - 6) / 7)) : '';
    const shown = label.length < name.length && label.length > 2 ? `${label.slice(0, -2)}..` : label;
    out.push(
      `<g class="f"><title>${xml(`${name} (${w.totalCount[f.node]} samples, ${Math.round(v)} ${unit}, ${((v / total) * 100).toFixed(2)}%)`)}</title>` +
        `<rect x="${x.toFixed(2)}" y="${y}" width="${width.toFixed(2)}" height="${FRAME_H - 1}" fill="${f.node === 0 ? 'rgb(200,200,200)' : warm(name)}" rx="2" data-v="${v}"/>` +
        (shown ? `<text x="${(x + 3).toFixed(2)}" y="${y + 11.5}">${xml(shown)}</text>` : '') +
        `</g>`,
    );
  }
  out.push(`<script type="text/ecmascript"><![CDATA[
(function () {
  var total = ${JSON.stringify(total)};
  var frames = Array.prototype.slice.call(document.querySelectorAll('g.f'));
  function nameOf(g) { var t = g.querySelector('title').textContent; return t.slice(0, t.lastIndexOf(' (')); }
  function search(term) {
    var re; try { re = new RegExp(term); } catch (e) { return; }
    var matched = 0, counted = [];
    frames.forEach(function (g) {
      var r = g.querySelector('rect');
      if (!r.dataset.fill) r.dataset.fill = r.getAttribute('fill');
      var hit = term !== '' && re.test(nameOf(g));
      r.setAttribute('fill', hit ? 'rgb(230,0,230)' : r.dataset.fill);
      if (hit) {
        var x = parseFloat(r.getAttribute('x')), w = parseFloat(r.getAttribute('width'));
        // Outermost matches only: a frame inside a counted one adds nothing.
        if (!counted.some(function (c) { return x >= c[0] - 1e-6 && x + w <= c[1] + 1e-6 && parseFloat(r.getAttribute('y')) < c[2]; })) {
          counted.push([x, x + w, parseFloat(r.getAttribute('y'))]);
          matched += parseFloat(r.dataset.v);
        }
      }
    });
    document.getElementById('matched').textContent = term === '' ? '' : 'Matched: ' + (total > 0 ? (100 * matched / total).toFixed(1) : '0') + '%';
  }
  document.getElementById('search').addEventListener('click', function () {
    var term = window.prompt('Search (a regular expression)', '');
    if (term !== null) search(term);
  });
})();
]]></script>`, `</svg>`);
  return out.join('\n');
}
