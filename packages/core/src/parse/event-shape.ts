/**
 * Every event in one hidden class. Parsers build events with optional fields present or not, so
 * each combination would be its own V8 shape and every function that reads events (detectors,
 * serializers, summaries) would go megamorphic. The pipeline copies a parsed event into this fixed
 * layout once; absent fields are `undefined`, which every reader already treats as absent.
 */
import type { MailEvent } from '../event.js';
import type { ParsedEvent } from './format.js';

export function shapeEvent(p: ParsedEvent, phase: MailEvent['phase'], source: MailEvent['source'], length: number, truncated: boolean): MailEvent {
  return {
    ts: p.ts,
    phase,
    source,
    host: p.host,
    app: p.app,
    kind: p.kind,
    protocol: p.protocol,
    account: p.account,
    ip: p.ip,
    localIp: p.localIp,
    method: p.method,
    path: p.path,
    status: p.status,
    bytesIn: p.bytesIn,
    bytesOut: p.bytesOut,
    userAgent: p.userAgent,
    referer: p.referer,
    queueId: p.queueId,
    session: p.session,
    attempts: p.attempts,
    detail: p.detail,
    from: p.from,
    to: p.to,
    messageId: p.messageId,
    receivedIps: p.receivedIps,
    authResults: p.authResults,
    truncated: truncated ? true : undefined,
    length,
  };
}
