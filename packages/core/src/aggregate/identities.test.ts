import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IdTable } from './identities.js';
import { IdColumn } from './growable-column.js';

describe('IdTable', () => {
  it('numbers keys densely in arrival order, refuses new keys past the cap, and interns past it', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('id', 'intern', 'find'), fc.string({ maxLength: 20 })), { maxLength: 300 }), fc.integer({ min: 0, max: 40 }), (ops, cap) => {
        const table = new IdTable(cap);
        const model = new Map<string, number>();
        for (const [op, key] of ops) {
          const known = model.get(key);
          const got = op === 'id' ? table.id(key) : op === 'intern' ? table.intern(key) : table.find(key);
          if (known !== undefined) expect(got).toBe(known);
          else if (op === 'find' || (op === 'id' && model.size >= cap)) expect(got).toBe(-1);
          else {
            expect(got).toBe(model.size);
            model.set(key, got);
          }
          expect(table.size).toBe(model.size);
        }
        for (const [key, id] of model) expect(table.value(id)).toBe(key);
      }),
    );
  });

  it('pools a key cut from a long line as its own copy, the same one every time', () => {
    const table = new IdTable(10);
    const line = `${'x'.repeat(10_000)} user=<alice.longname@example.co.jp>`;
    const key = line.slice(10_007, 10_007 + 'alice.longname@example.co.jp'.length);
    const pooled = table.pooled(key);
    expect(pooled).toBe('alice.longname@example.co.jp');
    expect(table.pooled('alice.longname@example.co.jp')).toBe(pooled);
    // Full: a new key is still returned, not shared, and not numbered.
    const full = new IdTable(0);
    expect(full.pooled(key)).toBe(key);
    expect(full.size).toBe(0);
  });
});

describe('IdColumn', () => {
  it('behaves as a sparse array of numbers that defaults to 0, however far an id reaches', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(100_000), fc.integer({ min: 0, max: 1000 }), fc.boolean()), { maxLength: 200 }), (ops) => {
        const column = new IdColumn((n) => new Uint32Array(n));
        const model = new Map<number, number>();
        for (const [id, value, add] of ops) {
          if (add) column.add(id, value);
          else column.set(id, value);
          model.set(id, (add ? (model.get(id) ?? 0) : 0) + value);
        }
        for (const [id, value] of model) expect(column.get(id)).toBe(value);
        expect(column.get(100_001)).toBe(0);
      }),
    );
  });
});
