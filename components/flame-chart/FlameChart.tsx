'use client';
import { useEffect, useMemo, useRef, useState } from 'react';
import { endpoints } from '@/lib/api/endpoints';
import type { FlameChartAnswer } from '@/lib/api/schemas';
import { useEndpoint } from '@/lib/client/queries';
import { useWidth } from '@/lib/client/use-width';
import { compileSearch } from '@/lib/util/frame-search';
import { frameColor, HIGHLIGHT_COLOR, KIND_LABELS } from '@/lib/viz/colors';
import { formatCount, formatDurationNs } from '@/lib/viz/format';
import { sourceRange, type Placement } from '@/lib/viz/hosts';
import styles from './FlameChart.module.css';

const ROW = 16;
const MAX_ROWS = 60;

interface Props {
  captureId: string;
  node: string;
  /** The host's stacks source and where it sits on the host's axis. */
  placement: Placement;
  event?: string;
  search: string;
  /** The host's chosen time range (host axis), if any. */
  range?: [number, number];
  /** The thread shown: a tid, `all`, or undefined for the busiest. */
  thread?: number | 'all';
  onThread: (thread: number | 'all' | undefined) => void;
  /** Narrow the host's range (host axis): a click on a cell zooms to it. */
  onRange: (range: [number, number] | undefined) => void;
}

/**
 * The time-ordered flame chart of one host's stacks (speedscope's Time Order, Perfetto's slices):
 * samples left to right at their times, one thread at a time (the busiest by default). Drawn on
 * a canvas; names are capture text, drawn with fillText and shown in React text, never as markup.
 */
export function FlameChart({ captureId, node, placement, event, search, range, thread, onThread, onRange }: Props) {
  const [wrapRef, width] = useWidth<HTMLDivElement>(900);
  const src = sourceRange(range, placement);
  const [fromNs, toNs] = src === null ? [0, 0] : [src?.[0], src?.[1]];
  const { data, error } = useEndpoint(
    endpoints.flameChart,
    { id: captureId, node },
    { source: placement.source.name, event, fromNs, toNs, thread, width: Math.max(100, Math.round(width)) },
    { key: [placement.source.version], keepPrevious: true },
  );
  return (
    <section className="panel" data-testid="flame-chart">
      <h3>
        Time order · <span className="mono">{node}</span>{' '}
        <select value={thread === undefined ? '' : String(thread)} onChange={(e) => onThread(e.target.value === '' ? undefined : e.target.value === 'all' ? 'all' : Number(e.target.value))} aria-label="thread" data-testid="chart-thread">
          <option value="">busiest thread{data?.tid != null && thread === undefined ? ` (${data.tid})` : ''}</option>
          <option value="all">all threads, interleaved</option>
          {data?.threads.map((t) => (
            <option key={t.tid} value={t.tid}>
              {t.comm} {t.pid}/{t.tid} · {formatCount(t.samples)} samples
            </option>
          ))}
        </select>
        {range && (
          <button onClick={() => onRange(undefined)} style={{ marginLeft: 8 }} data-testid="chart-reset">
            Whole source
          </button>
        )}
      </h3>
      <p className="muted" style={{ fontSize: 12, margin: '0 0 6px' }}>
        Samples in time order; a frame spans consecutive samples with it on the stack. Click a frame to narrow the host&apos;s range to it (the flame graph follows). Transforms do not apply here.
        {data && ` ${formatCount(data.samples)} samples, ${formatDurationNs(data.toNs - data.fromNs)}${data.hidden > 0 ? `; ${formatCount(data.hidden)} frames narrower than a pixel left out` : ''}${data.truncated ? ' (cell budget reached: narrow the range)' : ''}.`}
      </p>
      <div ref={wrapRef}>
        {error ? <p className="error">{(error as Error).message}</p> : !data ? <p className="muted">loading…</p> : data.samples === 0 ? <p className="muted">No samples of this thread in the range.</p> : <Chart data={data} width={width} search={search} onPick={(s, e) => onRange([s + placement.offsetNs, e + placement.offsetNs])} />}
      </div>
    </section>
  );
}

