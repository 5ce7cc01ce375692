/**
 * Append-only typed-array columns that double in capacity. The profile builder keeps its hot
 * data in these; `view()` hands out a right-sized copy when the builder freezes.
 */
type TypedArray = Float64Array | Int32Array | Uint32Array | Uint16Array | Int16Array | Uint8Array;
type TypedArrayCtor<T extends TypedArray> = { new (length: number): T };

export class Growable<T extends TypedArray> {
  private data: T;
  length = 0;

  constructor(private readonly ctor: TypedArrayCtor<T>, initialCapacity = 1024) {
    this.data = new ctor(initialCapacity);
  }

  push(value: number): number {
    if (this.length === this.data.length) this.grow();
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

  private grow(): void {
    const next = new this.ctor(Math.max(16, this.data.length * 2));
    next.set(this.data as never);
    this.data = next;
  }
}
