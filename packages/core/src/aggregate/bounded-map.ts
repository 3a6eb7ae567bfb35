/**
 * Per-key state with a ceiling. A spraying botnet can invent millions of accounts and addresses;
 * each per-key map is capped, and when full it evicts the tenth of its keys that matter least
 * (fewest attempts, say), counts what it dropped, and the manifest and summary say so.
 *
 * Below the cap nothing changes. Once a cap is hit, which keys survive depends on the order
 * events arrived in, so results may differ with concurrency: the manifest records it.
 */

export const DEFAULT_MAX_KEYS = 2_000_000;

export interface CapReport {
  structure: string;
  cap: number;
  /** Keys dropped to stay under the cap (or refused, for counting sets). */
  evicted: number;
}

/** The caps of one scan, and what each structure had to drop. */
export class KeyLimits {
  private readonly reports = new Map<string, CapReport>();

  constructor(readonly maxKeys: number = DEFAULT_MAX_KEYS) {}

  /** A capped map whose least useful keys (lowest `weight`) go first. */
  map<K, V>(structure: string, weight: (value: V) => number): BoundedMap<K, V> {
    return new BoundedMap<K, V>(this.maxKeys, weight, (n) => this.count(structure, n));
  }

  /** Records `n` keys dropped or refused by `structure`. */
  count(structure: string, n: number): void {
    let r = this.reports.get(structure);
    if (!r) this.reports.set(structure, (r = { structure, cap: this.maxKeys, evicted: 0 }));
    r.evicted += n;
  }

  /** Structures that hit their cap, by name. */
  capped(): CapReport[] {
    return [...this.reports.values()].sort((a, b) => (a.structure < b.structure ? -1 : 1));
  }
}

export class BoundedMap<K, V> extends Map<K, V> {
  constructor(
    readonly cap: number,
    private readonly weight: (value: V) => number,
    private readonly onEvict: (n: number) => void,
  ) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.cap && !this.has(key)) this.evict();
    return super.set(key, value);
  }

  private evict(): void {
    const entries: Array<[K, number]> = [];
    for (const [k, v] of this) entries.push([k, this.weight(v)]);
    // Stable sort: among equal weights the oldest keys go first.
    entries.sort((a, b) => a[1] - b[1]);
    const drop = Math.max(1, Math.ceil(this.size / 10));
    for (let i = 0; i < drop; i++) this.delete(entries[i]![0]);
    this.onEvict(drop);
  }
}
