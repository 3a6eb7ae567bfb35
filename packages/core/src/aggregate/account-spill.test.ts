import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AccountRecords, PARTITIONS, SpillArea } from './account-spill.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function folder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'spill-test-'));
  made.push(dir);
  return dir;
}

/** Appends (account, time, value) records; returns every partition's records as [account, time, value] rows. */
function roundTrip(area: SpillArea, rows: ReadonlyArray<readonly [number, number, number]>): Array<Array<[number, number, number]>> {
  const store = new AccountRecords(area, 'test', 4);
  for (const [account, ts, value] of rows) {
    store.f64[0] = ts;
    store.i32[2] = account;
    store.i32[3] = value;
    store.append(account);
  }
  const out: Array<Array<[number, number, number]>> = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const part = store.partition(p);
    const list: Array<[number, number, number]> = [];
    for (let r = 0; r < (part?.count ?? 0); r++) list.push([part!.i32[r * 4 + 2]!, part!.f64[r * 2]!, part!.i32[r * 4 + 3]!]);
    out.push(list);
  }
  return out;
}

const row = fc.tuple(fc.nat(2000), fc.double({ noNaN: true }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));

describe('AccountRecords', () => {
  it('gives back every record, in its account partition and in append order, whether it stayed in memory or went to disk', () => {
    // One folder for every run: a run's spill directory is made in it, and the folder goes at the end.
    const dir = folder();
    fc.assert(
      fc.property(fc.array(row, { maxLength: 1000, size: 'max' }), fc.integer({ min: 512, max: 8192 }), (rows, budget) => {
        const inMemory = roundTrip(new SpillArea({ dir, memoryBytes: 1 << 30 }), rows);
        const spilling = new SpillArea({ dir, memoryBytes: budget });
        try {
          expect(roundTrip(spilling, rows)).toEqual(inMemory);
        } finally {
          spilling.dispose();
        }
        for (let p = 0; p < PARTITIONS; p++) {
          expect(inMemory[p]!.every(([account]) => account % PARTITIONS === p)).toBe(true);
          expect(inMemory[p]).toEqual(rows.filter(([account]) => account % PARTITIONS === p).map((r) => [...r]));
        }
      }),
      { numRuns: 25, endOnFailure: true },
    );
  });

  it('gives back a partition that grew over many chunks, past the largest chunk size, in memory or partly on disk', () => {
    // Accounts 0 and 256 share partition 0: 9,000 records there take chunks of 64, 128, … up to the cap, and several at the cap.
    const rows = Array.from({ length: 9000 }, (_, i) => [(i % 3) * PARTITIONS, i * 1.5, i ^ 0x5a5a] as const);
    const expected = rows.map((r) => [...r]);
    const inMemory = roundTrip(new SpillArea({ memoryBytes: 1 << 30 }), rows);
    expect(inMemory[0]).toEqual(expected);
    // A budget of 50,000 bytes (3,125 records of 16 bytes) sends the first records to disk and keeps the rest in chunks.
    const spilling = new SpillArea({ dir: folder(), memoryBytes: 50_000 });
    try {
      expect(roundTrip(spilling, rows)[0]).toEqual(expected);
      expect(spilling.spilledBytes).toBeGreaterThan(0);
    } finally {
      spilling.dispose();
    }
  });

  it('writes to a spill directory only past the budget, and removes it on dispose', () => {
    const dir = folder();
    const area = new SpillArea({ dir, memoryBytes: 64 });
    const store = new AccountRecords(area, 'logins', 2);
    store.i32[0] = 1;
    store.append(1);
    expect(readdirSync(dir)).toEqual([]);
    for (let i = 0; i < 10; i++) store.append(i);
    expect(readdirSync(dir)).toHaveLength(1);
    const spillDir = area.directory!;
    expect(readdirSync(spillDir).length).toBeGreaterThan(0);
    area.dispose();
    expect(existsSync(spillDir)).toBe(false);
    expect(existsSync(dir)).toBe(true);
    expect(() => store.partition(1)).toThrow(expect.objectContaining({ code: 'MXRAY_SPILL_DISPOSED' }));
  });

  it('keeps two stores of the same name in one area apart', () => {
    const area = new SpillArea({ dir: folder(), memoryBytes: 64 });
    const a = new AccountRecords(area, 'logins', 2);
    const b = new AccountRecords(area, 'logins', 2);
    for (let i = 0; i < 40; i++) {
      a.i32[0] = i;
      a.append(0);
      b.i32[0] = -i;
      b.append(0);
    }
    expect(area.spilledBytes).toBeGreaterThan(0);
    const values = (s: AccountRecords): number[] => Array.from({ length: 40 }, (_, r) => s.partition(0)!.i32[r * 2]!);
    expect(values(a)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(values(b)).toEqual(Array.from({ length: 40 }, (_, i) => -i + 0));
    area.dispose();
  });
});
