'use client';
import { brush as d3brush, select, type BrushBehavior } from 'd3';
import { useEffect, useRef, useState } from 'react';

export interface GridCell {
  col: number;
  row: number;
}

export interface HeatGridProps {
  cols: number;
  rows: number;
  /** value(col, row) ≥ 0 */
  value: (col: number, row: number) => number;
  max: number;
  /** Colour of a cell from its value relative to max (0..1]. */
  color: (fraction: number) => string;
  cellWidth: number;
  cellHeight: number;
  /** Describes a cell for the hover line (text only). */
  describe?: (cell: GridCell) => string;
  onCellClick?: (cell: GridCell) => void;
  /** Rectangle selection (inclusive cells); enables a 2-D brush. */
  selection?: { c0: number; c1: number; r0: number; r1: number } | null;
  onSelect?: (sel: { c0: number; c1: number; r0: number; r1: number } | null) => void;
  testId?: string;
}

/**
 * A heatmap drawn on a canvas (tens of thousands of cells stay cheap), with an optional d3
 * brush for rectangle selection snapped to cells, and a text hover line.
 */
export function HeatGrid({ cols, rows, value, max, color, cellWidth, cellHeight, describe, onCellClick, selection, onSelect, testId }: HeatGridProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const brushRef = useRef<BrushBehavior<unknown> | null>(null);
  const onSelectRef = useRef(onSelect);
  const [hover, setHover] = useState<string>('');
  const width = cols * cellWidth;
  const height = rows * cellHeight;

  useEffect(() => {
    onSelectRef.current = onSelect;
  });

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(width * dpr));
    canvas.height = Math.max(1, Math.round(height * dpr));
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    // The page's panel colour (light or dark, as the OS is set).
    ctx.fillStyle = getComputedStyle(canvas).getPropertyValue('--panel').trim() || '#f8fafc';
    ctx.fillRect(0, 0, width, height);
    for (let c = 0; c < cols; c++) {
      for (let r = 0; r < rows; r++) {
        const v = value(c, r);
        if (v <= 0) continue;
        ctx.fillStyle = color(max > 0 ? v / max : 0);
        ctx.fillRect(c * cellWidth, r * cellHeight, Math.max(1, cellWidth - (cellWidth > 3 ? 0.5 : 0)), Math.max(1, cellHeight - (cellHeight > 3 ? 0.5 : 0)));
      }
    }
  }, [cols, rows, value, max, color, cellWidth, cellHeight, width, height]);

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg || !onSelectRef.current) return;
    const b = d3brush<unknown>()
      .extent([
        [0, 0],
        [width, height],
      ])
      .on('end', (event: { selection: [[number, number], [number, number]] | null; sourceEvent?: unknown }) => {
        if (!event.sourceEvent) return; // our own programmatic moves
        if (!event.selection) return onSelectRef.current?.(null);
        const [[x0, y0], [x1, y1]] = event.selection;
        const sel = {
          c0: Math.max(0, Math.floor(x0 / cellWidth)),
          c1: Math.min(cols - 1, Math.floor((x1 - 0.001) / cellWidth)),
          r0: Math.max(0, Math.floor(y0 / cellHeight)),
          r1: Math.min(rows - 1, Math.floor((y1 - 0.001) / cellHeight)),
        };
        onSelectRef.current?.(sel);
      });
    brushRef.current = b;
    select(svg).call(b as never);
    return () => {
      select(svg).on('.brush', null).selectAll('*').remove();
    };
  }, [width, height, cellWidth, cellHeight, cols, rows]);

  useEffect(() => {
    const svg = svgRef.current;
    const b = brushRef.current;
    if (!svg || !b) return;
    const g = select(svg) as never as Parameters<BrushBehavior<unknown>['move']>[0];
    if (selection) {
      b.move(g, [
        [selection.c0 * cellWidth, selection.r0 * cellHeight],
        [(selection.c1 + 1) * cellWidth, (selection.r1 + 1) * cellHeight],
      ]);
    } else {
      b.move(g, null);
    }
  }, [selection, cellWidth, cellHeight, width, height]);

  const cellAt = (e: React.MouseEvent): GridCell | null => {
    const box = (e.currentTarget as Element).getBoundingClientRect();
    const col = Math.floor((e.clientX - box.left) / cellWidth);
    const row = Math.floor((e.clientY - box.top) / cellHeight);
    return col >= 0 && col < cols && row >= 0 && row < rows ? { col, row } : null;
  };

  return (
    <div>
      <div
        style={{ position: 'relative', width, height, cursor: onCellClick ? 'pointer' : onSelect ? 'crosshair' : 'default' }}
        onMouseMove={(e) => {
          const c = cellAt(e);
          setHover(c && describe ? describe(c) : '');
        }}
        onMouseLeave={() => setHover('')}
        onClick={(e) => {
          const c = cellAt(e);
          if (c && onCellClick) onCellClick(c);
        }}
        data-testid={testId}
      >
        <canvas ref={canvasRef} style={{ width, height, display: 'block' }} />
        {onSelect && <svg ref={svgRef} width={width} height={height} style={{ position: 'absolute', left: 0, top: 0 }} />}
      </div>
      <div className="muted mono" style={{ minHeight: 16, fontSize: 11 }} data-testid={testId ? `${testId}-hover` : undefined}>
        {hover}
      </div>
    </div>
  );
}
