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
import { PairTable } from './pair-table.js';
import { formatIPv4, parseCanonicalIPv4 } from '../ipv4.js';
import { hashString } from '../string-hash.js';

export { formatIPv4, parseCanonicalIPv4 };

/** Keys numbered densely; what the state built on a scan's accounts or IPs needs of a table. */
export interface KeyTable {
  readonly cap: number;
  /** The id of `value`, added if there is room; -1 when the table is full and `value` new. */
  id(value: string): number;
  /** The id of `value`, added even past the cap. */
  intern(value: string): number;
  /** The id of `value`, or -1; never adds. */
  find(value: string): number;
  /** A copy of `value` that pins no line: the table's own where it keeps one. */
  pooled(value: string): string;
  /** `pooled(value)` where `id` is already `id(value)`: no second lookup. */
  kept(id: number, value: string): string;
  value(id: number): string;
  readonly size: number;
}

/**
 * Strings in an open-addressing table of ids (a typed array of slots) over an array of the
 * strings: ~20 bytes a key beside the string, where a Map<string, number> cost ~46 and the array
 * 8 more. The hash is computed here (V8 does not expose its own).
 */
export class IdTable implements KeyTable {
  private readonly values: string[] = [];
  /** Id + 1 of the key in each slot, 0 for none; at most half full. */
  private slots = new Int32Array(1024);
  private lastValue: string | undefined;
  private lastId = -1;

  constructor(readonly cap: number) {}

  id(value: string): number {
    const id = this.find(value);
    if (id >= 0) return id;
    return this.values.length >= this.cap ? -1 : this.add(value);
  }

  intern(value: string): number {
    const id = this.find(value);
    return id >= 0 ? id : this.add(value);
  }

  find(value: string): number {
    // Several consumers ask in turn for the same event's account: the hash is ours (in JS), so
    // the last answer is worth keeping; V8's Map kept the hash in the string.
    if (value === this.lastValue) return this.lastId;
    const mask = this.slots.length - 1;
    for (let slot = hashString(value) & mask; ; slot = (slot + 1) & mask) {
      const at = this.slots[slot]!;
      if (at === 0) return -1;
      if (this.values[at - 1] === value) {
        this.lastValue = value;
        this.lastId = at - 1;
        return at - 1;
      }
    }
  }

  /**
   * Tells the table that `value`'s id is `id` (as it answered before), so that the consumers
   * asking next for the same event's key are answered without a probe: at a million keys a
   * probe misses the cache three times (~600 ns). Only a hint; a wrong one is a bug, and ids
   * below 0 are ignored.
   */
  remember(id: number, value: string): void {
    if (id < 0) return;
    this.lastValue = value;
    this.lastId = id;
  }

  /** The table's own copy of `value` (one per key), or a private flat copy when the table is full. */
  pooled(value: string): string {
    return this.kept(this.id(value), value);
  }

  kept(id: number, value: string): string {
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
    if (this.values.length * 2 > this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 2);
      for (let i = 0; i < this.values.length; i++) this.place(i);
    } else this.place(id);
    return id;
  }

  private place(id: number): void {
    const mask = this.slots.length - 1;
    let slot = hashString(this.values[id]!) & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = id + 1;
  }
}

/**
 * Addresses: an IPv4 address in canonical dotted form is kept as its 32-bit number in a
 * PairTable (~20 bytes, where a string key cost ~90: the Map entry, the array slot and the
 * string), and written out again when asked for; any other form (IPv6) as a string.
 */
export class IpTable implements KeyTable {
  /** (IPv4 number as int32, 0) or (index into `others`, 1); a pair's index is the address's id. */
  private readonly pairs = new PairTable();
  private readonly otherIds = new Map<string, number>();
  private readonly others: string[] = [];
  /** The last address found, and its id (see IdTable.find). */
  private lastValue: string | undefined;
  private lastId = -1;

  constructor(readonly cap: number) {}

  id(value: string): number {
    const id = this.find(value);
    return id >= 0 || this.pairs.size >= this.cap ? id : this.add(value);
  }

