/**
 * The end-of-scan summary as JSON (`mxray scan --json`), for scripts: the same facts as the
 * terminal summary, machine-readable, with the paths of every output.
 */
import type { Manifest } from './manifest.js';
import type { AccountVerdict, IpVerdict } from '../verdict/verdicts.js';
import { SEVERITIES, type Severity } from '../detect/finding.js';

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
  topAccounts: Pick<AccountVerdict, 'account' | 'severity' | 'rules' | 'ips'>[];
  topIps: Pick<IpVerdict, 'ip' | 'severity' | 'rules' | 'accounts' | 'asn' | 'country'>[];
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

export function summaryJson(manifest: Manifest, outputs: readonly string[], accounts: readonly AccountVerdict[], ips: readonly IpVerdict[], top = 10): ScanSummaryJson {
  return {
    tool: manifest.tool,
    complete: manifest.complete,
    window: manifest.window,
    totals: manifest.totals,
    bySeverity: severityTable(manifest, accounts, ips),
    topAccounts: accounts
      .filter((a) => a.severity !== 'info')
      .slice(0, top)
      .map((a) => ({ account: a.account, severity: a.severity, rules: a.rules, ips: a.ips })),
    topIps: ips
      .filter((v) => v.severity !== 'info')
      .slice(0, top)
      .map((v) => ({ ip: v.ip, severity: v.severity, rules: v.rules, accounts: v.accounts, ...(v.asn !== undefined && { asn: v.asn }), ...(v.country !== undefined && { country: v.country }) })),
    webmailHosts: manifest.detection?.webmailHosts ?? [],
    problems: manifest.inputs.filter((i) => i.error !== undefined).map((i) => ({ path: `${i.root}/${i.path}`, error: i.error! })),
    outputs: [...outputs],
  };
}
