/**
 * Findings → one verdict per account and per IP (DESIGN §4):
 * - an account's severity is its most severe finding, raised by combinations:
 *   a login from an exploit/IOC source is critical; a new source together with a mass download
 *   or a send burst is at least high; a lone new source stays low;
 * - an IP's severity is its most severe finding; an IP that is both the new source and the
 *   download/send source of an account raised to high is raised with it.
 */
import type { Finding, Severity } from '../detect/finding.js';
import { cmp, maxSeverity, severityRank } from '../detect/finding.js';
import type { GeoLookup } from '../enrich/geo.js';
import type { ActivityCounts, AccountActivity } from './account-activity.js';

export interface AccountVerdict {
  account: string;
  severity: Severity;
  firstSeen: string;
  lastSeen: string;
  rules: string[];
  ips: string[];
  counts: ActivityCounts & { findings: number };
}

export interface IpVerdict {
  ip: string;
  severity: Severity;
  rules: string[];
  accounts: string[];
  firstSeen: string;
  lastSeen: string;
  findings: number;
  asn?: number;
  asnOrg?: string;
  country?: string;
}

const BULK = new Set(['access.mass-download', 'smtp.send-burst']);
/** IPs listed per account; the findings file has all of them. */
const MAX_LISTED = 50;

export function correlate(findings: readonly Finding[], activity: AccountActivity, geo?: GeoLookup): { accounts: AccountVerdict[]; ips: IpVerdict[] } {
  const byAccount = new Map<string, Finding[]>();
  const byIp = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.account !== null) push(byAccount, f.account, f);
    if (f.ip !== null) push(byIp, f.ip, f);
  }

  const raisedIps = new Map<string, Severity>();
  const accounts: AccountVerdict[] = [];
  for (const [account, list] of byAccount) {
    let severity = list.reduce<Severity>((s, f) => maxSeverity(s, f.severity), 'info');
    const rules = new Set(list.map((f) => f.rule));
    if (rules.has('auth.ioc-source')) severity = 'critical';
    const newIps = new Set(list.filter((f) => f.rule === 'auth.new-source').map((f) => f.ip!));
    const bulk = list.filter((f) => BULK.has(f.rule));
    if (newIps.size > 0 && bulk.length > 0) {
      severity = maxSeverity(severity, 'high');
      for (const f of bulk) if (f.ip !== null && newIps.has(f.ip)) raisedIps.set(f.ip, maxSeverity(raisedIps.get(f.ip) ?? 'info', 'high'));
    }
    const times = list.map((f) => f.time);
    accounts.push({
      account,
      severity,
      firstSeen: iso(Math.min(...times)),
      lastSeen: iso(Math.max(...times)),
      rules: [...rules].sort(),
      ips: [...new Set(list.map((f) => f.ip).filter((ip): ip is string => ip !== null))].sort().slice(0, MAX_LISTED),
      counts: { findings: list.length, ...activity.get(account) },
    });
  }
  accounts.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || cmp(a.firstSeen, b.firstSeen) || cmp(a.account, b.account));

  const ips: IpVerdict[] = [];
  for (const [ip, list] of byIp) {
    let severity = list.reduce<Severity>((s, f) => maxSeverity(s, f.severity), 'info');
    severity = maxSeverity(severity, raisedIps.get(ip) ?? 'info');
    const times = list.map((f) => f.time);
    const info = geo?.lookup(ip) ?? {};
    ips.push({
      ip,
      severity,
      rules: [...new Set(list.map((f) => f.rule))].sort(),
      accounts: [...new Set(list.map((f) => f.account).filter((a): a is string => a !== null))].sort().slice(0, MAX_LISTED),
      firstSeen: iso(Math.min(...times)),
      lastSeen: iso(Math.max(...times)),
      findings: list.length,
      ...(info.asn !== undefined && { asn: info.asn }),
      ...(info.asnOrg !== undefined && { asnOrg: info.asnOrg }),
      ...(info.country !== undefined && { country: info.country }),
    });
  }
  ips.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || cmp(a.firstSeen, b.firstSeen) || cmp(a.ip, b.ip));
  return { accounts, ips };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
