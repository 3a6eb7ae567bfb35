/**
 * Findings → one verdict per account and per IP, each with the chain of findings behind it
 * (docs/rules.md "Verdicts" is the written rule; this is its code).
 *
 * Accounts:
 * - `compromised`: evidence of attacker access. A finding that attributes a login to the
 *   attacker (`evidence.attributed: true`: a login from an exploit or IOC source, a success from
 *   a stuffing source or after a brute force from an address new to the account), or a login
 *   from a shared exploit source, new to the account, corroborated by a mass download or send
 *   burst from that same address within a day. Critical when the access came from an exploit/IOC source or was
 *   followed by exfiltration or sending from the attributed address; high otherwise.
 * - `suspicious`: anomalies of the account's own activity without attribution (new source,
 *   travel, volume, a shared exploit source uncorroborated). Medium when two independent families
 *   (location, volume, credential, source, mail) meet within 24 hours, or when one finding is
 *   medium; otherwise low. Never more: an anomaly is a question, not an answer.
 * - `targeted`: attempts without success (`evidence.targeted: true`); low. An account that was
 *   only tried and whose own anomalies are all low is targeted (they stay in its chain).
 * - `clean`: nothing above info.
 *
 * IPs:
 * - `attacker`: high or critical exploit evidence (the web rules), the IOC list, the source of an
 *   attributed login, or a credential-stuffing source that is not a shared address. Critical with
 *   critical exploit evidence or a critical compromise through it; high otherwise. The block list.
 * - `suspicious`: any other finding above info, at most medium.
 * - `clean`: nothing above info.
 *
 * Findings come in a total order, so verdicts and chains are the same whatever the concurrency.
 */
import type { Finding, Severity } from '../finding.js';
import { cmp, maxSeverity, severityRank } from '../finding.js';
import type { GeoLookup } from '../enrich/geo.js';
import type { ActivityCounts, AccountActivity } from '../aggregate/account-activity.js';

export type AccountVerdictKind = 'compromised' | 'suspicious' | 'targeted' | 'clean';
export type IpVerdictKind = 'attacker' | 'suspicious' | 'clean';

/** What a finding is to a verdict. */
export type EvidenceRole = 'attribution' | 'exploit' | 'corroboration' | 'anomaly' | 'attempt';

/** One link of a verdict's chain: the finding, where it was read, and what it proves. */
export interface EvidenceLink {
  /** ISO 8601 UTC, as in findings.jsonl. */
  time: string;
  rule: string;
  severity: Severity;
  role: EvidenceRole;
  ip: string | null;
  account: string | null;
  source: { file: string; line: number };
}

export interface AccountVerdict {
  account: string;
  verdict: AccountVerdictKind;
  severity: Severity;
  /** One sentence: why this verdict. */
  reason: string;
  firstSeen: string;
  lastSeen: string;
  rules: string[];
  ips: string[];
  /** The findings behind the verdict, strongest role first, then by time (at most MAX_CHAIN). */
  chain: EvidenceLink[];
  counts: ActivityCounts & { findings: number };
}

export interface IpVerdict {
  ip: string;
  verdict: IpVerdictKind;
  severity: Severity;
  reason: string;
  rules: string[];
  accounts: string[];
  firstSeen: string;
  lastSeen: string;
  findings: number;
  /** Distinct accounts that used the address before the window, where a rule measured it. */
  sharedAccounts?: number;
  chain: EvidenceLink[];
  asn?: number;
  asnOrg?: string;
  country?: string;
}

/** Independent kinds of signal: two of different families on one account in a day corroborate each other. */
type Family = 'location' | 'volume' | 'credential' | 'source' | 'mail';
const FAMILY: Readonly<Record<string, Family>> = {
  'auth.new-source': 'location',
  'auth.impossible-travel': 'location',
  'auth.ioc-source': 'source',
  'auth.spray': 'credential',
  'auth.bruteforce': 'credential',
  'access.mass-download': 'volume',
  'smtp.send-burst': 'volume',
  'header.flagged-origin': 'mail',
};
/** Activity an attacker does once in: what corroborates a login from a shared exploit source. */
const EXFILTRATION: ReadonlySet<string> = new Set(['access.mass-download', 'smtp.send-burst', 'header.flagged-origin']);

const DAY = 86_400_000;
/** IPs and accounts listed per entry; findings.jsonl has all of them. */
const MAX_LISTED = 50;
const MAX_CHAIN = 25;
const ROLE_ORDER: readonly EvidenceRole[] = ['attribution', 'exploit', 'corroboration', 'anomaly', 'attempt'];

export const ACCOUNT_VERDICTS: readonly AccountVerdictKind[] = ['compromised', 'suspicious', 'targeted', 'clean'];
export const IP_VERDICTS: readonly IpVerdictKind[] = ['attacker', 'suspicious', 'clean'];

