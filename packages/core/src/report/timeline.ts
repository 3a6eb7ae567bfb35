/**
 * One row of a timeline: a finding or an event of a flagged entity, with a sentence a person can
 * read. Shared by the HTML report, `mxray explain` and the Timesketch export, so all three tell
 * the same story in the same words.
 */
import type { EventKind, EventSource, MailEvent } from '../event.js';
import type { Finding, Severity } from '../finding.js';
import { cmp } from '../finding.js';

export interface TimelineEntry {
  /** Epoch ms UTC. */
  ts: number;
  /** `finding` or the event kind. */
  type: 'finding' | EventKind;
  /** Set for findings. */
  rule?: string;
  severity?: Severity;
  account: string | null;
  ip: string | null;
  message: string;
  source: EventSource;
}

/** Timesketch's `timestamp_desc`: what the time of the row means. */
export const TIMESTAMP_DESC: Record<TimelineEntry['type'], string> = {
  finding: 'Time of the event behind a finding',
  'session.start': 'Connection time',
  'auth.success': 'Login time',
  'auth.failure': 'Failed login time',
  'session.end': 'Logout time',
  'mail.submit': 'Submission time',
  'mail.deliver': 'Delivery time',
  'http.request': 'Request time',
  'http.error': 'Web server error time',
  header: 'Date of stored mail',
};

export function findingEntry(f: Finding): TimelineEntry {
  return { ts: f.time, type: 'finding', rule: f.rule, severity: f.severity, account: f.account, ip: f.ip, message: f.message, source: f.source };
}

export function eventEntry(e: MailEvent): TimelineEntry {
  return { ts: e.ts, type: e.kind, account: e.account ?? null, ip: e.ip ?? null, message: describeEvent(e), source: e.source };
}

const n = (v: number): string => v.toLocaleString('en-US');
const MAX_PATH = 160;

/** A short sentence for an event; request targets are cut, since they can be megabytes long. */
export function describeEvent(e: MailEvent): string {
  const proto = e.protocol ?? e.app;
  const who = e.account ?? '(unknown account)';
  const from = e.ip ? ` from ${e.ip}` : '';
  switch (e.kind) {
    case 'auth.success':
      return `${proto} login as ${who}${from}${e.detail ? ` (${e.detail})` : ''}`;
    case 'auth.failure':
      return `${proto} failed login${e.account ? ` as ${who}` : ''}${from}${e.attempts && e.attempts > 1 ? `, ${e.attempts} attempts` : ''}${e.detail ? ` (${e.detail})` : ''}`;
    case 'session.end': {
      const bytes = e.bytesOut !== undefined ? `: ${n(e.bytesOut)} bytes out${e.bytesIn !== undefined ? `, ${n(e.bytesIn)} in` : ''}` : '';
      return `${proto} session of ${who} ended${from}${bytes}`;
    }
    case 'mail.submit':
      return `message submitted${e.account ? ` by ${who}` : ''}${from}${e.from ? `, sender ${e.from}` : ''}${e.bytesIn !== undefined ? `, ${n(e.bytesIn)} bytes` : ''}${e.queueId ? ` (queue ${e.queueId})` : ''}`;
    case 'mail.deliver':
      return `message delivered${e.to?.length ? ` to ${e.to.join(', ')}` : ''}${e.queueId ? ` (queue ${e.queueId})` : ''}`;
    case 'http.request': {
      const target = e.path === undefined ? '-' : e.path.length > MAX_PATH ? `${e.path.slice(0, MAX_PATH)}… (${n(e.path.length)} chars)` : e.path;
      const status = e.status === undefined ? '' : ` → ${e.status}`;
      const user = e.account ? ` as ${who}` : '';
      return `${e.method ?? '-'} ${target}${from}${user}${status}${e.length > 1024 ? `, line ${n(e.length)} bytes` : ''}`;
    }
    case 'http.error': {
      const target = e.path === undefined ? '' : ` on ${e.path.length > MAX_PATH ? `${e.path.slice(0, MAX_PATH)}… (${n(e.path.length)} chars)` : e.path}`;
      return `web server: ${e.detail ?? 'error'}${target}${from}`;
    }
    case 'header':
      return `stored mail${e.messageId ? ` ${e.messageId}` : ''}${e.from ? ` from ${e.from}` : ''}${e.to?.length ? ` to ${e.to.join(', ')}` : ''}${e.ip ? `, originating IP ${e.ip}` : ''}`;
    case 'session.start':
      return `${proto} connection${from}`;
  }
}

/** Time, then findings before events of the same instant, then source: a total order. */
export function compareEntries(a: TimelineEntry, b: TimelineEntry): number {
  return (
    a.ts - b.ts ||
    Number(b.type === 'finding') - Number(a.type === 'finding') ||
    cmp(a.source.file, b.source.file) ||
    a.source.line - b.source.line ||
    cmp(a.rule ?? '', b.rule ?? '') ||
    cmp(a.message, b.message)
  );
}