  intern(value: string): number {
    const id = this.find(value);
    return id >= 0 ? id : this.add(value);
  }

  find(value: string): number {
    if (value === this.lastValue) return this.lastId;
    const v4 = parseCanonicalIPv4(value);
    let id: number;
    if (v4 >= 0) id = this.pairs.find(v4 | 0, 0);
    else {
      const other = this.otherIds.get(value);
      id = other === undefined ? -1 : this.pairs.find(other, 1);
    }
    // Only hits are remembered: a miss may be added next.
    if (id >= 0) {
      this.lastValue = value;
      this.lastId = id;
    }
    return id;
  }

  /** As IdTable.remember. */
  remember(id: number, value: string): void {
    if (id < 0) return;
    this.lastValue = value;
    this.lastId = id;
  }

  /** `flat`: the caller knows `value` is already its own string (it came from another thread). */
  pooled(value: string, flat = false): string {
    return this.kept(this.id(value), value, flat);
  }

  /** An IPv4 address is kept as a number, so the events keep `value` itself (a flat copy unless `flat`). */
  kept(id: number, value: string, flat = false): string {
    if (id >= 0 && this.pairs.second(id) === 1) return this.others[this.pairs.first(id)]!;
    return flat ? value : flatCopy(value);
  }

  value(id: number): string {
    const first = this.pairs.first(id);
    return this.pairs.second(id) === 1 ? this.others[first]! : formatIPv4(first >>> 0);
  }

  get size(): number {
    return this.pairs.size;
  }

  private add(value: string): number {
    const v4 = parseCanonicalIPv4(value);
    if (v4 >= 0) return this.pairs.index(v4 | 0, 0);
    const other = this.others.length;
    const copy = flatCopy(value);
    this.others.push(copy);
    this.otherIds.set(copy, other);
    return this.pairs.index(other, 1);
  }
}

/** In `EventKeys`: the event has no account (or no address). */
export const NO_KEY = -2;
/** In `EventKeys`: the table was full and the key new (`KeyTable.id` answered -1). */
export const REFUSED_KEY = -1;

/**
 * The ids of a batch's events' accounts and addresses in the scan's tables, one per event
 * (`NO_KEY`, `REFUSED_KEY` or an id): looked up once, where the batch arrives, for every consumer
 * that counts by id. Each lookup hashes the string and misses the cache at a million keys: the
 * summary and the activity spool asking again cost 3.3 s of the main thread at 1M accounts.
 */
export interface EventKeys {
  readonly accounts: Int32Array;
  readonly ips: Int32Array;
}

/** The scan's tables: where parsed events' account and IP strings are pooled, and what state indexes. */
export class Identities {
  readonly accounts: IdTable;
  readonly ips: IpTable;

  constructor(cap: number) {
    this.accounts = new IdTable(cap);
    this.ips = new IpTable(cap);
  }

  account(value: string): string {
    return this.accounts.pooled(value);
  }

  ip(value: string, flat = false): string {
    return this.ips.pooled(value, flat);
  }

  /**
   * Primes both tables with one event's keys (`keys` from `keysOf` or a batch, in these tables),
   * before the event goes to consumers that each look its account and address up again.
   */
  prime(event: { account?: string | undefined; ip?: string | undefined }, keys: EventKeys, index: number): void {
    if (event.account !== undefined) this.accounts.remember(keys.accounts[index]!, event.account);
    if (event.ip !== undefined) this.ips.remember(keys.ips[index]!, event.ip);
  }

  /** The keys of events whose strings are already pooled here (or not: `id` adds them where there is room). */
  keysOf(events: readonly { account?: string | undefined; ip?: string | undefined }[]): EventKeys {
    const accounts = new Int32Array(events.length);
    const ips = new Int32Array(events.length);
    for (let i = 0; i < events.length; i++) {
      const { account, ip } = events[i]!;
      accounts[i] = account === undefined ? NO_KEY : this.accounts.id(account);
      ips[i] = ip === undefined ? NO_KEY : this.ips.id(ip);
    }
    return { accounts, ips };
  }
}
