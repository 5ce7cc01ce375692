'use client';
import { select } from 'd3';
import flamegraph, { type FlameGraphChart, type HierarchyFrame } from 'd3-flame-graph';
import { useEffect, useRef, useState } from 'react';
import type { FlameNode } from '@/lib/api/schemas';
import { compileSearch } from '@/lib/util/frame-search';
import { frameColor, HIGHLIGHT_COLOR, KIND_LABELS } from '@/lib/viz/colors';
import { formatCount, formatDurationNs, formatPercent } from '@/lib/viz/format';
import styles from './FlameGraph.module.css';

/** What the chart reads of any flame tree (one node's, a differential, the merged cluster). */
export type DrawnNode<N> = Pick<FlameNode, 'n' | 'v' | 's' | 'k' | 'l' | 'm' | 'x'> & { c?: N[] };

export interface FlameGraphProps<N extends DrawnNode<N>> {
  root: N;
  /** Zoomed frame path (names below the root), [] for none. */
  zoom: readonly string[];
  search: string;
  onZoom: (path: string[]) => void;
  /** What values count: ns of CPU (clock events), events (other periods) or samples. */
  unit?: 'ns' | 'events' | 'samples';
  /** Optional colour override (differential graphs). */
  color?: (d: N) => string | null;
  /** Extra tooltip lines for a frame. */
  describe?: (d: N) => string[];
  /** Root at the top (icicle, the default) or at the bottom (flame, as flamegraph.pl draws). */
  orientation?: 'icicle' | 'flame';
}

/**
 * The frame path a click zooms to: the frame's names below the root. An aggregate of folded
 * frames is not a frame of the profile: clicking it zooms to its parent, which the server then
 * sends at full detail, so the frames it stood for can be seen and zoomed into.
 */
function pathOf<N extends DrawnNode<N>>(d: HierarchyFrame<N>): string[] {
  const out: string[] = [];
  let n: HierarchyFrame<N> | null = d.data.x ? d.parent : d;
  for (; n && n.parent; n = n.parent) out.push(n.data.n);
  return out.reverse();
}

function findFrame<N extends DrawnNode<N>>(root: HierarchyFrame<N>, path: readonly string[]): HierarchyFrame<N> | null {
  let node: HierarchyFrame<N> | undefined = root;
  for (const name of path) {
    node = node?.children?.find((c) => c.data.n === name);
    if (!node) return null;
  }
  return node ?? null;
}

/** The last term's matcher (d3-flame-graph asks once per frame with the same term). */
let compiled: { term: string; test: (name: string) => boolean } = { term: '', test: () => false };
function matches(d: DrawnNode<unknown>, term: string): boolean {
  if (compiled.term !== term) compiled = { term, test: compileSearch(term).test };
  return d.m === 1 || compiled.test(d.n);
}

const TRANSITION_MS = 200;

/** Scrolls a chart so the frame is in view (or, with no frame, so the root is: the bottom of a flame, the top of an icicle). */
function keepInView<N>(el: HTMLDivElement, target: HierarchyFrame<N> | null, orientation: 'icicle' | 'flame'): void {
  if (el.scrollHeight <= el.clientHeight) return;
  const g = target ? [...el.querySelectorAll('g.frame')].find((x) => (x as Element & { __data__?: unknown }).__data__ === target) : undefined;
  if (!g) {
    el.scrollTop = orientation === 'flame' ? el.scrollHeight : 0;
    return;
  }
  const box = g.getBoundingClientRect();
  const top = box.top - el.getBoundingClientRect().top + el.scrollTop;
  if (top < el.scrollTop || top + box.height > el.scrollTop + el.clientHeight) el.scrollTop = Math.max(0, top - el.clientHeight / 2);
}

interface Tip<N> {
  x: number;
  y: number;
  width: number;
  frame: HierarchyFrame<N>;
  total: number;
}

/**
 * One d3-flame-graph, owned through a ref (no global ids: many can share a page). Function
 * names come from captures and are untrusted: the library draws labels with .text(), and the
 * tooltip here is React text, never HTML.
 */
