/**
 * Strings to small integers, so per-event rows are numbers and each string is stored once.
 * Keys are taken as given: events carry the scan's pooled strings (Identities), which are already
 * flat copies, and copying them again kept a second copy of every account and IP.
 */

export class Interner {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];

  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
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
