/**
 * Open sessions by id, as a `Map<string, V>` holds them (insertion order kept, a key set again
 * keeps its place, `oldest()` is the Map's first key), for a parser that opens a session on
 * every login line and closes it on the logout line.
 *
 * Why not the Map: at a million accounts its `get`, `set` and `delete` were 5 % of the worker
 * thread (1.04 s of 19.9 s, 570 ns a lookup). Each new id is a slice of its line, so the Map hashed
 * it afresh and then, along the bucket's chain, read key strings scattered over the old
 * generation. Here each entry's hash sits in a typed array beside the slots, and a string is
 * compared only when its hash matches.
 *
 * Layout: entries are appended in insertion order (keys, values, hashes); a deleted entry's key
 * becomes undefined. `slots` (open addressing, linear probing) holds entry + 1, 0 for empty and
 * TOMBSTONE for a deleted one. When live entries and tombstones fill half the slots, or the
 * entries outnumber the slots, the table is rebuilt from the live entries, in order, which drops
 * the deleted ones: memory follows the sessions open, not the sessions seen.
 */
import { hashString } from '../string-hash.js';

const EMPTY = 0;
const TOMBSTONE = -1;
const MIN_SLOTS = 64;

export class SessionTable<V> {
  private keys: Array<string | undefined> = [];
  private values: Array<V | undefined> = [];
  private hashes = new Int32Array(MIN_SLOTS / 2);
  private slots = new Int32Array(MIN_SLOTS);
  /** Slots that are not EMPTY: live entries and tombstones. */
  private usedSlots = 0;
  private live = 0;
  /** No live entry comes before this one (see `oldest`). */
  private head = 0;

  get size(): number {
    return this.live;
  }

  get(key: string): V | undefined {
    const slot = this.slotOf(key, hashString(key) | 0);
    return slot === -1 ? undefined : this.values[this.slots[slot]! - 1];
  }

  set(key: string, value: V): void {
    const hash = hashString(key) | 0;
    const slot = this.slotOf(key, hash);
    if (slot !== -1) {
      this.values[this.slots[slot]! - 1] = value;
      return;
    }
    // Also when the entries (most of them deleted, their slots reused) outgrow the slots.
    if ((this.usedSlots + 1) * 2 > this.slots.length || this.keys.length >= this.slots.length) this.rebuild(this.live + 1);
    const entry = this.keys.length;
    this.keys.push(key);
    this.values.push(value);
    if (entry >= this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[entry] = hash;
    this.place(entry, hash);
    this.live++;
  }

  delete(key: string): boolean {
    const slot = this.slotOf(key, hashString(key) | 0);
    if (slot === -1) return false;
    const entry = this.slots[slot]! - 1;
    this.slots[slot] = TOMBSTONE;
    this.keys[entry] = undefined;
    this.values[entry] = undefined;
    this.live--;
    return true;
  }

  /** The key set longest ago of those still here (a Map's first key), or undefined. */
  oldest(): string | undefined {
    while (this.head < this.keys.length && this.keys[this.head] === undefined) this.head++;
    return this.keys[this.head];
  }

  /** The slot holding `key`'s entry, or -1. */
  private slotOf(key: string, hash: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = this.slots[slot]!;
      if (at === EMPTY) return -1;
      if (at !== TOMBSTONE && this.hashes[at - 1] === hash && this.keys[at - 1] === key) return slot;
    }
  }

  private place(entry: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    // A tombstone can be reused: the key is known to be absent.
    while (this.slots[slot] !== EMPTY && this.slots[slot] !== TOMBSTONE) slot = (slot + 1) & mask;
    if (this.slots[slot] === EMPTY) this.usedSlots++;
    this.slots[slot] = entry + 1;
  }

  /** The live entries, in order, into slots for at least `room` of them at most a quarter full. */
  private rebuild(room: number): void {
    const keys: Array<string | undefined> = [];
    const values: Array<V | undefined> = [];
    let slots = MIN_SLOTS;
    while (slots < room * 4) slots *= 2;
    const hashes = new Int32Array(Math.max(slots / 2, this.live + 1));
    for (let e = this.head; e < this.keys.length; e++) {
      if (this.keys[e] === undefined) continue;
      hashes[keys.length] = this.hashes[e]!;
      keys.push(this.keys[e]);
      values.push(this.values[e]);
    }
    this.keys = keys;
    this.values = values;
    this.hashes = hashes;
    this.slots = new Int32Array(slots);
    this.usedSlots = 0;
    this.head = 0;
    for (let e = 0; e < keys.length; e++) this.place(e, hashes[e]!);
  }
}
