/** What detectors report (DESIGN §5 `findings.jsonl`). */
import type { EventSource, MailEvent } from './event.js';

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

export function isSeverity(v: string): v is Severity {
  return (SEVERITIES as readonly string[]).includes(v);
}

export interface Finding {
  /**
   * Epoch milliseconds UTC of the event that triggered it (the first, when several did). One
   * representation in the library; every output file writes it as ISO 8601 UTC (`…Z`).
   */
  time: number;
  rule: string;
  severity: Severity;
  account: string | null;
  ip: string | null;
  source: EventSource;
  message: string;
  /** The values that crossed the thresholds, and the thresholds. */
  evidence: Record<string, unknown>;
}

/** Time, then rule, then account, IP and source: a total order, so output never depends on arrival. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.time - b.time ||
    cmp(a.rule, b.rule) ||
    cmp(a.account ?? '', b.account ?? '') ||
    cmp(a.ip ?? '', b.ip ?? '') ||
    cmp(a.source.file, b.source.file) ||
    a.source.line - b.source.line ||
    cmp(a.message, b.message)
  );
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether (ts, source) `a` comes before `b`: first-seen state must not depend on arrival order. */
export function isEarlier(aTs: number, a: EventSource, bTs: number, b: EventSource): boolean {
  return aTs < bTs || (aTs === bTs && (cmp(a.file, b.file) || a.line - b.line) < 0);
}

/** Where something was first seen: time, client and line. Kept instead of the event, which pins its line. */
export interface Mark {
  ts: number;
  ip: string | undefined;
  source: EventSource;
}

export const markOf = (e: MailEvent): Mark => ({ ts: e.ts, ip: e.ip, source: e.source });