const familyOf = (f: Finding): string => FAMILY[f.rule] ?? f.rule;
const isAttribution = (f: Finding): boolean => f.evidence['attributed'] === true;
const isAttempt = (f: Finding): boolean => f.evidence['targeted'] === true;
/** `5 overflow-style request(s) at high or above, 1 handler crash finding after them` */
function exploitReason(exploit: readonly Finding[]): string {
  if (exploit.length === 0) return '';
  const crashes = exploit.filter((f) => f.rule === 'web.handler-crash').length;
  const requests = exploit.length - crashes;
  const parts = [requests ? `${requests} overflow-style request(s) at high or above` : '', crashes ? (requests ? 'handler crashes right after them' : 'handler crashes right after overflow-style requests') : ''].filter(Boolean);
  return parts.join(', ');
}

const isExploit = (f: Finding): boolean => f.rule.startsWith('web.') && severityRank(f.severity) >= severityRank('high');
const above = (s: Severity, floor: Severity): boolean => severityRank(s) > severityRank(floor);
const capAt = (s: Severity, cap: Severity): Severity => (severityRank(s) > severityRank(cap) ? cap : s);

export function reachVerdicts(findings: readonly Finding[], activity: AccountActivity, geo?: GeoLookup): { accounts: AccountVerdict[]; ips: IpVerdict[] } {
  const byAccount = new Map<string, Finding[]>();
  const byIp = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.account !== null) push(byAccount, f.account, f);
    if (f.ip !== null) push(byIp, f.ip, f);
  }

  // Pass 1, accounts: which findings attribute access (directly, or once corroborated).
  const roles = new Map<Finding, EvidenceRole>();
  /** Addresses through which an account was compromised, with the severity of that compromise. */
  const attackerSources = new Map<string, Severity>();
  const accounts: AccountVerdict[] = [];
  for (const [account, list] of byAccount) {
    const exfil = list.filter((f) => EXFILTRATION.has(f.rule) && f.ip !== null);
    for (const f of list) {
      if (isAttribution(f)) roles.set(f, 'attribution');
      else if (isAttempt(f)) roles.set(f, 'attempt');
      // A shared exploit source's login, new to the account, then exfiltration from it: attributed.
      // From the account's own usual address (its office NAT) a big download is as likely the
      // user's new laptop: that stays a question.
      else if (f.rule === 'auth.ioc-source' && f.evidence['usualForAccount'] !== true && exfil.some((x) => x.ip === f.ip && Math.abs(x.time - f.time) <= DAY)) roles.set(f, 'attribution');
      else roles.set(f, 'anomaly');
    }
    const attributions = list.filter((f) => roles.get(f) === 'attribution');
    const attributedIps = new Set(attributions.map((f) => f.ip).filter((ip): ip is string => ip !== null));
    // What the attacker did once in: mark it as corroboration of the access.
    for (const f of list) if (roles.get(f) === 'anomaly' && attributions.length > 0 && f.ip !== null && attributedIps.has(f.ip)) roles.set(f, 'corroboration');
    const anomalies = list.filter((f) => roles.get(f) === 'anomaly' || roles.get(f) === 'corroboration');
    const attempts = list.filter((f) => roles.get(f) === 'attempt');

    const suspicion = anomalies.some((f) => above(f.severity, 'info')) ? suspicionOf(anomalies) : undefined;
    let verdict: AccountVerdictKind;
    let severity: Severity;
    let reason: string;
    if (attributions.length > 0) {
      verdict = 'compromised';
      const viaExploit = attributions.some((f) => f.rule === 'auth.ioc-source');
      const followedBy = list.filter((f) => roles.get(f) === 'corroboration' && EXFILTRATION.has(f.rule));
      severity = viaExploit || followedBy.length > 0 ? 'critical' : 'high';
      const first = attributions[0]!;
      reason = `${first.rule} attributes a login from ${first.ip ?? 'an unknown address'} to the attacker${followedBy.length ? `, followed by ${[...new Set(followedBy.map((f) => f.rule))].join(' and ')}` : ''}`;
      for (const ip of attributedIps) attackerSources.set(ip, maxSeverity(attackerSources.get(ip) ?? 'info', severity));
    } else if (suspicion && (attempts.length === 0 || suspicion.severity === 'medium')) {
      verdict = 'suspicious';
      ({ severity, reason } = suspicion);
    } else if (attempts.length > 0) {
      // Being on an attacker's list says nothing of the account's own behaviour; low anomalies
      // beside it stay in the chain.
      verdict = 'targeted';
      severity = 'low';
      reason = `attempts from ${[...new Set(attempts.map((f) => f.ip ?? 'unknown'))].slice(0, 3).join(', ')} without a success${anomalies.length ? `; also ${[...new Set(anomalies.map((f) => f.rule))].join(', ')} at low` : ''}`;
    } else {
      verdict = 'clean';
      severity = 'info';
      reason = 'no finding above info';
    }
    accounts.push({
      account,
      verdict,
      severity,
      reason,
      ...span(list),
      rules: [...new Set(list.map((f) => f.rule))].sort(),
      ips: [...new Set(list.map((f) => f.ip).filter((ip): ip is string => ip !== null))].sort().slice(0, MAX_LISTED),
      chain: chainOf(list, roles),
      counts: { findings: list.length, ...activity.get(account) },
    });
  }
  accounts.sort(verdictOrder(ACCOUNT_VERDICTS, (a) => a.account));

  // Pass 2, IPs: exploit evidence, IOC, the sources of attributed access, stuffing sources.
  const ips: IpVerdict[] = [];
  for (const [ip, list] of byIp) {
    const ipRoles = new Map<Finding, EvidenceRole>();
    for (const f of list) ipRoles.set(f, isExploit(f) ? 'exploit' : (roles.get(f) ?? 'anomaly'));
    const exploit = list.filter(isExploit);
    const ioc = list.some((f) => f.evidence['reason'] === 'ioc-list');
    const sprayer = list.find((f) => f.rule === 'auth.spray' && f.account === null && f.evidence['shared'] !== true);
    const compromise = attackerSources.get(ip);
    const shared = list.map((f) => f.evidence['sharedAccounts']).filter((n): n is number => typeof n === 'number');
    let verdict: IpVerdictKind;
    let severity: Severity;
    let reason: string;
    if (exploit.length > 0 || ioc || compromise !== undefined || sprayer) {
      verdict = 'attacker';
      severity = exploit.some((f) => f.severity === 'critical') || compromise === 'critical' ? 'critical' : 'high';
      const why = [
        exploitReason(exploit),
        ioc ? 'on the IOC list' : '',
        compromise !== undefined ? 'source of attributed account access' : '',
        sprayer ? `failed over ${String(sprayer.evidence['distinctAccounts'])} accounts` : '',
      ].filter(Boolean);
      reason = why.join('; ');
      if (sprayer) ipRoles.set(sprayer, 'attribution');
    } else if (list.some((f) => above(f.severity, 'info'))) {
      verdict = 'suspicious';
      severity = capAt(list.reduce<Severity>((s, f) => maxSeverity(s, f.severity), 'low'), 'medium');
      reason = `${[...new Set(list.map((f) => f.rule))].join(', ')}; no exploit evidence at high or above and no attributed access`;
    } else {
      verdict = 'clean';
      severity = 'info';
      reason = 'no finding above info';
    }
    const info = geo?.lookup(ip) ?? {};
    ips.push({
      ip,
      verdict,
      severity,
      reason,
      rules: [...new Set(list.map((f) => f.rule))].sort(),
      accounts: [...new Set(list.map((f) => f.account).filter((a): a is string => a !== null))].sort().slice(0, MAX_LISTED),
      ...span(list),
      findings: list.length,
      ...(shared.length > 0 && { sharedAccounts: shared.reduce((a, b) => Math.max(a, b)) }),
      chain: chainOf(list, ipRoles),
      ...(info.asn !== undefined && { asn: info.asn }),
      ...(info.asnOrg !== undefined && { asnOrg: info.asnOrg }),
      ...(info.country !== undefined && { country: info.country }),
    });
  }
  ips.sort(verdictOrder(IP_VERDICTS, (v) => v.ip));
  return { accounts, ips };
}