export function FlameGraph<N extends DrawnNode<N>>({ root, zoom, search, onZoom, unit = 'samples', color, describe, orientation = 'icicle' }: FlameGraphProps<N>) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<FlameGraphChart<N> | null>(null);
  const bound = useRef(false);
  const applied = useRef('');
  const onZoomRef = useRef(onZoom);
  const colorRef = useRef(color);
  const [tip, setTip] = useState<Tip<N> | null>(null);

  useEffect(() => {
    onZoomRef.current = onZoom;
    colorRef.current = color;
  });

  useEffect(() => {
    const el = ref.current as HTMLDivElement;
    const chart = flamegraph<N>()
      .width(Math.max(200, el.clientWidth))
      .cellHeight(18)
      .transitionDuration(TRANSITION_MS)
      .minFrameSize(1)
      .sort(false)
      .inverted(orientation === 'icicle')
      .selfValue(false)
      .resetHeightOnZoom(true)
      .setColorMapper((d) => (d.highlight ? HIGHLIGHT_COLOR : (colorRef.current?.(d.data) ?? frameColor(d.data))))
      .setSearchMatch((d, term) => matches(d.data, term))
      .setSearchHandler(() => undefined)
      .setDetailsHandler(() => undefined)
      .onClick((d) => {
        const path = pathOf(d);
        const key = path.join(';');
        if (key === applied.current) return;
        applied.current = key;
        onZoomRef.current(path);
      });
    chartRef.current = chart;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (bound.current) chart.width(w).update();
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      chart.destroy();
      bound.current = false;
      chartRef.current = null;
    };
  }, [orientation]);

  useEffect(() => {
    const el = ref.current;
    const chart = chartRef.current;
    if (!el || !chart) return;
    // The library writes flags into the data: give it a copy, never the query cache's object.
    const data = structuredClone(root);
    chart.width(Math.max(200, el.clientWidth));
    if (!bound.current) {
      select(el).datum(data).call(chart);
      bound.current = true;
    } else {
      chart.update(data);
    }
    applied.current = '';
    // A new chart (the orientation changed) is bound afresh.
  }, [root, orientation]);

  useEffect(() => {
    const el = ref.current;
    const chart = chartRef.current;
    if (!el || !chart || !bound.current) return;
    const key = zoom.join(';');
    if (key !== applied.current) {
      applied.current = key;
      const rootFrame = select(el).datum() as HierarchyFrame<N>;
      const target = zoom.length > 0 ? findFrame(rootFrame, zoom) : null;
      if (target) chart.zoomTo(target);
      else chart.resetZoom();
      // Deep stacks scroll inside the card: keep the zoomed frame (or, drawn as a flame, the root) in view once drawn.
      const t = setTimeout(() => keepInView(el, target, orientation), TRANSITION_MS + 50);
      return () => clearTimeout(t);
    }
    if (search.trim()) chart.search(search.trim());
    else chart.clear();
  }, [root, zoom, search, orientation]);

  const onMove = (e: React.MouseEvent) => {
    const g = (e.target as Element).closest('g.frame') as (Element & { __data__?: HierarchyFrame<N> }) | null;
    const frame = g?.__data__;
    if (!frame) return setTip(null);
    let top: HierarchyFrame<N> = frame;
    while (top.parent) top = top.parent;
    const box = (ref.current as HTMLDivElement).getBoundingClientRect();
    setTip({ x: e.clientX - box.left, y: e.clientY - box.top, width: box.width, frame, total: top.data.v });
  };

  return (
    <div className={styles.wrap}>
      <div ref={ref} className={styles.chart} onMouseMove={onMove} onMouseLeave={() => setTip(null)} data-testid="flame-graph" />
      {tip && <Tooltip tip={tip} unit={unit} describe={describe} />}
    </div>
  );
}

function Tooltip<N extends DrawnNode<N>>({ tip, unit, describe }: { tip: Tip<N>; unit: 'ns' | 'events' | 'samples'; describe?: (d: N) => string[] }) {
  const d = tip.frame.data;
  const parent = tip.frame.parent?.data;
  const left = Math.min(tip.x + 14, Math.max(0, tip.width - 320));
  return (
    <div className={styles.tip} style={{ left, top: tip.y + 16 }} role="tooltip" data-testid="flame-tooltip">
      <div className={styles.tipName}>{d.n}</div>
      <div className={styles.tipRow}>
        {formatCount(d.k)} sample{d.k === 1 ? '' : 's'}
        {unit === 'ns' ? ` · ${formatDurationNs(d.v)} CPU` : unit === 'events' ? ` · ${formatCount(d.v)} events` : ''}
      </div>
      <div className={styles.tipRow}>
        {formatPercent(d.v, tip.total)} of total{parent && parent.v > 0 ? ` · ${formatPercent(d.v, parent.v)} of parent` : ''}
      </div>
      {d.s > 0 && d.c && <div className={styles.tipRow}>self {formatPercent(d.s, tip.total)} of total</div>}
      <div className={styles.tipKind}>
        {KIND_LABELS[d.l]}
        {d.x ? ` · click to see these ${d.x} frames at full detail` : ''}
      </div>
      {describe?.(d).map((line, i) => (
        <div key={i} className={styles.tipRow}>
          {line}
        </div>
      ))}
    </div>
  );
}
