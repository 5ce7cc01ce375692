/**
 * Append-only typed-array columns that double in capacity. The profile builder keeps its hot
 * data in these (one `Growable` per column, or a table of columns sharing one capacity that
 * grow together through `grown`); `toArray()` hands out a right-sized copy when it freezes.
 */
export type TypedArray = Float64Array | Int32Array | Uint32Array | Uint16Array | Int16Array | Uint8Array;
type TypedArrayCtor<T extends TypedArray> = { new (length: number): T };

/** A copy of `data` with room for `capacity` elements (the same type; `capacity` ≥ its length). */
export function grown<T extends TypedArray>(data: T, capacity: number): T {
  const next = new (data.constructor as TypedArrayCtor<T>)(capacity);
  next.set(data as never);
  return next;
}

/** The next capacity of a doubling column. */
export function nextCapacity(capacity: number): number {
  return Math.max(16, capacity * 2);
}

export class Growable<T extends TypedArray> {
  private data: T;
  length = 0;

  constructor(private readonly ctor: TypedArrayCtor<T>, initialCapacity = 1024) {
    this.data = new ctor(initialCapacity);
  }

  push(value: number): number {
    if (this.length === this.data.length) this.data = grown(this.data, nextCapacity(this.data.length));
    this.data[this.length] = value;
    return this.length++;
  }

  get(index: number): number {
    return this.data[index] as number;
  }

  set(index: number, value: number): void {
    this.data[index] = value;
  }

  /** A copy trimmed to the used length. */
  toArray(): T {
    const out = new this.ctor(this.length);
    out.set(this.data.subarray(0, this.length) as never);
    return out;
  }
}
