import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EVENT_KINDS, type MailEvent } from '../event.js';
import { shapeEvent } from '../parse/event-shape.js';
import type { ParsedEvent } from '../parse/format.js';
import { optional, parsedEventFields } from '../../../../test/helpers/arbitrary-events.js';
import { BatchLineView, EventBatch, compactJson, eventsFromCompact, eventsOfBatchLine, keyedEventsFromCompact, type KeyPool } from './event-batch.js';
import { Identities, NO_KEY, REFUSED_KEY } from '../aggregate/identities.js';

/**
 * The compact form's definition, written out plainly: per field in shape order (`source` aside)
 * the values of the events that set it, a bit per set field in each event's mask, and for the
 * dictionary fields the distinct values in order of first use, their columns holding indexes.
 */
const FIELDS = ['ts', 'phase', 'host', 'app', 'kind', 'protocol', 'account', 'ip', 'localIp', 'method', 'path', 'status', 'bytesIn', 'bytesOut', 'userAgent', 'referer', 'forwardedFor', 'queueId', 'session', 'attempts', 'detail', 'from', 'to', 'messageId', 'receivedIps', 'authResults', 'truncated', 'length'] as const;
const DICTIONARY = new Set(['phase', 'host', 'app', 'kind', 'protocol', 'localIp', 'method', 'detail']);
function columnsOf(events: readonly MailEvent[]): unknown {
  const m = events.map((e) => FIELDS.reduce((mask, f, k) => (e[f] === undefined ? mask : mask | (1 << k)), 0));
  const d: Array<unknown[] | null> = FIELDS.map((f) => (DICTIONARY.has(f) ? [...new Set<unknown>(events.map((e) => e[f]).filter((v) => v !== undefined))] : null));
  const c = FIELDS.map((f, k) => events.filter((e) => e[f] !== undefined).map((e) => (d[k] === null ? e[f] : d[k]!.indexOf(e[f]))));
  return { m, c, d };
}

