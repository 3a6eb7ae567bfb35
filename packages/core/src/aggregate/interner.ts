/** Strings to small integers, so per-event rows are numbers and each string is stored once. */
import { flatCopy } from '../parse/string-pool.js';

export class Interner {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];

  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      // A flat copy: the parsed string may be a slice pinning its whole source line.
      this.values.push(flatCopy(value));
      this.ids.set(this.values[id]!, id);
    }
    return id;
  }

  get(id: number): string {
    return this.values[id]!;
  }

  get size(): number {
    return this.values.length;
  }
}