/** Output order: strongest verdict first, then most severe, earliest, and by name: a total order. */
function verdictOrder<T extends { verdict: string; severity: Severity; firstSeen: string }>(verdicts: readonly string[], name: (x: T) => string): (a: T, b: T) => number {
  return (a, b) =>
    verdicts.indexOf(a.verdict) - verdicts.indexOf(b.verdict) || severityRank(b.severity) - severityRank(a.severity) || cmp(a.firstSeen, b.firstSeen) || cmp(name(a), name(b));
}

/** A suspicious account's severity: its strongest anomaly, at most medium; medium with two families of its own in a day. */
function suspicionOf(anomalies: readonly Finding[]): { severity: Severity; reason: string } {
  const families = twoFamiliesInADay(anomalies);
  if (families) return { severity: 'medium', reason: `${families[0]} and ${families[1]} signals within a day, no attributed access` };
  return {
    severity: capAt(anomalies.reduce<Severity>((s, f) => maxSeverity(s, f.severity), 'low'), 'medium'),
    reason: `${[...new Set(anomalies.map((f) => f.rule))].join(', ')} alone, no attributed access`,
  };
}

/** Two different families among findings above info within 24 hours of each other, or undefined. */
function twoFamiliesInADay(list: readonly Finding[]): [string, string] | undefined {
  const signals = list.filter((f) => above(f.severity, 'info')).sort((a, b) => a.time - b.time);
  for (let i = 0; i < signals.length; i++) {
    for (let j = i + 1; j < signals.length && signals[j]!.time - signals[i]!.time <= DAY; j++) {
      const a = familyOf(signals[i]!);
      const b = familyOf(signals[j]!);
      if (a !== b) return a < b ? [a, b] : [b, a];
    }
  }
  return undefined;
}

