'use client';
import { useCallback, useMemo } from 'react';
import type { CellSelection, SubsecondHeatmap } from '@/lib/api/schemas';
import { formatDurationNs } from '@/lib/viz/format';
import { heatColor } from '@/lib/viz/heat';
import { HeatGrid } from './HeatGrid';

/** Samples inside a selection of the grid. */
export function selectedCount(h: SubsecondHeatmap, s: CellSelection): number {
  let n = 0;
  for (let c = s.c0; c <= s.c1 && c < h.cols; c++) for (let r = s.r0; r <= s.r1 && r < h.rows; r++) n += h.counts[c * h.rows + r] ?? 0;
  return n;
}

/**
 * FlameScope's subsecond-offset heatmap: each column is a time window, each row an offset in
 * it; drag a rectangle to see the flame graph of exactly those samples.
 */
export function Subsecond({ data, selection, onSelect, width }: { data: SubsecondHeatmap; selection?: CellSelection; onSelect: (s: CellSelection | undefined) => void; width: number }) {
  const cellWidth = Math.max(3, Math.min(40, Math.floor((width - 10) / data.cols)));
  const cellHeight = data.rows > 60 ? 3 : 6;
  const value = useCallback((c: number, r: number) => data.counts[c * data.rows + r] ?? 0, [data]);
  // A selection made on another grid (different column width) does not apply here.
  const own = selection && selection.colNs === data.colNs && selection.rowNs === data.rowNs ? selection : undefined;
  const count = useMemo(() => (own ? selectedCount(data, own) : 0), [data, own]);
  return (
    <div>
      <div className="muted" style={{ fontSize: 12, marginBottom: 4 }}>
        columns of {formatDurationNs(data.colNs)}, rows of {formatDurationNs(data.rowNs)} · {data.total} samples
        {own && (
          <>
            {' '}
            · <strong data-testid="heatmap-selected">{count}</strong> selected{' '}
            <button onClick={() => onSelect(undefined)} style={{ padding: '0 6px' }}>
              clear
            </button>
          </>
        )}
      </div>
      <HeatGrid
        cols={data.cols}
        rows={data.rows}
        value={value}
        max={data.max}
        color={heatColor}
        cellWidth={cellWidth}
        cellHeight={cellHeight}
        describe={({ col, row }) =>
          `${formatDurationNs(col * data.colNs)} + ${formatDurationNs(row * data.rowNs)}: ${data.counts[col * data.rows + row] ?? 0} samples`
        }
        selection={own ?? null}
        onSelect={(s) => onSelect(s ? { colNs: data.colNs, rowNs: data.rowNs, ...s } : undefined)}
        testId="subsecond"
      />
    </div>
  );
}
