/**
 * Records that grow with the bytes of log read (one per login, one per session or message), kept
 * by account on disk so that memory does not grow with days of log.
 *
 * A store's record is a few 32-bit words (a time or byte count takes two, at an even word), written
 * into `i32`/`f64` and then `append`ed under its account id. Records go to one of PARTITIONS
 * partitions by the id. While the stores of one SpillArea hold less than its memory budget they
 * stay in memory, so a small scan never touches the disk; past it, every store appends each
 * partition's records to that partition's file and memory starts again. `partition(p)` gives a
 * partition's records (the file's, then memory's, each in the order appended), one partition in
 * memory at a time: a reader that needs all of an account's records together (its logins in time
 * order, its sessions of each day) finds them in one partition and holds 1/PARTITIONS of the
 * whole. Per-account arrival order is kept, so a reader replaying records sees each account's in
 * the order `append` saw them.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MxrayError } from '../errors.js';

/** A power of two: an account's partition is its id's low bits. */
export const PARTITIONS = 256;
/** Bytes of records all stores of a scan keep in memory before they write them out. */
export const DEFAULT_SPILL_MEMORY = 128 * 1024 * 1024;

/** Spill directories are named `.mxray-spill-XXXXXX`. */
export const SPILL_PREFIX = '.mxray-spill-';

export interface SpillOptions {
  /**
   * The folder to make the spill directory in (a new `.mxray-spill-*` directory, made on the
   * first write and removed at the end; the folder itself is never removed); default the OS temp dir.
   */
  dir?: string;
  /** Bytes of records kept in memory before they are written out (default 128 MiB). */
  memoryBytes?: number;
}

/** The spill directory of one scan and the memory budget its stores share. */
export class SpillArea {
  readonly memoryBytes: number;
  /** The folder the spill directory is made in, when one was given. */
  readonly folder: string | undefined;
  private dir: string | undefined;
  private readonly stores: AccountRecords[] = [];
  private held = 0;
  private written = 0;
  private disposed = false;
  private readonly onExit = (): void => this.dispose();

  constructor(options: SpillOptions = {}) {
    this.folder = options.dir;
    this.memoryBytes = options.memoryBytes ?? DEFAULT_SPILL_MEMORY;
  }

  /** Bytes of records written to disk so far. */
  get spilledBytes(): number {
    return this.written;
  }

  /** The directory, once a store has written to it. */
  get directory(): string | undefined {
    return this.dir;
  }

