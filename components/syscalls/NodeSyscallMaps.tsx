'use client';
import { useCallback } from 'react';
import type { LatencyHeatmap, NodeSyscallHeatmap } from '@/lib/api/schemas';
import { latencyBucketLowNs } from '@/lib/util/latency';
import { formatCount, formatDurationNs } from '@/lib/viz/format';
import { heatColor, syscallColor } from '@/lib/viz/heat';
import { HeatGrid } from '../heatmap/HeatGrid';

const LABEL_W = 120;

/** One node's syscalls over time: a row per syscall; click a row to see its latency heatmap. */
export function SyscallTimeMap({ data, width, onPick, picked }: { data: NodeSyscallHeatmap; width: number; onPick: (name: string) => void; picked?: string }) {
  const cellWidth = Math.max(2, Math.floor((width - LABEL_W) / data.buckets));
  const max = Math.max(0, ...data.rows.flatMap((r) => r.values));
  const value = useCallback((c: number, r: number) => data.rows[r]?.values[c] ?? 0, [data]);
  const fmt = (v: number) => (data.metric === 'time' ? formatDurationNs(v) : formatCount(v));
  return (
    <div style={{ display: 'flex' }}>
      <div style={{ width: LABEL_W, flex: 'none' }}>
        {data.rows.map((r) => (
          <div key={r.name} className="mono" style={{ height: 12, fontSize: 10, lineHeight: '12px', cursor: 'pointer', fontWeight: r.name === picked ? 700 : 400 }} onClick={() => onPick(r.name)}>
            {r.name}
          </div>
        ))}
      </div>
      <HeatGrid
        cols={data.buckets}
        rows={data.rows.length}
        value={value}
        max={max}
        color={syscallColor}
        cellWidth={cellWidth}
        cellHeight={12}
        describe={({ col, row }) => {
          const r = data.rows[row];
          return r ? `${r.name} at ${formatDurationNs(data.fromNs + col * data.bucketNs)}: ${fmt(r.values[col] ?? 0)} ${data.metric}` : '';
        }}
        onCellClick={({ row }) => {
          const r = data.rows[row];
          if (r) onPick(r.name);
        }}
        testId="syscall-time"
      />
    </div>
  );
}

/** Every fifth latency row labelled with its lower bound (the first: everything faster than the second). */
const LATENCY_LABELS: Record<number, string> = Object.fromEntries(
  [0, 5, 10, 15, 20].map((b) => [b, b === 0 ? `<${formatDurationNs(latencyBucketLowNs(1))}` : formatDurationNs(latencyBucketLowNs(b))]),
);

/** One syscall's latencies over time (rows are powers of two, fastest at the bottom). */
/** Time × log-latency counts, of syscall durations or scheduler latencies. */
type LatencyCounts = Pick<LatencyHeatmap, 'fromNs' | 'bucketNs' | 'buckets' | 'latencyBuckets' | 'counts' | 'max'>;

export function LatencyMap({ data, width, caption, what = 'calls', testId = 'latency' }: { data: LatencyCounts; width: number; caption: string; what?: string; testId?: string }) {
  const rows = data.latencyBuckets;
  const cellWidth = Math.max(2, Math.floor((width - 60) / data.buckets));
  const value = useCallback((c: number, r: number) => data.counts[c * rows + (rows - 1 - r)] ?? 0, [data, rows]);
  return (
    <div>
      <div className="muted" style={{ fontSize: 12 }}>
        {caption}
      </div>
      <div style={{ display: 'flex' }}>
        <div style={{ width: 56, flex: 'none', position: 'relative', height: rows * 8 }}>
          {Object.entries(LATENCY_LABELS).map(([b, label]) => (
            <div key={b} className="muted" style={{ position: 'absolute', right: 4, top: (rows - 1 - Number(b)) * 8 - 3, fontSize: 9 }}>
              {label}
            </div>
          ))}
        </div>
        <HeatGrid
          cols={data.buckets}
          rows={rows}
          value={value}
          max={data.max}
          color={heatColor}
          cellWidth={cellWidth}
          cellHeight={8}
          describe={({ col, row }) => {
            const b = rows - 1 - row;
            return `${formatDurationNs(data.fromNs + col * data.bucketNs)}: ${data.counts[col * rows + b] ?? 0} ${what} of ${formatDurationNs(b === 0 ? 0 : 2 ** (b + 10))}–${formatDurationNs(2 ** (b + 11))}`;
          }}
          testId={testId}
        />
      </div>
    </div>
  );
}