function chainOf(list: readonly Finding[], roles: ReadonlyMap<Finding, EvidenceRole>): EvidenceLink[] {
  const role = (f: Finding): EvidenceRole => roles.get(f) ?? 'anomaly';
  return [...list]
    .sort((a, b) => ROLE_ORDER.indexOf(role(a)) - ROLE_ORDER.indexOf(role(b)) || severityRank(b.severity) - severityRank(a.severity) || a.time - b.time || cmp(a.rule, b.rule) || cmp(a.source.file, b.source.file) || a.source.line - b.source.line)
    .slice(0, MAX_CHAIN)
    .map((f) => ({ time: iso(f.time), rule: f.rule, severity: f.severity, role: role(f), ip: f.ip, account: f.account, source: { file: f.source.file, line: f.source.line } }));
}

/** First and last finding times (a scanner's address can have a hundred thousand: no spread). */
function span(list: readonly Finding[]): { firstSeen: string; lastSeen: string } {
  let first = Infinity;
  let last = -Infinity;
  for (const f of list) {
    first = Math.min(first, f.time);
    last = Math.max(last, f.time);
  }
  return { firstSeen: iso(first), lastSeen: iso(last) };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The verdict and severity rule as docs/rules.md states it (generated: it cannot drift from this file). */
export const VERDICT_RULES_MARKDOWN = `## Verdicts: what a responder hands on

Rules produce findings; the verdict stage turns them into one verdict per account and per IP, with the
chain of findings behind it (\`chain\` in accounts.jsonl and ips.jsonl: each finding's rule, severity,
role, address and file:line). A rule marks a finding \`evidence.attributed: true\` when it ties a login to
the attacker, and \`evidence.targeted: true\` when it saw attempts only; custom detectors use the same two
fields. Everything else on an account is an anomaly of one family: location (\`auth.new-source\`,
\`auth.impossible-travel\`), volume (\`access.mass-download\`, \`smtp.send-burst\`), credential
(\`auth.spray\`, \`auth.bruteforce\`), source (\`auth.ioc-source\` when not attributed) or mail
(\`header.flagged-origin\`); a custom rule is a family of its own.

| account verdict | when | severity |
|---|---|---|
| \`compromised\` | a finding attributes access to the attacker: a login from an exploit source (web findings at high or above) or an \`--ioc\` address that is not shared (fewer than 2 baseline accounts used it) and not the account's own, or one within 60 minutes of that source's exploit traffic; a success from a credential-stuffing source or after a brute force, from a non-shared address new to the account; or a login from a shared exploit source, new to the account, followed within a day by a mass download, send burst or stored mail from that same address | \`critical\` when the access came from an exploit or IOC source, or was followed by exfiltration or sending from the attributed address; otherwise \`high\` |
| \`suspicious\` | anomalies of the account's own activity, no attributed access | \`medium\` when two families meet within 24 hours, or one finding is medium (a mass download, a send burst, a shared exploit source new to the account); otherwise \`low\`. Never more: an anomaly is a question |
| \`targeted\` | attempts without success (a sprayer tried it; many failures and no success), and no anomaly above low | \`low\` |
| \`clean\` | nothing above info | \`info\` |

| IP verdict | when | severity |
|---|---|---|
| \`attacker\` | exploit evidence at high or above, the \`--ioc\` list, the source of an attributed login, or a credential-stuffing source that is not shared | \`critical\` with critical exploit evidence or a critical compromise through it; otherwise \`high\` |
| \`suspicious\` | any other finding above info | its strongest finding, at most \`medium\` |
| \`clean\` | nothing above info | \`info\` |

\`pivot/accounts.txt\` (the password-reset list) holds the compromised accounts and nothing else;
\`pivot/ips.txt\` (the block list) holds the attacker IPs. \`ips.jsonl\` says, for an attacker address that
others shared before the window (an office NAT, a VPN or Tor exit), how many accounts used it
(\`sharedAccounts\`): block it knowing who else is behind it. \`--min-level\` cuts every output file at a
severity; the manifest still counts everything.

Limits, stated: an address no account used before the window cannot be told from the attacker's own
(a Tor exit first seen in the window is attributed); a login the attacker made with stolen credentials
from an address that sent no exploit traffic, tried no other account and moved no unusual volume is
only a new source (\`suspicious\`, low).
`;
