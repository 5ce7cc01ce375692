/**
 * Subsecond-offset heatmap cells (FlameScope's layout): column = which window of `colNs` a time
 * falls in, row = its offset inside the window in steps of `rowNs`. One definition for the
 * heatmap, the selection of its samples, and the labels drawn on it.
 */
export const CELL = { col: 0, row: 0 };

/** Sets CELL to the cell of time `t` (ns); `rows` is the number of rows per column. */
export function cellOf(t: number, colNs: number, rowNs: number, rows: number): typeof CELL {
  const col = Math.floor(t / colNs);
  CELL.col = col;
  CELL.row = Math.min(rows - 1, Math.floor((t - col * colNs) / rowNs));
  return CELL;
}

/** Rows per column of a selection (colNs is a whole number of rows). */
export function rowsPerColumn(colNs: number, rowNs: number): number {
  return Math.round(colNs / rowNs);
}
