/**
 * A baseline's largest day per account, from records replayed at the end: the thresholds of the
 * per-day rules are "factor times the account's largest baseline day" (bytes downloaded, messages
 * sent), and the baseline's records come in any order.
 */
import type { RecordPartition } from './account-spill.js';
import { IdColumn } from './growable-column.js';
import { PairTable } from './pair-table.js';

/** Record r's account id, day and amount, as the store lays them out. */
export interface DayRecordReader {
  account(part: RecordPartition, r: number): number;
  day(part: RecordPartition, r: number): number;
  amount(part: RecordPartition, r: number): number;
}

/** Per account id of the partition, the largest total of any one day. */
export function largestDayTotals(part: RecordPartition | undefined, read: DayRecordReader): Map<number, number> {
  const largest = new Map<number, number>();
  if (!part) return largest;
  const days = new PairTable();
  const totals = new IdColumn((n) => new Float64Array(n));
  for (let r = 0; r < part.count; r++) {
    const id = read.account(part, r);
    const cell = days.index(id, read.day(part, r));
    totals.add(cell, read.amount(part, r));
    // Day totals only grow, so the largest running total is the largest day.
    if (totals.get(cell) > (largest.get(id) ?? 0)) largest.set(id, totals.get(cell));
  }
  return largest;
}
