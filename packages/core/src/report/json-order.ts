/**
 * Serializers with a fixed key order: outputs must be byte-identical across runs, and object key
 * order in JS follows insertion, which differs between parsers.
 *
 * This is on the hot path (checkpoints and the activity spool serialize every event), so a line
 * is built as a string directly: no intermediate object, one `toISOString` per distinct second,
 * and a batch serialized once however many writers need it.
 */
import type { MailEvent } from '../event.js';

let lastTs = NaN;
let lastIso = '';

function isoTime(ts: number): string {
  if (ts !== lastTs) {
    lastTs = ts;
    lastIso = JSON.stringify(new Date(ts).toISOString());
  }
  return lastIso;
}

/**
 * One events.jsonl line (no newline). `time` (ISO 8601 UTC) is added beside `ts` for people.
 * Keys in `MailEvent` declaration order, each read by name: a loop over key names read with
 * `event[key]` was the serializer's main cost (keyed loads).
 */
export function eventToJson(e: MailEvent): string {
  return (
    `{"time":${isoTime(e.ts)}${field(',"ts":', e.ts)}${field(',"phase":', e.phase)}` +
    `,"source":{"file":${JSON.stringify(e.source.file)},"line":${e.source.line}}` +
    `${field(',"host":', e.host)}${field(',"app":', e.app)}${field(',"kind":', e.kind)}${field(',"protocol":', e.protocol)}` +
    `${field(',"account":', e.account)}${field(',"ip":', e.ip)}${field(',"localIp":', e.localIp)}` +
    `${field(',"method":', e.method)}${field(',"path":', e.path)}${field(',"status":', e.status)}` +
    `${field(',"bytesIn":', e.bytesIn)}${field(',"bytesOut":', e.bytesOut)}${field(',"userAgent":', e.userAgent)}` +
    `${field(',"referer":', e.referer)}${field(',"forwardedFor":', e.forwardedFor)}${field(',"queueId":', e.queueId)}${field(',"session":', e.session)}` +
    `${field(',"attempts":', e.attempts)}${field(',"detail":', e.detail)}${field(',"from":', e.from)}${field(',"to":', e.to)}` +
    `${field(',"messageId":', e.messageId)}${field(',"receivedIps":', e.receivedIps)}${field(',"authResults":', e.authResults)}` +
    `${field(',"truncated":', e.truncated)}${field(',"length":', e.length)}}`
  );
}

function field(prefix: string, v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return prefix + JSON.stringify(v);
  if (typeof v === 'number') return prefix + (Number.isFinite(v) ? String(v) : 'null');
  return prefix + JSON.stringify(v);
}

/** Lines as JSONL text, each newline-terminated; joined once (`+=` built a rope to flatten later). */
export function jsonlText(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

