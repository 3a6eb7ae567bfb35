import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EVENT_KINDS, type MailEvent } from '../event.js';
import { shapeEvent, sparseEvent } from '../parse/event-shape.js';
import type { ParsedEvent } from '../parse/format.js';
import { EventBatch, eventsFromCompact, sparseJson } from './event-batch.js';

const text = fc.string({ unit: 'grapheme', maxLength: 30 });
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const parsed = fc.record({
  ts: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  kind: fc.constantFrom(...EVENT_KINDS),
  app: text,
  account: optional(text),
  ip: optional(text),
  path: optional(text),
  status: optional(fc.integer({ min: 0, max: 999 })),
  bytesOut: optional(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
  to: optional(fc.array(text, { maxLength: 3 })),
  detail: optional(text),
});
const events = fc.array(
  fc.tuple(parsed, fc.constantFrom('baseline', 'window', 'after') as fc.Arbitrary<MailEvent['phase']>, fc.integer({ min: 1, max: 2 ** 31 }), fc.boolean()),
  { maxLength: 12 },
).map((rows) => rows.map(([p, phase, line, truncated]) => shapeEvent(p as ParsedEvent, phase, { file: 'mx01/maillog', line }, 99, truncated)));

describe('a batch in its compact form', () => {
  it('is the sparse events as JSON, and leaves the events as they were (property)', () => {
    fc.assert(
      fc.property(events, (batch) => {
        const before = batch.map((e) => ({ ...e, source: { ...e.source } }));
        expect(sparseJson(batch)).toBe(JSON.stringify(batch.map(sparseEvent)));
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
        expect(eventsFromCompact(json, lines, 'mx01/maillog')).toStrictEqual(batch);
      }),
      { numRuns: 300 },
    );
  });
});
