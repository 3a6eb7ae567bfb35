/**
 * Every event in one hidden class. Parsers build events with optional fields present or not, so
 * each combination would be its own V8 shape and every function that reads events (detectors,
 * serializers, summaries) would go megamorphic. The pipeline copies a parsed event into this fixed
 * layout once; absent fields are `undefined`, which every reader already treats as absent.
 */
import type { MailEvent } from '../event.js';
import type { ParsedEvent } from './format.js';

export function shapeEvent(p: ParsedEvent, phase: MailEvent['phase'], source: MailEvent['source'], length: number, truncated: boolean): MailEvent {
  const e: MailEvent = {
    ts: p.ts,
    phase,
    source,
    host: undefined,
    app: p.app,
    kind: p.kind,
    protocol: undefined,
    account: undefined,
    ip: undefined,
    localIp: undefined,
    method: undefined,
    path: undefined,
    status: undefined,
    bytesIn: undefined,
    bytesOut: undefined,
    userAgent: undefined,
    referer: undefined,
    forwardedFor: undefined,
    queueId: undefined,
    session: undefined,
    attempts: undefined,
    detail: undefined,
    from: undefined,
    to: undefined,
    messageId: undefined,
    receivedIps: undefined,
    authResults: undefined,
    truncated: truncated ? true : undefined,
    length,
  };
  // Copy only the fields the parser set: reading the ~20 absent ones by name from parsed events
  // of many shapes cost 4.5 times as much (each miss is a megamorphic lookup).
  for (const key in p) (e as unknown as Record<string, unknown>)[key] = (p as unknown as Record<string, unknown>)[key];
  return e;
}

/**
 * An event without `source`, only the fields that are set: how the warehouse's rows come back
 * (warehouse/records.ts), each row one file's line.
 */
export type SparseEvent = Omit<MailEvent, 'source'>;

export function eventFromSparse(s: SparseEvent, file: string, line: number): MailEvent {
  return shapeEvent(s, s.phase, { file, line }, s.length, s.truncated === true);
}
