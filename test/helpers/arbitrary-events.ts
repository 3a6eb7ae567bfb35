/**
 * fast-check arbitraries for parsed events whose text fields an attacker chose: the property
 * tests of every form an event takes (records, compact batches, batch lines) draw from these.
 */
import fc from 'fast-check';
import { EVENT_KINDS } from '../../packages/core/src/event.js';

export const optional = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });

/** A parsed event's fields, absent ones undefined; `text` draws every string field. */
export function parsedEventFields(text: fc.Arbitrary<string>) {
  return fc.record({
    ts: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    kind: fc.constantFrom(...EVENT_KINDS),
    app: text,
    account: optional(text),
    ip: optional(text),
    path: optional(text),
    userAgent: optional(text),
    detail: optional(text),
    status: optional(fc.integer({ min: 0, max: 999 })),
    bytesOut: optional(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
    attempts: optional(fc.integer({ min: 1, max: 1_000_000 })),
    to: optional(fc.array(text, { maxLength: 4 })),
    forwardedFor: optional(fc.array(text, { maxLength: 3 })),
  });
}
