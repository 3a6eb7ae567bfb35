import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PairTable } from './pair-table.js';

describe('PairTable', () => {
  const pair = (firsts: fc.Arbitrary<number>) => fc.tuple(firsts, fc.integer({ min: -30_000, max: 30_000 }));
  for (const [name, firsts] of [
    ['dense ids', fc.nat(50)],
    ['any 32-bit integers', fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })],
  ] as const) {
    it(`numbers pairs densely, finds them, and sorts them by first then second (${name})`, () => {
      fc.assert(
        fc.property(fc.array(pair(firsts), { maxLength: 3000 }), (pairs) => {
          const table = new PairTable();
          const model = new Map<string, number>();
          for (const [f, s] of pairs) {
            const key = `${f},${s}`;
            const before = model.get(key);
            expect(table.find(f, s)).toBe(before ?? -1);
            const index = table.index(f, s);
            if (before === undefined) {
              expect(index).toBe(model.size);
              model.set(key, index);
            } else expect(index).toBe(before);
          }
          expect(table.size).toBe(model.size);
          const order = [...table.sorted()].map((i) => [table.first(i), table.second(i)]);
          const expected = [...model.keys()].map((k) => k.split(',').map(Number)).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
          expect(order).toEqual(expected);
        }),
      );
    });
  }

  it('keeps long runs of one first in order (a year of days for one account)', () => {
    const table = new PairTable();
    const days = Array.from({ length: 400 }, (_, i) => (i * 7919) % 400);
    for (const d of days) table.index(3, d);
    table.index(1, 5);
    expect([...table.sorted()].map((i) => table.second(i))).toEqual([5, ...Array.from({ length: 400 }, (_, i) => i)]);
  });
});

describe('PairTable.range', () => {
  it('finds the run of each first in the sorted order, and an empty run for an absent one', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -5, max: 40 }), fc.nat(20)), { maxLength: 300 }), fc.integer({ min: -6, max: 41 }), (pairs, probe) => {
        const table = new PairTable();
        for (const [f, s] of pairs) table.index(f, s);
        const order = table.sorted();
        const [start, end] = table.range(order, probe);
        const expected = new Set(pairs.filter(([f]) => f === probe).map(([, s]) => s));
        expect([...order.subarray(start, end)].map((i) => table.second(i))).toEqual([...expected].sort((a, b) => a - b));
      }),
    );
  });
});
