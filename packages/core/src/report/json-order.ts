/**
 * Serializers with a fixed key order: outputs must be byte-identical across runs, and object key
 * order in JS follows insertion, which differs between parsers.
 */
import type { MailEvent } from '../event.js';

const EVENT_KEYS: ReadonlyArray<keyof MailEvent> = [
  'ts', 'phase', 'source', 'host', 'app', 'kind', 'protocol', 'account', 'ip', 'localIp', 'method', 'path',
  'status', 'bytesIn', 'bytesOut', 'userAgent', 'referer', 'queueId', 'session', 'attempts', 'detail',
  'from', 'to', 'messageId', 'receivedIps', 'authResults', 'truncated', 'length',
];

/** One events.jsonl line (no newline). `time` (ISO 8601 UTC) is added beside `ts` for people. */
export function eventToJson(event: MailEvent): string {
  const out: Record<string, unknown> = { time: new Date(event.ts).toISOString() };
  for (const key of EVENT_KEYS) {
    const v = event[key];
    if (v !== undefined) out[key] = key === 'source' ? { file: event.source.file, line: event.source.line } : v;
  }
  return JSON.stringify(out);
}
