/**
 * `mxray explain DIR ACCOUNT|IP`: one entity's verdict, why (each rule and its findings) and its
 * timeline, from a finished scan's outputs. Uses events.jsonl when the scan wrote it (every
 * event), else activity.jsonl (window events of flagged entities).
 */
import path from 'node:path';
import type { MailEvent } from '../event.js';
import { severityRank, type Finding, type Severity } from '../finding.js';
import type { AccountVerdict, IpVerdict } from '../verdict/verdicts.js';
import { normalizeAccount, normalizeIp } from '../parse/normalize.js';
import { InvalidOptionError } from '../errors.js';
import { bothZones, escapeForTerminal } from './terminal-summary.js';
import { compareEntries, eventEntry, findingEntry, type TimelineEntry } from './timeline.js';
import { exists, readAccountVerdicts, readFindings, readIpVerdicts, readJsonl, readManifest } from './scan-outputs.js';

export interface Explanation {
  kind: 'account' | 'ip';
  entity: string;
  /** Undefined when the scan did not flag it. */
  verdict?: AccountVerdict | IpVerdict;
  findings: Finding[];
  /** Findings and events, oldest first. */
  timeline: TimelineEntry[];
  /** Where the events came from: `events.jsonl`, `activity.jsonl`, or none. */
  eventsFrom: string | null;
  /** The scan's window, for context. */
  window: { since: string; until: string | null; tz: string };
  /**
   * Whether the scan saw it at all: `yes` (flagged, or in events.jsonl), `no` (events.jsonl, which
   * holds every event, never names it), `unknown` (no events.jsonl: the scan was run without
   * --events, and an unflagged account leaves no trace in the outputs).
   */
  seen: 'yes' | 'no' | 'unknown';
}

/** `010.000.000.001`: dotted digits that are no address as written. */
const DOTTED_WITH_LEADING_ZEROS = /^\d{1,3}(?:\.\d{1,3}){3}$/;

export async function explainEntity(dir: string, query: string): Promise<Explanation> {
  const manifest = await readManifest(dir);
  const ip = normalizeIp(query);
  if (ip === undefined && DOTTED_WITH_LEADING_ZEROS.test(query.trim())) {
    const decimal = query.trim().split('.').map((p) => String(Number(p))).join('.');
    throw new InvalidOptionError(`${JSON.stringify(query)} has leading zeros, which some tools read as octal: write the address as ${decimal} if that is what you mean`);
  }
  const kind = ip !== undefined ? 'ip' : 'account';
  const entity = ip ?? normalizeAccount(query);
  if (entity === undefined || entity === '') throw new InvalidOptionError(`not an account or IP address: ${JSON.stringify(query)}`);
  const matches = (x: { account?: string | null; ip?: string | null }): boolean => (kind === 'ip' ? x.ip === entity : x.account === entity);

  const findings = await readFindings(dir, matches);
  const verdict = kind === 'ip' ? (await readIpVerdicts(dir, (v) => v.ip === entity))[0] : (await readAccountVerdicts(dir, (a) => a.account === entity))[0];
  let eventsFrom: string | null = null;
  let events: MailEvent[] = [];
  for (const name of ['events.jsonl', 'activity.jsonl']) {
    const file = path.join(dir, name);
    if (await exists(file)) {
      eventsFrom = name;
      events = await readJsonl<MailEvent>(file, (e) => matches(e));
      break;
    }
  }
  const timeline = [...findings.map(findingEntry), ...events.map(eventEntry)].sort(compareEntries);
  const seen = verdict !== undefined || findings.length > 0 || events.length > 0 ? 'yes' : eventsFrom === 'events.jsonl' ? 'no' : 'unknown';
  return { kind, entity, ...(verdict && { verdict }), findings, timeline, eventsFrom, window: manifest.window, seen };
}

const n = (v: number): string => v.toLocaleString('en-US');

/** The explanation as terminal text; evidence text is escaped. `limit` caps the timeline rows. */
export function formatExplanation(x: Explanation, limit = 200): string {
  const t = escapeForTerminal;
  const lines: string[] = [];
  const v = x.verdict;
  const unflagged =
    x.seen === 'no'
      ? 'never seen: no line of the scanned logs names it (events.jsonl holds every event)'
      : x.seen === 'yes'
        ? 'seen, not flagged'
        : 'not flagged (whether it was seen at all needs a scan with --events: without events.jsonl an unflagged name leaves no trace)';
  lines.push(v ? `${x.kind} ${t(x.entity)} — ${v.verdict}, ${v.severity}` : `${x.kind} ${t(x.entity)} — ${unflagged}`);
  if (v) lines.push(`  verdict  ${t(v.reason)}`);
  lines.push(`  window   ${bothZones(x.window.since, x.window.tz)} → ${x.window.until ? bothZones(x.window.until, x.window.tz) : 'end of data'}`);
  if (v && 'account' in v) {
    const c = v.counts;
    lines.push(`  from     ${v.ips.map(t).join(', ') || '-'}`);
    lines.push(`  activity ${n(c.logins)} logins, ${n(c.failedAttempts)} failed attempts, ${n(c.bytesOut)} bytes out, ${n(c.messagesSent)} messages sent (window)`);
  } else if (v) {
    const where = [v.country, v.asn !== undefined ? `AS${v.asn}` : undefined, v.asnOrg].filter(Boolean).join(' ');
    if (where) lines.push(`  network  ${t(where)}`);
    lines.push(`  accounts ${v.accounts.map(t).join(', ') || '-'}`);
  }
  if (v && v.chain.length > 0) {
    lines.push('  evidence');
    for (const l of v.chain.slice(0, 8)) lines.push(`    ${l.role.padEnd(13)} ${l.time} ${l.rule} (${l.severity})${l.ip ? ` from ${t(l.ip)}` : ''}  [${t(l.source.file)}:${l.source.line}]`);
    if (v.chain.length > 8) lines.push(`    … ${v.chain.length - 8} more in ${x.kind === 'ip' ? 'ips' : 'accounts'}.jsonl`);
  }
  if (x.findings.length === 0) {
    lines.push('  why      no findings in this scan');
  } else {
    lines.push('  why');
    const byRule = new Map<string, Finding[]>();
    for (const f of x.findings) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
    for (const [rule, list] of [...byRule].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const worst = list.reduce((s, f) => (severityRank(f.severity) > severityRank(s) ? f.severity : s), 'info' as Severity);
      lines.push(`    ${rule} (${worst}, ${list.length} finding${list.length === 1 ? '' : 's'})`);
      for (const f of list.slice(0, 3)) lines.push(`      ${t(f.message)}  [${t(f.source.file)}:${f.source.line}]`);
      if (list.length > 3) lines.push(`      … ${list.length - 3} more`);
    }
  }
  lines.push(`  timeline (${n(x.timeline.length)} rows${x.eventsFrom ? `; events from ${x.eventsFrom}` : '; no event file'}${x.timeline.length > limit ? `, first ${n(limit)} shown` : ''})`);
  for (const e of x.timeline.slice(0, limit)) {
    const what = e.type === 'finding' ? `! ${e.severity} ${e.rule}: ${e.message}` : `  ${e.message}`;
    lines.push(`    ${new Date(e.ts).toISOString()} ${t(what)}`);
  }
  return `${lines.join('\n')}\n`;
}