interface Hover {
  i: number;
  x: number;
  y: number;
}

function Chart({ data, width, search, onPick }: { data: FlameChartAnswer; width: number; search: string; onPick: (startNs: number, endNs: number) => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<Hover | null>(null);
  const rows = Math.min(MAX_ROWS, 1 + data.depth.reduce((m, d) => Math.max(m, d), 0));
  const height = rows * ROW;
  const span = Math.max(1, data.toNs - data.fromNs);
  const matched = useMemo(() => {
    const term = search.trim();
    if (!term) return null;
    const test = compileSearch(term).test;
    return data.names.map((n) => test(n));
  }, [data.names, search]);

  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = '11px ui-monospace, monospace';
    ctx.textBaseline = 'middle';
    const sx = width / span;
    for (let i = 0; i < data.depth.length; i++) {
      const d = data.depth[i] as number;
      if (d >= rows) continue;
      const x0 = ((data.start[i] as number) - data.fromNs) * sx;
      const w = Math.max(0.5, ((data.end[i] as number) - (data.start[i] as number)) * sx);
      const name = data.names[data.name[i] as number] as string;
      ctx.fillStyle = matched?.[data.name[i] as number] ? HIGHLIGHT_COLOR : frameColor({ n: name, l: data.kind[i] ?? 'user' });
      ctx.fillRect(x0, d * ROW, w - (w > 2 ? 0.5 : 0), ROW - 1);
      if (w > 24) {
        ctx.fillStyle = '#000';
        ctx.save();
        ctx.beginPath();
        ctx.rect(x0 + 2, d * ROW, w - 4, ROW);
        ctx.clip();
        ctx.fillText(name, x0 + 3, d * ROW + ROW / 2);
        ctx.restore();
      }
    }
  }, [data, width, height, rows, span, matched]);

  const cellAt = (px: number, py: number): number => {
    const d = Math.floor(py / ROW);
    const t = data.fromNs + (px / width) * span;
    for (let i = 0; i < data.depth.length; i++) if (data.depth[i] === d && (data.start[i] as number) <= t && t < (data.end[i] as number)) return i;
    return -1;
  };
  const at = (e: React.MouseEvent) => {
    const box = (e.target as HTMLCanvasElement).getBoundingClientRect();
    return { px: e.clientX - box.left, py: e.clientY - box.top };
  };
  const h = hover && hover.i >= 0 ? hover : null;
  return (
    <div className={styles.wrap}>
      <canvas
        ref={ref}
        style={{ width, height }}
        data-testid="flame-chart-canvas"
        data-cells={data.depth.length}
        onMouseMove={(e) => {
          const { px, py } = at(e);
          setHover({ i: cellAt(px, py), x: px, y: py });
        }}
        onMouseLeave={() => setHover(null)}
        onClick={(e) => {
          const { px, py } = at(e);
          const i = cellAt(px, py);
          if (i >= 0) onPick(data.start[i] as number, data.end[i] as number);
        }}
      />
      {h && (
        <div className={styles.tip} style={{ left: Math.min(h.x + 12, Math.max(0, width - 300)), top: h.y + 14 }} role="tooltip" data-testid="chart-tooltip">
          <div className="mono">{data.names[data.name[h.i] as number]}</div>
          <div>
            {formatDurationNs((data.end[h.i] as number) - (data.start[h.i] as number))} from {formatDurationNs((data.start[h.i] as number) - data.fromNs)} · {KIND_LABELS[data.kind[h.i] ?? 'user']}
          </div>
        </div>
      )}
      <div className={styles.axis}>
        <span>{formatDurationNs(data.fromNs)}</span>
        <span>{formatDurationNs(data.toNs)}</span>
      </div>
    </div>
  );
}
