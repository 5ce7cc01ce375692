/**
 * The reordering and slicing done when the builder freezes: a stable time sort, permutation of
 * whole tables, CPU slices from the builder's context switches, and the event type summary.
 */
import { columnOf, makeTable, type Column, type Schema, type Table } from './table';
import { SYSCALL_COLUMNS, SyscallFlag, type EventType, type SampleTable, type SyscallTable, type ValueUnit } from './types';

/**
 * Indices of `time` in stable ascending order. Captures are sorted runs (several recordings
 * pasted together, or clock restarts), so a natural merge sort is close to linear.
 */
export function stableTimeOrder(time: Float64Array): Uint32Array {
  const n = time.length;
  let src = new Uint32Array(n);
  let dst = new Uint32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  const runs: number[] = [0];
  for (let i = 1; i < n; i++) if ((time[i] as number) < (time[i - 1] as number)) runs.push(i);
  runs.push(n);
  while (runs.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < runs.length; r += 2) {
      const lo = runs[r] as number;
      const mid = runs[r + 1] as number;
      const hi = r + 2 < runs.length ? (runs[r + 2] as number) : mid;
      let a = lo;
      let b = mid;
      let o = lo;
      while (a < mid && b < hi) dst[o++] = (time[src[b] as number] as number) < (time[src[a] as number] as number) ? (src[b++] as number) : (src[a++] as number);
      while (a < mid) dst[o++] = src[a++] as number;
      while (b < hi) dst[o++] = src[b++] as number;
      next.push(hi);
    }
    if (next[next.length - 1] !== n) next.push(n);
    [src, dst] = [dst, src];
    runs.length = 0;
    for (const r of next) runs.push(r);
  }
  return src;
}

/**
 * Reorders a column. The gather loop is written once per array type: a single generic loop
 * sees five element kinds and V8 makes it megamorphic (several times slower on big captures).
 */
export function permute<T extends Column>(src: T, order: Uint32Array): T {
  const out = src.slice() as T;
  if (src instanceof Float64Array) gatherF64(out as Float64Array, src, order);
  else if (src instanceof Int32Array) gatherI32(out as Int32Array, src, order);
  else if (src instanceof Uint32Array) gatherU32(out as Uint32Array, src, order);
  else if (src instanceof Uint16Array) gatherU16(out as Uint16Array, src, order);
  else gatherU8(out as Uint8Array, src as Uint8Array, order);
  return out;
}
function gatherF64(out: Float64Array, src: Float64Array, order: Uint32Array): void {
  for (let i = 0; i < order.length; i++) out[i] = src[order[i] as number] as number;
}
function gatherI32(out: Int32Array, src: Int32Array, order: Uint32Array): void {
  for (let i = 0; i < order.length; i++) out[i] = src[order[i] as number] as number;
}
function gatherU32(out: Uint32Array, src: Uint32Array, order: Uint32Array): void {
  for (let i = 0; i < order.length; i++) out[i] = src[order[i] as number] as number;
}
function gatherU16(out: Uint16Array, src: Uint16Array, order: Uint32Array): void {
  for (let i = 0; i < order.length; i++) out[i] = src[order[i] as number] as number;
}
function gatherU8(out: Uint8Array, src: Uint8Array, order: Uint32Array): void {
  for (let i = 0; i < order.length; i++) out[i] = src[order[i] as number] as number;
}

/** A table with its rows in `order` (row k of the result is row order[k] of `table`). */
export function permuteTable<S extends Schema>(schema: S, table: Table<S>, order: Uint32Array): Table<S> {
  return makeTable(schema, order.length, (name) => permute(columnOf(table, name), order));
}

/** Shifts syscall starts to be relative to `minT` (in place) and sorts the table by start, stably. */
export function sortSyscalls(sys: SyscallTable, minT: number): SyscallTable {
  const start = sys.startNs;
  const n = sys.length;
  for (let i = 0; i < n; i++) {
    const t = start[i] as number;
    start[i] = Number.isNaN(t) ? 0 : t - minT; // untimed captures: everything at 0
    // In flight at the start: the builder holds the return's time; the row spans the time seen.
    if ((sys.flags[i] as number) & SyscallFlag.InFlight) {
      sys.durationNs[i] = start[i] as number;
      start[i] = 0;
    }
  }
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if ((start[i] as number) < (start[i - 1] as number)) sorted = false;
  return sorted ? sys : permuteTable(SYSCALL_COLUMNS, sys, stableTimeOrder(start));
}

/**
 * Sample count, total weight and unit of each event type: the unit its parser declared, or
 * 'samples' when the total weight is the sample count (every weight 1: no period was printed).
 */
export function eventTypes(names: readonly string[], declared: readonly ValueUnit[], samples: SampleTable, derived: ReadonlySet<number> = new Set()): EventType[] {
  const count = new Array<number>(names.length).fill(0);
  const total = new Array<number>(names.length).fill(0);
  const { event, weight } = samples;
  for (let i = 0; i < event.length; i++) {
    const e = event[i] as number;
    count[e] = (count[e] as number) + 1;
    total[e] = (total[e] as number) + (weight[i] as number);
  }
  return names.map((name, i) => {
    const n = count[i] as number;
    const w = total[i] as number;
    const unit = w === n ? 'samples' : (declared[i] ?? 'events');
    return derived.has(i) ? { name, samples: n, weight: w, unit, derived: true } : { name, samples: n, weight: w, unit };
  });
}
