/**
 * An append-only column of numbers in a typed array that doubles when full: a row of a few
 * numbers costs their bytes (8 for a time, 4 for an id, 1 for a code) instead of 8 each plus a
 * JS array's slack.
 */
type NumberArray = Float64Array | Uint32Array | Int32Array | Uint8Array;

export class GrowableColumn<A extends NumberArray> {
  private data: A;
  private n = 0;

  constructor(private readonly make: (size: number) => A) {
    this.data = make(1024);
  }

  push(value: number): void {
    if (this.n === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data as never);
      this.data = bigger;
    }
    this.data[this.n++] = value;
  }

  get length(): number {
    return this.n;
  }

  /** The values so far (a view: valid until the next push). */
  view(): A {
    return this.data.subarray(0, this.n) as A;
  }
}

export const float64Column = (): GrowableColumn<Float64Array> => new GrowableColumn((n) => new Float64Array(n));
export const int32Column = (): GrowableColumn<Int32Array> => new GrowableColumn((n) => new Int32Array(n));
export const uint32Column = (): GrowableColumn<Uint32Array> => new GrowableColumn((n) => new Uint32Array(n));
export const uint8Column = (): GrowableColumn<Uint8Array> => new GrowableColumn((n) => new Uint8Array(n));

/**
 * A column indexed by a dense id (see Identities): reads past the end are 0, writes grow it.
 * A per-key counter costs its bytes instead of a Map entry and an object.
 */
export class IdColumn<A extends NumberArray> {
  private data: A;

  constructor(private readonly make: (size: number) => A) {
    this.data = make(1024);
  }

  get(id: number): number {
    return id < this.data.length ? this.data[id]! : 0;
  }

  set(id: number, value: number): void {
    if (id >= this.data.length) this.grow(id);
    this.data[id] = value;
  }

  add(id: number, delta: number): void {
    if (id >= this.data.length) this.grow(id);
    this.data[id] = this.data[id]! + delta;
  }

  /** Ids 0 … length-1 may hold values; the rest are 0. */
  get length(): number {
    return this.data.length;
  }

  private grow(id: number): void {
    let size = this.data.length * 2;
    while (size <= id) size *= 2;
    const bigger = this.make(size);
    bigger.set(this.data as never);
    this.data = bigger;
  }
}
