/**
 * The accounts and IPs of one scan, each stored once and numbered densely.
 *
 * Every per-key structure used to be its own `Map<string, …>` (the string pool, the summary's
 * distinct keys, the accounts report, the login ledger), and a Map entry costs ~40 bytes before
 * its value: four maps were two thirds of the state kept per account. One table per kind gives
 * each key an id, and the state built on it is typed columns indexed by that id.
 *
 * Ids follow arrival order, which with concurrency depends on timing: nothing may order output
 * by id. Capped: past `cap` keys `id()` refuses (-1), so a botnet inventing names cannot grow it
 * without limit; `intern()` adds past the cap, for keys that real activity bounds (accounts
 * that logged in successfully).
 */
import { flatCopy } from '../parse/flat-copy.js';

export class IdTable {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [];

  constructor(readonly cap: number) {}

  /** The id of `value`, added if there is room; -1 when the table is full and `value` new. */
  id(value: string): number {
    const id = this.ids.get(value);
    if (id !== undefined) return id;
    return this.values.length >= this.cap ? -1 : this.add(value);
  }

  /** The id of `value`, added even past the cap. */
  intern(value: string): number {
    return this.ids.get(value) ?? this.add(value);
  }

  /** The id of `value`, or -1; never adds. */
  find(value: string): number {
    return this.ids.get(value) ?? -1;
  }

  /** The table's own copy of `value` (one per key), or a private flat copy when the table is full. */
  pooled(value: string): string {
    const id = this.id(value);
    return id < 0 ? flatCopy(value) : this.values[id]!;
  }

  value(id: number): string {
    return this.values[id]!;
  }

  get size(): number {
    return this.values.length;
  }

  private add(value: string): number {
    // A key cut from a line is a slice that would keep the whole line alive.
    const copy = flatCopy(value);
    const id = this.values.length;
    this.values.push(copy);
    this.ids.set(copy, id);
    return id;
  }
}

/** The scan's tables: where parsed events' account and IP strings are pooled, and what state indexes. */
export class Identities {
  readonly accounts: IdTable;
  readonly ips: IdTable;

  constructor(cap: number) {
    this.accounts = new IdTable(cap);
    this.ips = new IdTable(cap);
  }

  account(value: string): string {
    return this.accounts.pooled(value);
  }

  ip(value: string): string {
    return this.ips.pooled(value);
  }
}
