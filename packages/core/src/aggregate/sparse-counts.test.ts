import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SparseCounts } from './sparse-counts.js';

describe('SparseCounts', () => {
  it('counts like a Map for any sequence of additions', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 1, max: 9 }))), (adds) => {
        const s = new SparseCounts();
        const m = new Map<number, number>();
        for (const [k, n] of adds) {
          s.add(k, n);
          m.set(k, (m.get(k) ?? 0) + n);
        }
        for (let k = -6; k <= 6; k++) expect(s.get(k)).toBe(m.get(k) ?? 0);
      }),
    );
  });
});
