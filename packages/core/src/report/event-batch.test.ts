import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EVENT_KINDS, type MailEvent } from '../event.js';
import { shapeEvent, type SparseEvent } from '../parse/event-shape.js';
import type { ParsedEvent } from '../parse/format.js';
import { optional, parsedEventFields } from '../../../../test/helpers/arbitrary-events.js';
import { BatchLineView, EventBatch, eventsFromCompact, eventsOfBatchLine, sparseJson } from './event-batch.js';

/** The compact form's definition, as a copy per event: the set fields but `source`, in shape order. */
function sparseEvent(e: MailEvent): SparseEvent {
  const out = {} as Record<string, unknown>;
  for (const key in e) {
    const v = (e as unknown as Record<string, unknown>)[key];
    if (v !== undefined && key !== 'source') out[key] = v;
  }
  return out as unknown as SparseEvent;
}

const text = fc.string({ unit: 'grapheme', maxLength: 30 });
const parsed = parsedEventFields(text);
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

describe('a batch line read lazily (BatchLineView)', () => {
  it('finds every event, reads its string fields without parsing it, and parses it as the whole line does (property)', () => {
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
  });
});

