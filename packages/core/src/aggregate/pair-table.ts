/**
 * Dense indexes for pairs of integers (an account id and a day, a day cell and a domain id), in
 * an open-addressing hash table of typed arrays.
 *
 * Per-day state used to be a Map per account (a day's bytes, a day's sources), about 130 bytes
 * for the Map and 40 for each entry: with months of logs it grew by hundreds of bytes per account
 * and day. Here a pair costs its two keys (8 bytes) and two hash slots (8), and what a rule keeps
 * per pair is a typed column indexed by the pair's index (see IdColumn).
 */

const EMPTY = 0;

export class PairTable {
  private firsts: Int32Array = new Int32Array(1024);
  private seconds: Int32Array = new Int32Array(1024);
  private n = 0;
  /** Index + 1 of the pair in each slot, 0 for none; at most half full. */
  private slots = new Int32Array(2048);

  /** The pair's index, added if new. Both halves are 32-bit signed integers. */
  index(first: number, second: number): number {
    const found = this.lookup(first, second);
    if (found >= 0) return found;
    if ((this.n + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    if (this.n === this.firsts.length) {
      this.firsts = grown(this.firsts);
      this.seconds = grown(this.seconds);
    }
    const index = this.n++;
    this.firsts[index] = first;
    this.seconds[index] = second;
    this.place(index);
    return index;
  }

  /** The pair's index, or -1; never adds. */
  find(first: number, second: number): number {
    return this.lookup(first, second);
  }

  first(index: number): number {
    return this.firsts[index]!;
  }

  second(index: number): number {
    return this.seconds[index]!;
  }

  get size(): number {
    return this.n;
  }

  /**
   * Every index, ordered by first and then second (both ascending): what a rule walks at the end,
   * account by account and day by day, whatever order the pairs arrived in: a counting sort on
   * first (ids are dense), then each run by second.
   */
  sorted(): Int32Array {
    const n = this.n;
    let max = -1;
    for (let i = 0; i < n; i++) {
      const f = this.firsts[i]!;
      if (f < 0) return this.sortedByComparison();
      if (f > max) max = f;
    }
    // Counting only pays for dense firsts (ids), not for any integers.
    if (max > 4 * n + 1024) return this.sortedByComparison();
    const starts = new Int32Array(max + 2);
    for (let i = 0; i < n; i++) starts[this.firsts[i]! + 1]!++;
    for (let f = 0; f <= max; f++) starts[f + 1]! += starts[f]!;
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[starts[this.firsts[i]!]!++] = i;
    // Each run of one first is in arrival order: sort it by second.
    const seconds = this.seconds;
    for (let f = 0, start = 0; f <= max; f++) {
      const end = starts[f]!;
      if (end - start > 16) out.subarray(start, end).sort((a, b) => seconds[a]! - seconds[b]!);
      else {
        for (let k = start + 1; k < end; k++) {
          const v = out[k]!;
          let j = k - 1;
          while (j >= start && seconds[out[j]!]! > seconds[v]!) {
            out[j + 1] = out[j]!;
            j--;
          }
          out[j + 1] = v;
        }
      }
      start = end;
    }
    return out;
  }

  /** The positions in `order` (from `sorted()`) of the pairs whose first is `first`: [start, end). */
  range(order: Int32Array, first: number): [number, number] {
    const bound = (strict: boolean): number => {
      let lo = 0;
      let hi = order.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const f = this.firsts[order[mid]!]!;
        if (f < first || (strict && f === first)) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    return [bound(false), bound(true)];
  }

  private sortedByComparison(): Int32Array {
    const out = Int32Array.from({ length: this.n }, (_, i) => i);
    return out.sort((a, b) => this.firsts[a]! - this.firsts[b]! || this.seconds[a]! - this.seconds[b]!);
  }

  private lookup(first: number, second: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash(first, second) & mask; ; slot = (slot + 1) & mask) {
      const at = this.slots[slot]!;
      if (at === EMPTY) return -1;
      if (this.firsts[at - 1] === first && this.seconds[at - 1] === second) return at - 1;
    }
  }

  private place(index: number): void {
    const mask = this.slots.length - 1;
    let slot = hash(this.firsts[index]!, this.seconds[index]!) & mask;
    while (this.slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.slots[slot] = index + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let i = 0; i < this.n; i++) this.place(i);
  }
}

function hash(first: number, second: number): number {
  // Murmur3's finalizer over a mix of both halves: ids and days are small and consecutive.
  let h = Math.imul(first, 0x9e3779b1) ^ Math.imul(second + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function grown(a: Int32Array): Int32Array {
  const bigger = new Int32Array(a.length * 2);
  bigger.set(a);
  return bigger;
}
