/**
 * One copy of each account and IP string for a whole scan.
 *
 * A string a parser cuts out of a line is, in V8, a slice that keeps the whole line alive; a map
 * of a million accounts keyed by such slices holds a million lines. Every event's account and IP
 * go through the pool once, so every structure downstream shares one flat copy per key.
 *
 * Bounded: when the pool reaches its cap it starts over (keys already handed out stay valid;
 * only sharing is lost), so a botnet inventing names cannot grow it without limit.
 */
export class StringPool {
  private pool = new Map<string, string>();

  constructor(readonly cap: number) {}

  get(value: string): string {
    const known = this.pool.get(value);
    if (known !== undefined) return known;
    const copy = flatCopy(value);
    if (this.pool.size >= this.cap) this.pool = new Map();
    this.pool.set(copy, copy);
    return copy;
  }

  get size(): number {
    return this.pool.size;
  }
}

/** A string that owns its characters (not a slice or rope of a bigger one). */
export function flatCopy(value: string): string {
  // V8 copies strings shorter than 13 characters when slicing; longer ones need a real copy.
  return value.length < 13 ? value : JSON.parse(JSON.stringify(value)) as string;
}
