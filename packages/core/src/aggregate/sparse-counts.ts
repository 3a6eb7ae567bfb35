/**
 * Counts by small integer key (a time bucket), held inline while there is one key: a botnet's
 * invented account fails once, and a Map per account would cost ~150 bytes for one number.
 */
export class SparseCounts {
  private key = NaN;
  private count = 0;
  private more: Map<number, number> | undefined;

  add(key: number, n: number): void {
    if (this.more) this.more.set(key, (this.more.get(key) ?? 0) + n);
    else if (Number.isNaN(this.key) || this.key === key) {
      this.key = key;
      this.count += n;
    } else {
      this.more = new Map([[this.key, this.count], [key, n]]);
    }
  }

  get(key: number): number {
    if (this.more) return this.more.get(key) ?? 0;
    return key === this.key ? this.count : 0;
  }
}