const text = fc.string({ unit: 'grapheme', maxLength: 30 });
// Every field an event can have, so that a field the columns left out could not pass.
const parsed = fc
  .tuple(
    parsedEventFields(text),
    fc.record({
      host: optional(text),
      protocol: optional(fc.constantFrom('imap', 'pop3', 'smtp', 'http')),
      localIp: optional(text),
      method: optional(text),
      bytesIn: optional(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
      referer: optional(text),
      queueId: optional(text),
      session: optional(text),
      from: optional(text),
      messageId: optional(text),
      receivedIps: optional(fc.array(text, { maxLength: 3 })),
      authResults: optional(text),
    }),
  )
  .map(([a, b]) => ({ ...a, ...b }));
const events = fc.array(
  fc.tuple(parsed, fc.constantFrom('baseline', 'window', 'after') as fc.Arbitrary<MailEvent['phase']>, fc.integer({ min: 1, max: 2 ** 31 }), fc.boolean()),
  { maxLength: 12 },
).map((rows) => rows.map(([p, phase, line, truncated]) => shapeEvent(p as ParsedEvent, phase, { file: 'mx01/maillog', line }, 99, truncated)));

describe('a batch in its compact form', () => {
  it('has a column for every field of the event shape', () => {
    const e = shapeEvent({ ts: 0, kind: 'header', app: 'x' } as ParsedEvent, 'window', { file: 'f', line: 1 }, 0, false);
    expect([...FIELDS]).toEqual(Object.keys(e).filter((k) => k !== 'source'));
  });

  it('is the events as columns in JSON, and leaves the events as they were (property)', () => {
    fc.assert(
      fc.property(events, (batch) => {
        const before = batch.map((e) => ({ ...e, source: { ...e.source } }));
        expect(JSON.parse(compactJson(batch))).toStrictEqual(columnsOf(batch));
        expect(batch).toStrictEqual(before);
        expect(batch.every((e, i) => e.source.line === before[i]!.source.line)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('comes back as the same events on the other side (property)', () => {
    fc.assert(
      fc.property(events, (batch) => {
        const { json, lines } = new EventBatch('mx01/maillog', batch).compact();
        const back = eventsFromCompact(json, lines, 'mx01/maillog');
        expect(back).toStrictEqual(batch);
        // In shapeEvent's key order too: one hidden class for events from either side.
        expect(back.map((e) => Object.keys(e))).toEqual(batch.map((e) => Object.keys(e)));
      }),
      { numRuns: 300 },
    );
  });

  it('hands every account and address to its pool in event order, the events hold what it keeps, and each event its ids (property)', () => {
    fc.assert(
      fc.property(events, fc.integer({ min: 0, max: 6 }), (batch, cap) => {
        const { json, lines } = new EventBatch('mx01/maillog', batch).compact();
        const asked: string[] = [];
        // A pool like the scan's tables: numbers values as it first sees them, refuses new ones past `cap`.
        const pool = (tag: string): KeyPool => {
          const ids = new Map<string, number>();
          return {
            id: (v) => {
              asked.push(`${tag}:${v}`);
              const known = ids.get(v);
              if (known !== undefined) return known;
              if (ids.size >= cap) return REFUSED_KEY;
              ids.set(v, ids.size);
              return ids.size - 1;
            },
            kept: (id, v) => `${tag}${id}:${v}`,
          };
        };
        const back = keyedEventsFromCompact(json, lines, 'mx01/maillog', { account: pool('a'), ip: pool('i') });
        const inOrder = (f: 'account' | 'ip', tag: string) => batch.map((e) => e[f]).filter((v) => v !== undefined).map((v) => `${tag}:${v}`);
        expect(asked).toEqual([...inOrder('account', 'a'), ...inOrder('ip', 'i')]);
        // The ids each event should get, replayed in the same order of asking.
        const numbered = (f: 'account' | 'ip'): number[] => {
          const ids = new Map<string, number>();
          return batch.map((e) => {
            const v = e[f];
            if (v === undefined) return NO_KEY;
            const known = ids.get(v);
            if (known !== undefined) return known;
            if (ids.size >= cap) return REFUSED_KEY;
            ids.set(v, ids.size);
            return ids.size - 1;
          });
        };
        const accountIds = numbered('account');
        const ipIds = numbered('ip');
        expect(Array.from(back.keys.accounts)).toEqual(accountIds);
        expect(Array.from(back.keys.ips)).toEqual(ipIds);
        expect(back.events).toStrictEqual(
          batch.map((e, i) => ({
            ...e,
            account: e.account === undefined ? undefined : `a${accountIds[i]}:${e.account}`,
            ip: e.ip === undefined ? undefined : `i${ipIds[i]}:${e.ip}`,
          })),
        );
      }),
      { numRuns: 200 },
    );
  });

  it("gives the ids it was made with for those tables only, and looks them up in any other tables", () => {
    const events = ['a@example.jp', 'b@example.jp', 'a@example.jp'].map((account, i) =>
      shapeEvent({ ts: i, kind: 'auth.success', app: 'dovecot', account, ip: `192.0.2.${i}` } as ParsedEvent, 'window', { file: 'f', line: i + 1 }, 10, false),
    );
    const scanTables = new Identities(100);
    scanTables.accounts.id('someone-else@example.jp');
    const made = { accounts: Int32Array.of(7, 8, 7), ips: Int32Array.of(1, 2, 3) };
    const batch = new EventBatch('f', events, { keys: { identities: scanTables, keys: made } });
    expect(batch.keys(scanTables)).toBe(made);
    const other = new Identities(100);
    expect(Array.from(batch.keys(other).accounts)).toEqual([0, 1, 0]);
    expect(Array.from(batch.keys(other).ips)).toEqual([0, 1, 2]);
    expect(Array.from(batch.keys(scanTables).accounts)).toEqual([1, 2, 1]);
  });

  it('refuses damaged columns instead of reading them half', () => {
    const batch = [
      shapeEvent({ ts: 1, kind: 'auth.success', app: 'dovecot', account: 'a@example.jp', ip: '192.0.2.1' } as ParsedEvent, 'window', { file: 'f', line: 1 }, 10, false),
      shapeEvent({ ts: 2, kind: 'auth.failure', app: 'dovecot', ip: '192.0.2.2' } as ParsedEvent, 'window', { file: 'f', line: 2 }, 10, false),
    ];
    const columns = JSON.parse(compactJson(batch)) as { m: number[]; c: unknown[][] };
    const lines = [1, 2];
    expect(eventsFromCompact(JSON.stringify(columns), lines, 'f')).toStrictEqual(batch);
    // A value missing from a column, a mask with a field the columns lack, a line number too many.
    const short = structuredClone(columns);
    short.c[7]!.pop();
    expect(() => eventsFromCompact(JSON.stringify(short), lines, 'f')).toThrow(/not a batch/);
    const extra = structuredClone(columns);
    extra.m[1]! |= 1 << 6;
    expect(() => eventsFromCompact(JSON.stringify(extra), lines, 'f')).toThrow(/not a batch/);
    expect(() => eventsFromCompact(JSON.stringify(columns), [1, 2, 3], 'f')).toThrow(/not a batch/);
    // A dictionary index with no value behind it.
    const badIndex = structuredClone(columns);
    badIndex.c[4]![0] = 99;
    expect(() => eventsFromCompact(JSON.stringify(badIndex), lines, 'f')).toThrow(/not a batch/);
    expect(() => eventsOfBatchLine('null')).toThrow(/not a batch/);
    expect(() => eventsFromCompact('[{"ts":1}]', [1], 'f')).toThrow(/not a batch/);
  });
});

describe('a batch line read lazily (BatchLineView)', () => {
  it('finds every event, reads its string fields from their columns, and gives the events the whole line gives (property)', () => {
    // Text an attacker chose, with the very sequences the view splits on.
    const hostile = fc.oneof(text, fc.constantFrom('},{"ts":1', ',"account":"x', '\\"', '"}]}', 'a\\', '\u2028', '\u0000'));
    const withHostile = fc.array(
      fc.record({ ts: fc.integer({ min: 0, max: 4_102_444_800_000 }), kind: fc.constantFrom(...EVENT_KINDS), app: hostile, account: optional(hostile), ip: optional(hostile), path: optional(hostile), detail: optional(hostile) }),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(withHostile, fc.constantFrom('window', 'baseline'), (rows, phase) => {
        const batch = rows.map((p, i) => shapeEvent(p as ParsedEvent, phase as MailEvent['phase'], { file: 'web "01"/access_log', line: i + 1 }, 10, false));
        const line = new EventBatch('web "01"/access_log', batch).line();
        const view = new BatchLineView(`${line}\n`);
        const whole = eventsOfBatchLine(line);
        expect(view.count).toBe(batch.length);
        expect(view.file).toBe('web "01"/access_log');
        for (let i = 0; i < batch.length; i++) {
          for (const key of ['account', 'ip', 'phase', 'kind', 'path'] as const) expect(view.stringField(i, key)).toBe(batch[i]![key]);
          expect(view.event(i)).toStrictEqual(whole[i]);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('refuses a line that is no batch', () => {
    expect(() => new BatchLineView('{"f":"x","l":[1,2],"e":[{"ts":1}]}')).toThrow(/not a batch/);
    expect(() => new BatchLineView('[]')).toThrow(/not a batch/);
    expect(() => new BatchLineView('{"f":"x","l":[1,2')).toThrow(/not a batch/);
    const one = new EventBatch('x', [shapeEvent({ ts: 1, kind: 'header', app: 'headers' } as ParsedEvent, 'window', { file: 'x', line: 1 }, 1, false)]).line();
    expect(new BatchLineView(one).count).toBe(1);
    expect(() => new BatchLineView(one.replace('"l":[1]', '"l":[1,2]'))).toThrow(/not a batch/);
  });
});

