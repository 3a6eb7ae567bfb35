/**
 * The end-of-scan summary as JSON (`mxray scan --json`), for scripts: the same facts as the
 * terminal summary, machine-readable, with the paths of every output.
 */
import type { Manifest } from './manifest.js';
import type { AccountVerdict, IpVerdict } from '../verdict/verdicts.js';
import { SEVERITIES, severityRank, type Severity } from '../finding.js';
import { assessEvidence } from './evidence-check.js';

export interface SeverityCounts {
  findings: number;
  accounts: number;
  ips: number;
}

export interface ScanSummaryJson {
  tool: Manifest['tool'];
  complete: boolean;
  window: Manifest['window'];
  totals: Manifest['totals'];
  bySeverity: Record<Severity, SeverityCounts>;
  /** Accounts and IPs per verdict, whatever --min-level. */
  byVerdict: { accounts: Record<string, number>; ips: Record<string, number> };
  /** The reset list and the block list, in full (at or above --min-level). */
  compromisedAccounts: Pick<AccountVerdict, 'account' | 'severity' | 'reason' | 'ips'>[];
  attackerIps: Pick<IpVerdict, 'ip' | 'severity' | 'reason' | 'accounts' | 'sharedAccounts'>[];
  topAccounts: Pick<AccountVerdict, 'account' | 'verdict' | 'severity' | 'reason' | 'rules' | 'ips'>[];
  topIps: Pick<IpVerdict, 'ip' | 'verdict' | 'severity' | 'reason' | 'rules' | 'accounts' | 'asn' | 'country'>[];
  /** Why the scan means nothing (no readable input, no parsed line), when it does not. */
  error?: string;
  warnings: string[];
  webmailHosts: string[];
  problems: { path: string; error: string }[];
  outputs: string[];
}

export function severityTable(manifest: Manifest, accounts: readonly AccountVerdict[], ips: readonly IpVerdict[]): Record<Severity, SeverityCounts> {
  const table = Object.fromEntries(SEVERITIES.map((s) => [s, { findings: manifest.detection?.bySeverity[s] ?? 0, accounts: 0, ips: 0 }])) as Record<Severity, SeverityCounts>;
  for (const a of accounts) table[a.severity].accounts++;
  for (const v of ips) table[v.severity].ips++;
  return table;
}

export function summaryJson(
  manifest: Manifest,
  outputs: readonly string[],
  accounts: readonly AccountVerdict[],
  ips: readonly IpVerdict[],
  { top = 10, minLevel = 'info' }: { top?: number; minLevel?: Severity } = {},
): ScanSummaryJson {
  const shown = (s: Severity): boolean => s !== 'info' && severityRank(s) >= severityRank(minLevel);
  const tally = (list: readonly { verdict: string }[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const x of list) out[x.verdict] = (out[x.verdict] ?? 0) + 1;
    return out;
  };
  const evidence = assessEvidence(manifest);
  return {
    tool: manifest.tool,
    complete: manifest.complete,
    window: manifest.window,
    totals: manifest.totals,
    bySeverity: severityTable(manifest, accounts, ips),
    byVerdict: { accounts: tally(accounts), ips: tally(ips) },
    compromisedAccounts: accounts
      .filter((a) => a.verdict === 'compromised' && shown(a.severity))
      .map((a) => ({ account: a.account, severity: a.severity, reason: a.reason, ips: a.ips })),
    attackerIps: ips
      .filter((v) => v.verdict === 'attacker' && shown(v.severity))
      .map((v) => ({ ip: v.ip, severity: v.severity, reason: v.reason, accounts: v.accounts, ...(v.sharedAccounts !== undefined && { sharedAccounts: v.sharedAccounts }) })),
    topAccounts: accounts
      .filter((a) => shown(a.severity))
      .slice(0, top)
      .map((a) => ({ account: a.account, verdict: a.verdict, severity: a.severity, reason: a.reason, rules: a.rules, ips: a.ips })),
    topIps: ips
      .filter((v) => shown(v.severity))
      .slice(0, top)
      .map((v) => ({ ip: v.ip, verdict: v.verdict, severity: v.severity, reason: v.reason, rules: v.rules, accounts: v.accounts, ...(v.asn !== undefined && { asn: v.asn }), ...(v.country !== undefined && { country: v.country }) })),
    webmailHosts: manifest.detection?.webmailHosts ?? [],
    problems: manifest.inputs.filter((i) => i.error !== undefined).map((i) => ({ path: `${i.root}/${i.path}`, error: i.error! })),
    ...(evidence.fatal !== undefined && { error: evidence.fatal }),
    warnings: [...evidence.warnings, ...(manifest.detection?.warnings ?? [])],
    outputs: [...outputs],
  };
}
