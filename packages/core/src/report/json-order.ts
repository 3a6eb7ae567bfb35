/**
 * Serializers with a fixed key order: outputs must be byte-identical across runs, and object key
 * order in JS follows insertion, which differs between parsers.
 *
 * This is on the hot path (checkpoints and the activity spool serialize every event), so a line
 * is built as a string directly: no intermediate object, one `toISOString` per distinct second,
 * and a batch serialized once however many writers need it.
 */
import type { MailEvent } from '../event.js';

const EVENT_KEYS: ReadonlyArray<keyof MailEvent> = [
  'ts', 'phase', 'source', 'host', 'app', 'kind', 'protocol', 'account', 'ip', 'localIp', 'method', 'path',
  'status', 'bytesIn', 'bytesOut', 'userAgent', 'referer', 'queueId', 'session', 'attempts', 'detail',
  'from', 'to', 'messageId', 'receivedIps', 'authResults', 'truncated', 'length',
];
const KEY_PREFIX = new Map(EVENT_KEYS.map((k) => [k, `,${JSON.stringify(k)}:`]));

let lastTs = NaN;
let lastIso = '';

function isoTime(ts: number): string {
  if (ts !== lastTs) {
    lastTs = ts;
    lastIso = JSON.stringify(new Date(ts).toISOString());
  }
  return lastIso;
}

/** One events.jsonl line (no newline). `time` (ISO 8601 UTC) is added beside `ts` for people. */
export function eventToJson(event: MailEvent): string {
  let out = `{"time":${isoTime(event.ts)}`;
  for (const key of EVENT_KEYS) {
    const v = event[key];
    if (v === undefined) continue;
    out += KEY_PREFIX.get(key)!;
    if (typeof v === 'string') out += JSON.stringify(v);
    else if (typeof v === 'number') out += Number.isFinite(v) ? String(v) : 'null';
    else if (key === 'source') out += `{"file":${JSON.stringify(event.source.file)},"line":${event.source.line}}`;
    else out += JSON.stringify(v);
  }
  return `${out}}`;
}

const batches = new WeakMap<readonly MailEvent[], string[]>();

/** The lines of a batch, serialized once for every writer that asks for the same batch. */
export function batchToJson(events: readonly MailEvent[]): string[] {
  let lines = batches.get(events);
  if (!lines) batches.set(events, (lines = events.map(eventToJson)));
  return lines;
}
