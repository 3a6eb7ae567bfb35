/**
 * Values per day for one key (an account), with the first day held inline: most accounts in a
 * scan of one day's logs have one day, and a Map of one entry costs about 130 bytes, per account.
 */
export class DayValues<V> {
  private firstDay = 0;
  /** Undefined until the first `set`: any day, 1970 and before included, can be the first. */
  private first: V | undefined;
  private more: Map<number, V> | undefined;

  get(day: number): V | undefined {
    if (this.first !== undefined && day === this.firstDay) return this.first;
    return this.more?.get(day);
  }

  set(day: number, value: V): void {
    if (this.first === undefined || day === this.firstDay) {
      this.firstDay = day;
      this.first = value;
    } else (this.more ??= new Map()).set(day, value);
  }

  /** Days in the order they were first set. */
  *entries(): Generator<[number, V]> {
    if (this.first !== undefined) yield [this.firstDay, this.first];
    if (this.more) yield* this.more;
  }

  *values(): Generator<V> {
    for (const [, v] of this.entries()) yield v;
  }
}
