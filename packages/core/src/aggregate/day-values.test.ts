import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DayValues } from './day-values.js';

describe('DayValues', () => {
  it('behaves as a Map of days, in first-set order, for any days (before 1970 included)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -30_000, max: 30_000 }), fc.string()), { maxLength: 40 }), (ops) => {
        const days = new DayValues<string>();
        const map = new Map<number, string>();
        for (const [day, value] of ops) {
          days.set(day, value);
          map.set(day, value);
          expect(days.get(day)).toBe(value);
        }
        expect([...days.entries()]).toEqual([...map.entries()]);
        expect([...days.values()]).toEqual([...map.values()]);
        expect(days.get(123_456)).toBeUndefined();
      }),
    );
  });
});
