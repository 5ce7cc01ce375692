'use client';
import { axisTop, brushX, scaleLinear, select, type BrushBehavior, type ScaleLinear } from 'd3';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { NodeSummary, Timeline } from '@/lib/api/schemas';
import { endpoints } from '@/lib/api/endpoints';
import { useEndpoint } from '@/lib/client/queries';
import { frameColor } from '@/lib/viz/colors';
import { formatCount, formatDurationNs } from '@/lib/viz/format';
import { sourceKey } from '@/lib/api/view-state';
import { hostDuration, placeSources, type Placement } from '@/lib/viz/hosts';
import styles from './Timeline.module.css';

const SERIES_COLORS = ['#2563eb', '#f97316', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#ca8a04', '#db2777', '#64748b'];
const LABEL_W = 170;

interface Props {
  captureId: string;
  nodes: NodeSummary[];
  selected?: string;
  ranges: Record<string, [number, number]>;
  offsets: Record<string, number>;
  onRange: (node: string, range: [number, number] | null) => void;
  onOffset: (node: string, offsetNs: number) => void;
  onSelect: (node: string) => void;
  /** User offsets of wall-clock sources on their host's axis, by `node~source`. */
  sourceOffsets: Record<string, number>;
  onSourceOffset: (node: string, source: string, offsetNs: number) => void;
}

/**
 * Every host's activity on one time axis, a lane per source. A host's sources are placed on
 * its own axis (lib/viz/hosts.ts: kernel-clock sources line up by themselves, wall-clock ones
 * by perf's capture time); hosts are aligned at their first record, plus an optional per-host
 * offset. Brushing any lane of a host sets that host's time range for all its views.
 */
export function ClusterTimeline({ captureId, nodes, selected, ranges, offsets, onRange, onOffset, onSelect, sourceOffsets, onSourceOffset }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const axisRef = useRef<SVGGElement>(null);
  const [width, setWidth] = useState(900);
  useEffect(() => {
    const el = ref.current as HTMLDivElement;
    const ro = new ResizeObserver(() => setWidth(Math.max(400, el.clientWidth - LABEL_W - 10)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const hosts = useMemo(() => nodes.map((n) => ({ node: n, placements: placeSources(n, (src) => sourceOffsets[sourceKey(n.name, src)] ?? 0) })), [nodes, sourceOffsets]);
  const [lo, hi] = useMemo(() => {
    let a = 0;
    let b = 1;
    for (const h of hosts) {
      const off = offsets[h.node.name] ?? 0;
      a = Math.min(a, off);
      b = Math.max(b, off + hostDuration(h.placements));
    }
    return [a, b];
  }, [hosts, offsets]);
  const x = useMemo(() => scaleLinear().domain([lo, hi]).range([0, width]), [lo, hi, width]);
  useEffect(() => {
    if (axisRef.current)
      select(axisRef.current).call(
        axisTop(x)
          .ticks(Math.max(2, Math.floor(width / 110)))
          .tickFormat((d) => formatDurationNs(Number(d))) as never,
      );
  }, [x, width]);

  return (
    <div ref={ref} className={styles.cluster} data-testid="cluster-timeline">
      <svg width={width + LABEL_W} height={24} className={styles.axis}>
        <g ref={axisRef} transform={`translate(${LABEL_W},22)`} />
      </svg>
      {hosts.map(({ node: n, placements }) => (
        <div key={n.name} className={`${styles.host} ${selected === n.name ? styles.selectedRow : ''}`} data-testid="timeline-host" data-node={n.name}>
          {placements.map((p, i) => (
            <SourceLane
              key={p.source.name}
              captureId={captureId}
              node={n}
              placement={p}
              first={i === 0}
              hostDurationNs={hostDuration(placements)}
              x={x}
              width={width}
              range={ranges[n.name]}
              offset={offsets[n.name] ?? 0}
              onRange={(r) => onRange(n.name, r)}
              onOffset={(o) => onOffset(n.name, o)}
              onSelect={() => onSelect(n.name)}
              onSourceOffset={(o) => onSourceOffset(n.name, p.source.name, o)}
              sourceOffset={sourceOffsets[sourceKey(n.name, p.source.name)] ?? 0}
            />
          ))}
        </div>
      ))}
    </div>
  );
}

interface RowProps {
  captureId: string;
  node: NodeSummary;
  placement: Placement;
  /** The host's first lane carries its name, offset and range. */
  first: boolean;
  hostDurationNs: number;
  x: ScaleLinear<number, number>;
  width: number;
  /** The host's range, on its own axis. */
  range?: [number, number];
  /** The host's offset on the shared axis. */
  offset: number;
  onRange: (r: [number, number] | null) => void;
  onOffset: (o: number) => void;
  onSelect: () => void;
  /** The user's offset of this source on its host's axis (wall-clock sources only). */
  sourceOffset: number;
  onSourceOffset: (o: number) => void;
}

function SourceLane({ captureId, node, placement, first, hostDurationNs, x, width, range, offset: hostOffset, onRange, onOffset, onSelect, sourceOffset, onSourceOffset }: RowProps) {
  const { source } = placement;
  // Where this source's own times start on the shared axis.
  const offset = hostOffset + placement.offsetNs;
  const span = x(offset + placement.durationNs) - x(offset);
  const buckets = Math.max(20, Math.min(1000, Math.round(span / 3)));
  const { data, error } = useEndpoint(endpoints.timeline, { id: captureId, node: node.name }, { source: source.name, buckets }, { key: [source.version], keepPrevious: true });
  const brushRef = useRef<SVGGElement>(null);
  const behavior = useRef<BrushBehavior<unknown> | null>(null);
  const cb = useRef({ onRange, x, hostOffset, dur: hostDurationNs });
  useEffect(() => {
    cb.current = { onRange, x, hostOffset, dur: hostDurationNs };
  });

  const layout = data ? rowLayout(data) : null;
  const height = layout?.height ?? 40;
  const [hover, setHover] = useState('');

  useEffect(() => {
    const g = brushRef.current;
    if (!g) return;
    const b = brushX<unknown>()
      .extent([
        [0, 0],
        [width, height],
      ])
      .on('end', (event: { selection: [number, number] | null; sourceEvent?: unknown }) => {
        if (!event.sourceEvent) return;
        const { onRange: set, x: sx, hostOffset: off, dur } = cb.current;
        if (!event.selection) return set(null);
        const a = Math.max(0, sx.invert(event.selection[0]) - off);
        const z = Math.min(dur, sx.invert(event.selection[1]) - off);
        set(z > a ? [Math.round(a), Math.round(z)] : null);
      });
    behavior.current = b;
    select(g).call(b as never);
    return () => {
      select(g).on('.brush', null).selectAll('*').remove();
    };
  }, [width, height]);

  useEffect(() => {
    const g = brushRef.current;
    const b = behavior.current;
    if (!g || !b) return;
    b.move(select(g) as never, range ? [x(range[0] + hostOffset), x(range[1] + hostOffset)] : null);
  }, [range, x, hostOffset, height]);

  return (
    <div className={styles.row} data-testid="timeline-row" data-node={node.name} data-source={source.name} data-records={source.samples} data-loaded={data ? 'yes' : 'no'}>
      <div className={styles.label} style={{ width: LABEL_W }}>
        {first && (
          <button className={styles.nodeButton} onClick={onSelect} title="show this host's details">
            {node.name}
          </button>
        )}
        <div className="muted" title={`${source.format}; placed by ${placement.alignment}`}>
          {node.sources.length > 1 || source.name !== source.kind ? `${source.name} · ` : ''}
          {formatCount(source.samples)} records · {formatDurationNs(placement.durationNs)}
          {placement.alignment !== 'kernel clock' && node.sources.length > 1 ? ` · by ${placement.alignment}` : ''}
        </div>
        {first && (
          <OffsetInput word="offset" title="shift this host on the shared axis" label={`offset of ${node.name} in ms`} ns={hostOffset} onChange={onOffset} />
        )}
        {placement.alignment !== 'kernel clock' && node.sources.length > 1 && (
          <OffsetInput
            word="shift"
            title={`shift ${source.name} against this host's other sources (placed by ${placement.alignment})`}
            label={`offset of ${source.name} of ${node.name} in ms`}
            ns={sourceOffset}
            onChange={onSourceOffset}
          />
        )}
        {first && range && (
          <div className={styles.range} data-testid="timeline-range">
            {formatDurationNs(range[0])}–{formatDurationNs(range[1])}{' '}
            <button onClick={() => onRange(null)} style={{ padding: '0 5px' }}>
              ×
            </button>
          </div>
        )}
      </div>
      <div className={styles.plot} style={{ width, height }}>
        {data && layout && <PlotCanvas data={data} layout={layout} x={x} offset={offset} width={width} height={height} />}
        {/* Over the canvas: CPU labels, the legend, the hover text and the brush. */}
        <svg width={width} height={height} className={styles.overlay} onMouseMove={(e) => setHover(data && layout ? describeAt(e, data, layout, x, offset) : '')} onMouseLeave={() => setHover('')}>
          <title>{hover}</title>
          {error && (
            <text x={4} y={14} className={styles.error}>
              {(error as Error).message}
            </text>
          )}
          {data && layout && <PlotLabels data={data} layout={layout} />}
          <g ref={brushRef} />
        </svg>
      </div>
    </div>
  );
}

const ACTIVITY_H = 42;
const SYSCALL_H = 18;
const LANE_H = 9;

function rowLayout(t: Timeline) {
  const sys = t.syscalls ? SYSCALL_H + 4 : 0;
  return { activityTop: 0, syscallTop: ACTIVITY_H + 4, laneTop: ACTIVITY_H + 4 + sys, height: ACTIVITY_H + 4 + sys + t.cpus.length * (LANE_H + 1) + 2 };
}

/** Buckets → x on the shared axis. */
function bucketX(data: Timeline, x: ScaleLinear<number, number>, offset: number) {
  const bx = (b: number) => x(offset + data.fromNs + b * data.bucketNs);
  return { bx, bw: Math.max(1, bx(1) - bx(0)) };
}

const UNKNOWN_FILL = 'rgba(154, 160, 166, 0.45)';

/**
 * The activity bars, syscall bars and CPU lanes of one source, drawn on a canvas: at 32 hosts
 * with several sources each, one SVG element per bucket per series per CPU was hundreds of
 * thousands of nodes. The canvas says what it drew in data attributes (tests read them).
 */
function PlotCanvas({ data, layout, x, offset, width, height }: { data: Timeline; layout: ReturnType<typeof rowLayout>; x: ScaleLinear<number, number>; offset: number; width: number; height: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState({ busy: 0, unknown: 0 });
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(width * dpr));
    canvas.height = Math.max(1, Math.round(height * dpr));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    setDrawn(drawPlot(ctx, data, layout, bucketX(data, x, offset)));
  }, [data, layout, x, offset, width, height]);
  return <canvas ref={ref} style={{ width, height }} className={styles.canvas} data-testid="timeline-canvas" data-busy={drawn.busy} data-unknown={drawn.unknown} />;
}

function drawPlot(ctx: CanvasRenderingContext2D, data: Timeline, layout: ReturnType<typeof rowLayout>, { bx, bw }: ReturnType<typeof bucketX>): { busy: number; unknown: number } {
  let maxTotal = 1;
  for (let b = 0; b < data.buckets; b++) {
    let s = 0;
    for (const series of data.series) s += series.counts[b] ?? 0;
    if (s > maxTotal) maxTotal = s;
  }
  for (let b = 0; b < data.buckets; b++) {
    let y = ACTIVITY_H;
    data.series.forEach((series, i) => {
      const c = series.counts[b] ?? 0;
      if (c === 0) return;
      const h = (c / maxTotal) * ACTIVITY_H;
      y -= h;
      ctx.fillStyle = SERIES_COLORS[i % SERIES_COLORS.length] as string;
      ctx.fillRect(bx(b), y, bw, h);
    });
  }
  if (data.syscalls) {
    const maxCalls = Math.max(1, ...data.syscalls.calls);
    for (let b = 0; b < data.buckets; b++) {
      const calls = data.syscalls.calls[b] ?? 0;
      if (!calls) continue;
      const h = (calls / maxCalls) * SYSCALL_H;
      ctx.fillStyle = '#94a3b8';
      ctx.fillRect(bx(b), layout.syscallTop + SYSCALL_H - h, bw, h);
      const errors = data.syscalls.errors[b] ?? 0;
      if (errors) {
        ctx.fillStyle = '#dc2626';
        ctx.fillRect(bx(b), layout.syscallTop + SYSCALL_H - (errors / maxCalls) * SYSCALL_H, bw, (errors / maxCalls) * SYSCALL_H);
      }
    }
  }
  let busyCells = 0;
  let unknownCells = 0;
  data.cpus.forEach((lane, i) => {
    const y = layout.laneTop + i * (LANE_H + 1);
    for (let b = 0; b < data.buckets; b++) {
      const busy = lane.busy[b] ?? 0;
      const unknown = lane.unknown[b] ?? 0;
      if (unknown > 0.001) {
        // Drawn apart, never as busy: the capture does not say who ran (no record yet, lost records, records that disagree).
        const h = Math.max(1, LANE_H * unknown);
        ctx.fillStyle = UNKNOWN_FILL;
        ctx.fillRect(bx(b), y + LANE_H - h, bw, h);
        unknownCells++;
      }
      if (busy <= 0.001) continue;
      ctx.globalAlpha = 0.25 + 0.75 * busy;
      ctx.fillStyle = frameColor({ n: (lane.top[b] ?? '').replace(/-\d+$/, ''), l: 'user' });
      ctx.fillRect(bx(b), y, bw, LANE_H);
      ctx.globalAlpha = 1;
      busyCells++;
    }
  });
  return { busy: busyCells, unknown: unknownCells };
}

/** What is under the pointer, as text (the overlay's title). */
function describeAt(e: React.MouseEvent, data: Timeline, layout: ReturnType<typeof rowLayout>, x: ScaleLinear<number, number>, offset: number): string {
  const box = (e.currentTarget as Element).getBoundingClientRect();
  const px = e.clientX - box.left;
  const py = e.clientY - box.top;
  const { bx, bw } = bucketX(data, x, offset);
  const b = Math.floor((px - bx(0)) / bw);
  if (b < 0 || b >= data.buckets) return '';
  const at = formatDurationNs(data.fromNs + b * data.bucketNs);
  if (py < ACTIVITY_H) return `${at} · ${data.series.map((s) => `${s.event} ${formatCount(s.counts[b] ?? 0)}`).join(' · ')}`;
  if (data.syscalls && py >= layout.syscallTop && py < layout.syscallTop + SYSCALL_H) return `${at} · ${formatCount(data.syscalls.calls[b] ?? 0)} syscalls, ${formatCount(data.syscalls.errors[b] ?? 0)} errors`;
  const i = Math.floor((py - layout.laneTop) / (LANE_H + 1));
  const lane = data.cpus[i];
  if (!lane) return '';
  const name = lane.cpu < 0 ? `${data.groupedCpus} least busy CPUs (one lane: past the lane budget)` : `cpu${lane.cpu}`;
  const busy = Math.round((lane.busy[b] ?? 0) * 100);
  const unknown = Math.round((lane.unknown[b] ?? 0) * 100);
  const who = lane.top[b] ? ` · mostly ${lane.top[b]}` : '';
  const unknownText = unknown > 0 ? ` · ${unknown}% unknown: the capture does not show who ran (before the CPU's first record, after lost records, or between records that disagree)` : '';
  return `${at} · ${name} · ${busy}% busy${lane.cpu < 0 ? ' on average' : who}${unknownText}`;
}

/** CPU lane names and the legend (a few elements per source, over the canvas). */
function PlotLabels({ data, layout }: { data: Timeline; layout: ReturnType<typeof rowLayout> }) {
  return (
    <g>
      {data.cpus.map((lane, i) => (
        <text key={`l${lane.cpu}`} x={-4} y={layout.laneTop + i * (LANE_H + 1) + LANE_H - 1} textAnchor="end" className={styles.laneLabel}>
          {lane.cpu < 0 ? `${data.groupedCpus} more` : `cpu${lane.cpu}`}
        </text>
      ))}
      <g className={styles.legend}>
        {legend(data.series).map(({ label, x: lx }, i) => (
          <text key={label} x={lx} y={10} fill={SERIES_COLORS[i % SERIES_COLORS.length]}>
            {label}
          </text>
        ))}
      </g>
    </g>
  );
}

/** Legend entries laid out left to right by their text length (10 px bold ≈ 6.4 px per character). */
function legend(series: Timeline['series']): { label: string; x: number }[] {
  let x = 6;
  return series.map((s) => {
    const label = `${s.event} ${formatCount(s.total)}`;
    const at = x;
    x += label.length * 6.4 + 14;
    return { label, x: at };
  });
}

/** A shift in whole milliseconds, kept in nanoseconds. */
function OffsetInput({ word, title, label, ns, onChange }: { word: string; title: string; label: string; ns: number; onChange: (ns: number) => void }) {
  return (
    <label className="muted" title={title}>
      {word}{' '}
      <input type="number" step={1} value={Math.round(ns / 1e6)} onChange={(e) => onChange(Number(e.target.value) * 1e6 || 0)} className={styles.offset} aria-label={label} />{' '}
      ms
    </label>
  );
}
