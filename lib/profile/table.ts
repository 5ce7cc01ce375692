/**
 * Tables declared once. A table is parallel typed arrays of one length, declared as an object of
 * column name → typed-array kind (with each column's doc comment on its line), in the spirit of
 * the Firefox Profiler's `src/types/profile.ts`. Everything else is derived from that object:
 * the table's type (`Table<typeof DECL>`), its growable builder (`TableBuilder`), the frozen
 * right-sized table, the empty table, its byte size, the permutation (`permuteTable` in
 * columns.ts) and the binary codec's column list (serialize.ts).
 */
import { grown, nextCapacity } from '../util/growable';

/** The typed-array kind of each column. */
export interface ColumnArrays {
  f64: Float64Array;
  i32: Int32Array;
  u32: Uint32Array;
  u16: Uint16Array;
  u8: Uint8Array;
}
export type ColumnKind = keyof ColumnArrays;
export type Column = ColumnArrays[ColumnKind];
export const COLUMN_KINDS: readonly ColumnKind[] = ['f64', 'i32', 'u32', 'u16', 'u8'];

/** A table's declaration: column name → kind, in storage order. */
export type Schema = { readonly [column: string]: ColumnKind };

/** The frozen table of a declaration: its row count and one array per column, of the declared kind. */
export type Table<S extends Schema> = { readonly length: number } & { readonly [C in keyof S]: ColumnArrays[S[C]] };

/** The (mutable) columns of a table being built. */
export type Columns<S extends Schema> = { [C in keyof S]: ColumnArrays[S[C]] };

/** Declares a table: `export const SAMPLE_COLUMNS = declareTable({ /** doc *\/ timeNs: 'f64', … })`. */
export function declareTable<const S extends Schema>(columns: S): S {
  return Object.freeze(columns);
}

/** A zero-filled column of `kind` and `length` elements. */
export function makeColumn(kind: ColumnKind, length: number): Column {
  switch (kind) {
    case 'f64':
      return new Float64Array(length);
    case 'i32':
      return new Int32Array(length);
    case 'u32':
      return new Uint32Array(length);
    case 'u16':
      return new Uint16Array(length);
    case 'u8':
      return new Uint8Array(length);
  }
}

/** The kind of a typed array, or undefined when it is none of the column kinds. */
export function kindOf(array: unknown): ColumnKind | undefined {
  if (array instanceof Float64Array) return 'f64';
  if (array instanceof Int32Array) return 'i32';
  if (array instanceof Uint32Array) return 'u32';
  if (array instanceof Uint16Array) return 'u16';
  if (array instanceof Uint8Array) return 'u8';
  return undefined;
}

/** The column names of a declaration, in declaration (and storage) order. */
export function columnNames<S extends Schema>(schema: S): (keyof S & string)[] {
  return Object.keys(schema);
}

/** One column of a table, found by name (for code that walks declarations, e.g. the codec). */
export function columnOf(table: { readonly length: number }, name: string): Column {
  const c = (table as unknown as Readonly<Record<string, unknown>>)[name];
  if (kindOf(c) === undefined) throw new Error(`table has no column ${name}`);
  return c as Column;
}

/**
 * A frozen table of `length` rows whose columns come from `column(name, kind)` (each must hold
 * `length` elements of the declared kind). Every table is made here, so all tables of one
 * declaration share one object shape.
 */
export function makeTable<S extends Schema>(schema: S, length: number, column: (name: keyof S & string, kind: ColumnKind) => Column): Table<S> {
  const out: Record<string, number | Column> = { length };
  for (const name of columnNames(schema)) {
    const kind = schema[name] as ColumnKind;
    const c = column(name, kind);
    if (kindOf(c) !== kind || c.length !== length) throw new Error(`column ${name}: ${kindOf(c) ?? 'not a column'}[${c.length}], declared ${kind}[${length}]`);
    out[name] = c;
  }
  return Object.freeze(out) as Table<S>;
}

/** A table without rows. */
export function emptyTable<S extends Schema>(schema: S): Table<S> {
  return makeTable(schema, 0, (_, kind) => makeColumn(kind, 0));
}

/** Bytes held by a table's columns. */
export function tableBytes(schema: Schema, table: { readonly length: number }): number {
  let n = 0;
  for (const name of columnNames(schema)) n += columnOf(table, name).byteLength;
  return n;
}

/**
 * A growable table: its columns share one capacity and grow together. Appending is two steps so
 * each column is written at its own (monomorphic) site:
 *
 *     const i = t.append();
 *     const c = t.cols;      // read after append(): growing replaces the arrays
 *     c.timeNs[i] = timeNs;
 *
 * Never write columns through a loop over the declaration on a hot path: one site seeing five
 * array kinds is megamorphic in V8, several times slower.
 */
export class TableBuilder<S extends Schema> {
  length = 0;
  /** Columns at capacity (rows ≥ length are zeros); the object stays, its arrays are replaced on growth. */
  readonly cols: Columns<S>;
  private capacity: number;

  constructor(
    readonly schema: S,
    initialCapacity = 1024,
  ) {
    this.capacity = Math.max(16, initialCapacity);
    const cols: Record<string, Column> = {};
    for (const name of columnNames(schema)) cols[name] = makeColumn(schema[name] as ColumnKind, this.capacity);
    this.cols = cols as Columns<S>;
  }

  /** Adds a zero row and returns its index; write its columns through `cols`. */
  append(): number {
    if (this.length === this.capacity) this.grow();
    return this.length++;
  }

  /** The rows so far as a frozen, right-sized table (copies: the builder may go on appending). */
  toTable(): Table<S> {
    const cols = this.cols as Record<string, Column>;
    return makeTable(this.schema, this.length, (name) => (cols[name] as Column).slice(0, this.length));
  }

  /**
   * The rows as a table, ending the builder: each column is right-sized (a copy, unless it is
   * full) and the builder lets go of it at once, so building never holds two copies of every
   * column at the same time. The builder is empty afterwards.
   */
  finish(): Table<S> {
    const cols = this.cols as Record<string, Column>;
    const n = this.length;
    const table = makeTable(this.schema, n, (name, kind) => {
      const c = cols[name] as Column;
      cols[name] = makeColumn(kind, 0);
      return c.length === n ? c : c.slice(0, n);
    });
    this.length = 0;
    this.capacity = 0;
    return table;
  }

  private grow(): void {
    this.capacity = nextCapacity(this.capacity);
    const cols = this.cols as Record<string, Column>;
    for (const name of columnNames(this.schema)) cols[name] = grown(cols[name] as Column, this.capacity);
  }
}