  /** Appends a store's partition to its file. */
  write(store: string, partition: number, bytes: Uint8Array): void {
    const file = this.fileOf(store, partition);
    let fd: number | undefined;
    try {
      fd = openSync(file, 'a');
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (cause) {
      throw new MxrayError('MXRAY_WRITE_FAILED', `cannot write spilled records to ${file}`, { cause });
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    this.written += bytes.length;
  }

  /** Reads the start of a store's partition file into `into`, filling it. */
  read(store: string, partition: number, into: Uint8Array): void {
    const file = this.fileOf(store, partition);
    const fd = openSync(file, 'r');
    try {
      for (let off = 0; off < into.length; ) {
        const got = readSync(fd, into, off, into.length - off, off);
        if (got === 0) throw new MxrayError('MXRAY_WRITE_FAILED', `spilled records in ${file} end early`);
        off += got;
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Files are named by store and partition; the directory is made on the first write. */
  private fileOf(store: string, partition: number): string {
    if (this.disposed) throw new MxrayError('MXRAY_SPILL_DISPOSED', `spilled records of ${store} were read after the scan removed them`);
    if (this.dir === undefined) {
      const parent = this.folder ?? tmpdir();
      try {
        mkdirSync(parent, { recursive: true });
        this.dir = mkdtempSync(path.join(parent, SPILL_PREFIX));
      } catch (cause) {
        throw new MxrayError('MXRAY_WRITE_FAILED', `cannot make a spill directory in ${parent}`, { cause });
      }
      // A scan that dies leaves no spill behind.
      process.once('exit', this.onExit);
    }
    return path.join(this.dir, `${store}.${partition}`);
  }

  /** A store joins the budget; its files get a name no other store of the area has (two engines may share a context). */
  register(store: AccountRecords, name: string): string {
    this.stores.push(store);
    return `${this.stores.length}-${name}`;
  }

  /** Called by a store for each record it keeps: past the budget, every store writes out. */
  hold(bytes: number): void {
    this.held += bytes;
    if (this.held <= this.memoryBytes) return;
    for (const s of this.stores) s.spill();
    this.held = 0;
  }

  /** Removes the spill directory; spilled records cannot be read after it. */
  dispose(): void {
    if (this.dir !== undefined) {
      rmSync(this.dir, { recursive: true, force: true });
      process.off('exit', this.onExit);
      this.dir = undefined;
    }
    this.disposed = true;
  }
}

/**
 * The `f64` index of a 64-bit field (a time, a byte count) that starts at `word` (even) of record
 * `r` in a store of `words`-word records. Layouts name their fields' first words:
 * `{ time: 0, bytes: 2, account: 4, words: 8 }`, read as `f64[f64Index(r, L.words, L.time)]` and
 * `i32[r * L.words + L.account]`.
 */
export const f64Index = (r: number, words: number, word: number): number => (r * words + word) >> 1;

/** One partition's records: record r's words are i32[r * words …], its doubles f64[r * words / 2 …]. */
export interface RecordPartition {
  count: number;
  words: number;
  i32: Int32Array;
  f64: Float64Array;
}

/** Records in a partition's first chunk; each next chunk doubles, up to CHUNK_RECORDS_MAX. */
const CHUNK_RECORDS_MIN = 64;
/**
 * The largest chunk, in records. A partition grows by chunks instead of by doubling one array:
 * a doubled array stood a quarter empty on average and its growth copied every record again;
 * chunks leave at most one chunk's room per partition and copy only when a partition is read.
 */
const CHUNK_RECORDS_MAX = 2048;

export class AccountRecords {
  /** The record being written: set its words, then `append`. */
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  /** Each partition's chunks in memory: all full but the last. */
  private readonly chunks: Array<Int32Array[] | undefined> = new Array(PARTITIONS).fill(undefined);
  /** Records in the last chunk of each partition. */
  private readonly lastCount = new Int32Array(PARTITIONS);
  private readonly inMemory = new Int32Array(PARTITIONS);
  private readonly onDisk = new Float64Array(PARTITIONS);
  private records = 0;

  private readonly name: string;

  constructor(
    private readonly area: SpillArea,
    name: string,
    readonly words: number,
  ) {
    if (words < 2 || words % 2 !== 0) throw new RangeError('a record is an even number of words');
    this.i32 = new Int32Array(words);
    this.f64 = new Float64Array(this.i32.buffer);
    this.name = area.register(this, name);
  }

  get size(): number {
    return this.records;
  }

  append(account: number): void {
    const p = account & (PARTITIONS - 1);
    const w = this.words;
    const chunks = this.chunks[p];
    let last = chunks?.[chunks.length - 1];
    let n = this.lastCount[p]!;
    if (last === undefined || (n + 1) * w > last.length) {
      last = this.newChunk(p);
      n = 0;
    }
    const at = n * w;
    // Words are copied as integers: copying doubles could canonicalize a NaN and change the bits.
    for (let k = 0; k < w; k++) last[at + k] = this.i32[k]!;
    this.lastCount[p] = n + 1;
    this.inMemory[p]!++;
    this.records++;
    this.area.hold(w * 4);
  }

  private newChunk(p: number): Int32Array {
    let chunks = this.chunks[p];
    if (chunks === undefined) this.chunks[p] = chunks = [];
    const previous = chunks.length === 0 ? 0 : chunks[chunks.length - 1]!.length / this.words;
    const chunk = new Int32Array(Math.min(CHUNK_RECORDS_MAX, Math.max(CHUNK_RECORDS_MIN, previous * 2)) * this.words);
    chunks.push(chunk);
    return chunk;
  }

  /** The records of partition p's chunks, one view per chunk, in the order appended. */
  private *memoryOf(p: number): Generator<Int32Array> {
    const chunks = this.chunks[p];
    if (chunks === undefined) return;
    const last = chunks.length - 1;
    for (let c = 0; c < last; c++) yield chunks[c]!;
    if (last >= 0) yield chunks[last]!.subarray(0, this.lastCount[p]! * this.words);
  }

  /** Appends every partition's records to its file and empties memory. */
  spill(): void {
    for (let p = 0; p < PARTITIONS; p++) {
      const n = this.inMemory[p]!;
      if (n === 0) continue;
      for (const words of this.memoryOf(p)) this.area.write(this.name, p, new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
      this.onDisk[p]! += n;
      this.inMemory[p] = 0;
      this.lastCount[p] = 0;
      // Memory is given back: the next records may belong to other partitions.
      this.chunks[p] = undefined;
    }
  }

  /** Partition p's records, or undefined when it has none. */
  partition(p: number): RecordPartition | undefined {
    const w = this.words;
    const mem = this.inMemory[p]!;
    const disk = this.onDisk[p]!;
    const count = mem + disk;
    if (count === 0) return undefined;
    if (disk === 0 && this.chunks[p]!.length === 1) {
      const i32 = this.chunks[p]![0]!.subarray(0, mem * w);
      return { count, words: w, i32, f64: new Float64Array(i32.buffer, 0, (mem * w) / 2) };
    }
    // The file's records, then memory's chunks, copied into one array: one partition at a time.
    const i32 = new Int32Array(count * w);
    if (disk > 0) this.area.read(this.name, p, new Uint8Array(i32.buffer, 0, disk * w * 4));
    let at = disk * w;
    for (const words of this.memoryOf(p)) {
      i32.set(words, at);
      at += words.length;
    }
    return { count, words: w, i32, f64: new Float64Array(i32.buffer) };
  }
}
