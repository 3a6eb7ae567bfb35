import { describe, expect, it } from 'vitest';
import { AccountRecords, PARTITIONS, SpillArea } from './account-spill.js';
import { largestDayTotals, type DayRecordReader } from './day-totals.js';

const READ: DayRecordReader = {
  account: (part, r) => part.i32[r * 4 + 2]!,
  day: (part, r) => part.i32[r * 4 + 3]!,
  amount: (part, r) => part.f64[r * 2]!,
};

describe('largestDayTotals', () => {
  it('gives each account its largest day total, whatever order the records came in', () => {
    // Account 1: day 10 totals 5 + 4 = 9, day 11 totals 7. Account 257 (same partition): one day of 3.
    const rows: Array<[number, number, number]> = [[1, 10, 5], [257, 3, 3], [1, 11, 7], [1, 10, 4]];
    for (const order of [rows, [...rows].reverse()]) {
      const store = new AccountRecords(new SpillArea(), 'sessions', 4);
      for (const [account, day, amount] of order) {
        store.f64[0] = amount;
        store.i32[2] = account;
        store.i32[3] = day;
        store.append(account);
      }
      const largest = largestDayTotals(store.partition(1 % PARTITIONS), READ);
      expect(Object.fromEntries(largest)).toEqual({ 1: 9, 257: 3 });
    }
    expect(largestDayTotals(undefined, READ).size).toBe(0);
  });
});
