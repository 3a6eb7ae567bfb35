/**
 * findings.jsonl, accounts.jsonl, ips.jsonl and the pivot lists (DESIGN §5), with a fixed key
 * order. Attacker-controlled text inside messages and evidence is escaped by JSON itself.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Finding } from '../finding.js';

import type { AccountVerdict, IpVerdict } from '../verdict/verdicts.js';
import { writeFileAtomic } from './atomic-write.js';
import { stringify } from 'csv-stringify/sync';
import { neutralizeFormula } from './timeline-export.js';

/** The CSV columns: the JSONL keys, in their order (nested values become JSON text in their cell). */
export const FINDING_COLUMNS = ['time', 'rule', 'severity', 'account', 'ip', 'source', 'message', 'evidence'] as const;
export const ACCOUNT_COLUMNS = ['account', 'verdict', 'severity', 'reason', 'firstSeen', 'lastSeen', 'rules', 'ips', 'counts', 'chain'] as const;
export const IP_COLUMNS = ['ip', 'verdict', 'severity', 'reason', 'rules', 'accounts', 'firstSeen', 'lastSeen', 'findings', 'sharedAccounts', 'chain', 'asn', 'asnOrg', 'country'] as const;

/**
 * JSONL lines as CSV with the same columns: strings as they are (a cell a spreadsheet would run as
 * a formula gets an apostrophe), numbers and booleans as text, null or absent empty, arrays and
 * objects as JSON.
 */
export function jsonlAsCsv(jsonLines: readonly string[], columns: readonly string[]): string {
  const rows = jsonLines.map((text) => {
    const o = JSON.parse(text) as Record<string, unknown>;
    return columns.map((c) => {
      const v = o[c];
      if (v === undefined || v === null) return '';
      if (typeof v === 'string') return neutralizeFormula(v);
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      return JSON.stringify(v);
    });
  });
  return stringify([[...columns], ...rows], { record_delimiter: '\n' });
}

export function findingToJson(f: Finding): string {
  return JSON.stringify({
    time: new Date(f.time).toISOString(),
    rule: f.rule,
    severity: f.severity,
    account: f.account,
    ip: f.ip,
    source: { file: f.source.file, line: f.source.line },
    message: f.message,
    evidence: f.evidence,
  });
}

export function accountToJson(a: AccountVerdict): string {
  return JSON.stringify({
    account: a.account,
    verdict: a.verdict,
    severity: a.severity,
    reason: a.reason,
    firstSeen: a.firstSeen,
    lastSeen: a.lastSeen,
    rules: a.rules,
    ips: a.ips,
    counts: a.counts,
    chain: a.chain,
  });
}

export function ipToJson(v: IpVerdict): string {
  return JSON.stringify({
    ip: v.ip,
    verdict: v.verdict,
    severity: v.severity,
    reason: v.reason,
    rules: v.rules,
    accounts: v.accounts,
    firstSeen: v.firstSeen,
    lastSeen: v.lastSeen,
    findings: v.findings,
    ...(v.sharedAccounts !== undefined && { sharedAccounts: v.sharedAccounts }),
    chain: v.chain,
    ...(v.asn !== undefined && { asn: v.asn }),
    ...(v.asnOrg !== undefined && { asnOrg: v.asnOrg }),
    ...(v.country !== undefined && { country: v.country }),
  });
}

const lines = (items: readonly string[]): string => (items.length ? `${items.join('\n')}\n` : '');

/**
 * The pivot lists are what a responder hands on: the block list holds `attacker` IPs, the
 * password-reset list `compromised` accounts, and nothing else (an anomaly is a question).
 */

export async function writeFindingFiles(
  out: string,
  findings: readonly Finding[],
  accounts: readonly AccountVerdict[],
  ips: readonly IpVerdict[],
  { csv = false }: { csv?: boolean } = {},
): Promise<string[]> {
  const files = {
    findings: path.join(out, 'findings.jsonl'),
    accounts: path.join(out, 'accounts.jsonl'),
    ips: path.join(out, 'ips.jsonl'),
    pivotIps: path.join(out, 'pivot', 'ips.txt'),
    pivotAccounts: path.join(out, 'pivot', 'accounts.txt'),
  };
  const json = { findings: findings.map(findingToJson), accounts: accounts.map(accountToJson), ips: ips.map(ipToJson) };
  await writeFileAtomic(files.findings, lines(json.findings));
  await writeFileAtomic(files.accounts, lines(json.accounts));
  await writeFileAtomic(files.ips, lines(json.ips));
  const csvFiles: string[] = [];
  if (csv) {
    for (const [name, columns] of [['findings', FINDING_COLUMNS], ['accounts', ACCOUNT_COLUMNS], ['ips', IP_COLUMNS]] as const) {
      const file = path.join(out, `${name}.csv`);
      await writeFileAtomic(file, jsonlAsCsv(json[name], columns));
      csvFiles.push(file);
    }
  }
  await mkdir(path.join(out, 'pivot'), { recursive: true });
  await writeFileAtomic(files.pivotIps, lines(ips.filter((v) => v.verdict === 'attacker').map((v) => v.ip).sort()));
  await writeFileAtomic(files.pivotAccounts, lines(accounts.filter((a) => a.verdict === 'compromised').map((a) => a.account).sort()));
  return [...Object.values(files), ...csvFiles];
}
