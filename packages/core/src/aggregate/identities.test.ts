import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatIPv4, Identities, IdTable, IpTable, NO_KEY, parseCanonicalIPv4 } from './identities.js';
import { ScanSummaryBuilder } from './scan-summary.js';
import { KeyLimits } from './bounded-map.js';
import { shapeEvent } from '../parse/event-shape.js';
import type { ParsedEvent } from '../parse/format.js';
import type { MailEvent } from '../event.js';
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

describe('IpTable', () => {
  const address = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.constantFrom('010.0.0.1', '1.2.3', '1.2.3.4.5', '256.1.1.1', '0.0.0.0', '255.255.255.255', '1..2.3', 'unknown', ''),
  );

  it('numbers addresses as an IdTable would, and gives each back exactly as it came', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('id', 'intern', 'find'), address), { maxLength: 300 }), fc.integer({ min: 0, max: 40 }), (ops, cap) => {
        const table = new IpTable(cap);
        const model = new IdTable(cap);
        for (const [op, ip] of ops) {
          expect(table[op](ip)).toBe(model[op](ip));
          expect(table.size).toBe(model.size);
        }
        for (let id = 0; id < model.size; id++) expect(table.value(id)).toBe(model.value(id));
      }),
    );
  });

  it('reads an address as a number only when writing the number back gives the same text', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const n = parseCanonicalIPv4(ip);
        expect(n).toBeGreaterThanOrEqual(0);
        expect(formatIPv4(n)).toBe(ip);
      }),
    );
    for (const bad of ['010.0.0.1', '1.2.3', '1.2.3.4.', '.1.2.3', '256.0.0.0', '1.2.3.4 ', '::ffff:1.2.3.4']) expect(parseCanonicalIPv4(bad), bad).toBe(-1);
  });
});

describe('Identities.keysOf and the summary by keys', () => {
  const event = fc.record({
    kind: fc.constantFrom('auth.success', 'auth.failure', 'session.end'),
    phase: fc.constantFrom('baseline', 'window', 'after'),
    account: fc.option(fc.constantFrom('a@example.jp', 'b@example.jp', 'c@example.jp', 'd@example.jp'), { nil: undefined }),
    ip: fc.option(fc.constantFrom('192.0.2.1', '192.0.2.2', '2001:db8::1', '198.51.100.7'), { nil: undefined }),
  });

  it('gives each event the ids `id` gives, and the summary counts by them what it counts by strings (property)', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), fc.integer({ min: 0, max: 5 }), (events, cap) => {
        const shaped = events.map((e, i) => shapeEvent({ ts: i, app: 'dovecot', ...e } as ParsedEvent, e.phase as MailEvent['phase'], { file: 'f', line: i + 1 }, 10, false));
        const byKeys = new Identities(cap);
        const keys = byKeys.keysOf(shaped);
        const byStrings = new Identities(cap);
        shaped.forEach((e, i) => {
          expect(keys.accounts[i]).toBe(e.account === undefined ? NO_KEY : byStrings.accounts.id(e.account));
          expect(keys.ips[i]).toBe(e.ip === undefined ? NO_KEY : byStrings.ips.id(e.ip));
        });
        const summed = new ScanSummaryBuilder(new KeyLimits(cap), new Identities(cap));
        summed.addAll(shaped, new Identities(cap).keysOf(shaped));
        const added = new ScanSummaryBuilder(new KeyLimits(cap), new Identities(cap));
        for (const e of shaped) added.add(e);
        expect(summed.build([], 0)).toEqual(added.build([], 0));
      }),
    );
  });
});

describe('Identities.prime', () => {
  it('answers the primed event keys, ignores refused and absent ones, and still answers every other key (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ account: fc.option(fc.constantFrom('a@x', 'b@x', 'c@x', 'd@x', 'e@x'), { nil: undefined }), ip: fc.option(fc.constantFrom('192.0.2.1', '192.0.2.2', '2001:db8::1', 'fe80::1'), { nil: undefined }) }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 4 }),
        (events, cap) => {
          const identities = new Identities(cap);
          const reference = new Identities(cap);
          const keys = identities.keysOf(events);
          reference.keysOf(events);
          events.forEach((event, i) => {
            identities.prime(event, keys, i);
            // Each consumer's question, on primed and unprimed tables alike, has the same answer.
            for (const e of [event, ...events]) {
              if (e.account !== undefined) {
                expect(identities.accounts.find(e.account)).toBe(reference.accounts.find(e.account));
                expect(identities.accounts.id(e.account)).toBe(reference.accounts.id(e.account));
              }
              if (e.ip !== undefined) {
                expect(identities.ips.find(e.ip)).toBe(reference.ips.find(e.ip));
                expect(identities.ips.id(e.ip)).toBe(reference.ips.id(e.ip));
              }
            }
          });
        },
      ),
    );
  });
});
