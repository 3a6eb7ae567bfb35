/**
 * The summary a responder reads at the end of a scan. Paths come from disk and may hold control
 * characters; they are escaped so nothing in the evidence can drive the terminal.
 */
import type { Manifest } from './manifest.js';
import type { AccountVerdict, IpVerdict } from '../verdict/verdicts.js';
import { SEVERITIES, severityRank, type Severity } from '../finding.js';
import { severityTable } from './summary-json.js';
import { formatInZone } from '../time/zone.js';
import { assessEvidence } from './evidence-check.js';
import { styleText } from 'node:util';

/** Replaces C0/C1 controls and DEL with visible escapes (`\x1b`). */
export function escapeForTerminal(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const n = (v: number): string => v.toLocaleString('en-US');

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(bytes < 10 * 1048576 ? 2 : 1)} MiB`;
}

export interface SummaryVerdicts {
  accounts: readonly AccountVerdict[];
  ips: readonly IpVerdict[];
  /** List only accounts and IPs at or above this severity (`--min-level`); counts stay whole. */
  minLevel?: Severity;
  /** Severities in colour (a terminal without NO_COLOR); plain text otherwise. */
  color?: boolean;
}

/** How each severity looks on a colour terminal, as hunting tools show them. */
const SEVERITY_STYLE: Record<Severity, Parameters<typeof styleText>[0]> = {
  critical: ['bold', 'red'],
  high: 'red',
  medium: 'yellow',
  low: 'cyan',
  info: 'gray',
};

/** `severity` padded to `width`, in its colour when `color` (the padding stays outside the escapes). */
export function paintSeverity(severity: Severity, width: number, color: boolean): string {
  const pad = ' '.repeat(Math.max(width - severity.length, 0));
  return color ? `${styleText(SEVERITY_STYLE[severity], severity, { validateStream: false })}${pad}` : `${severity}${pad}`;
}

/** `2024-08-02T15:00:00.000Z` as `2024-08-03T00:00:00+09:00 Asia/Tokyo (2024-08-02T15:00:00Z UTC)`. */
export function bothZones(iso: string, tz: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${formatInZone(ms, tz)} ${tz} (${new Date(ms).toISOString().replace('.000Z', 'Z')} UTC)`;
}

const TOP = 10;
const MAX_WEBMAIL_HOSTS_SHOWN = 10;

export function formatTerminalSummary(manifest: Manifest, outputs: readonly string[], verdicts?: SummaryVerdicts): string {
  const t = manifest.totals;
  const lines: string[] = [];
  // `mxray detect` read its files' records back from a warehouse: say so, and who loaded them.
  const fromWarehouse = manifest.loads !== undefined;
  lines.push(`mxray ${manifest.tool.version} — ${fromWarehouse ? 'detect' : 'scan'} ${manifest.complete ? 'complete' : 'INCOMPLETE'}`);
  const tz = manifest.window.tz;
  lines.push(`  window     ${bothZones(manifest.window.since, tz)} → ${manifest.window.until ? bothZones(manifest.window.until, tz) : 'end of data'}`);
  // An interrupted scan's inputs: never started, cut mid-read, or read whole (with or without errors).
  const notScanned = manifest.inputs.filter((i) => i.error?.startsWith('not scanned'));
  const cut = manifest.inputs.filter((i) => i.error?.startsWith('interrupted'));
  if (manifest.complete) {
    lines.push(
      fromWarehouse
        ? `  files      ${n(t.files)} from the warehouse (loaded by ${escapeForTerminal([...new Set(manifest.loads!.map((l) => l.machine))].sort().join(', ') || 'no machine')}), ${n(t.filesWithErrors)} with errors; ${mib(t.bytes)}, ${mib(t.decodedBytes)} decoded when loaded`
        : `  files      ${n(t.files)} scanned, ${n(t.filesWithErrors)} with errors, ${n(t.skipped)} skipped; ${mib(t.bytes)} read, ${mib(t.decodedBytes)} decoded`,
    );
  } else {
    // Interrupted: count only what was read. A file cut mid-read has no hash and an unknown share read.
    const stopped = new Set([...notScanned, ...cut]);
    const whole = manifest.inputs.filter((i) => !stopped.has(i));
    const errors = whole.filter((i) => i.error !== undefined).length;
    const wholeBytes = whole.reduce((sum, i) => sum + i.bytes, 0);
    lines.push(
      `  files      ${n(t.files)} found: ${n(whole.length)} read whole (${n(errors)} with errors), ${n(cut.length)} cut mid-read, ${n(notScanned.length)} not started, ${n(t.skipped)} skipped`,
    );
    lines.push(`             ${mib(wholeBytes)} of ${mib(t.bytes)} read whole, plus part of the cut files; ${mib(t.decodedBytes)} decoded`);
  }
  lines.push(
    `  lines      ${n(t.lines)} (${n(t.parseErrors)} parse errors, ${n(t.overlongLines)} overlong, ${n(t.invalidUtf8Lines)} invalid UTF-8)`,
  );
  lines.push(
    `  events     ${n(t.events)}: ${n(t.baselineEvents)} baseline, ${n(t.windowEvents)} in window, ${n(t.afterEvents)} after`,
  );
  const kinds = Object.entries(t.eventsByKind)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${n(v)}`);
  if (kinds.length) lines.push(`             ${kinds.join(', ')}`);
  const atLeast = (capped?: boolean): string => (capped ? 'at least ' : '');
  lines.push(`  accounts   ${atLeast(t.accounts.capped)}${n(t.accounts.total)} seen (${n(t.accounts.baseline)} in baseline, ${n(t.accounts.window)} in window)`);
  lines.push(`  IPs        ${atLeast(t.ips.capped)}${n(t.ips.total)} seen (${n(t.ips.baseline)} in baseline, ${n(t.ips.window)} in window)`);
  lines.push(`  time span  ${t.firstEvent ?? '-'} → ${t.lastEvent ?? '-'}`);
  for (const c of manifest.limits?.capped ?? []) {
    lines.push(`  warning    ${escapeForTerminal(c.structure)} hit its cap of ${n(c.cap)} keys: ${n(c.evicted)} dropped (raise --max-keys; results may depend on read order)`);
  }
  if (t.futureEvents > 0) lines.push(`  warning    ${n(t.futureEvents)} event(s) dated more than a day after their file's mtime (forged lines, clock or year errors; see futureEvents in manifest.json)`);
  if (!manifest.complete) {
    lines.push(`  interrupted ${n(notScanned.length)} file(s) not scanned, ${n(cut.length)} cut mid-read; ${fromWarehouse ? 'run the same command again' : 'the same command with --resume finishes the scan'}`);
  }
  const bad = manifest.inputs.filter((i) => i.error !== undefined && !i.error.startsWith('not scanned'));
  if (bad.length) {
    lines.push('  problems:');
    for (const i of bad.slice(0, 20)) lines.push(`    ${escapeForTerminal(i.path)}: ${escapeForTerminal(i.error!)}`);
    if (bad.length > 20) lines.push(`    … ${bad.length - 20} more in manifest.json`);
  }
  if (manifest.skipped.length) {
    lines.push('  skipped:');
    for (const s of manifest.skipped.slice(0, 10)) lines.push(`    ${escapeForTerminal(s.path)}: ${escapeForTerminal(s.reason)}`);
    if (manifest.skipped.length > 10) lines.push(`    … ${manifest.skipped.length - 10} more in manifest.json`);
  }
  const d = manifest.detection;
  if (d) {
    lines.push(`  findings   ${n(d.findings)}`);
    if (verdicts) {
      const table = severityTable(manifest, verdicts.accounts, verdicts.ips);
      lines.push(`             ${'severity'.padEnd(9)}${'findings'.padStart(9)}${'accounts'.padStart(10)}${'IPs'.padStart(8)}`);
      for (const s of [...SEVERITIES].reverse()) {
        const row = table[s];
        lines.push(`             ${paintSeverity(s, 9, verdicts.color === true)}${n(row.findings).padStart(9)}${n(row.accounts).padStart(10)}${n(row.ips).padStart(8)}`);
      }
    } else {
      lines.push(`             ${[...SEVERITIES].reverse().map((s) => `${s} ${n(d.bySeverity[s])}`).join(', ')}`);
    }
    if (d.webmailHosts.length) {
      // The manifest lists every host; a terminal line listing thousands helps no one.
      const shown = d.webmailHosts.slice(0, MAX_WEBMAIL_HOSTS_SHOWN).map(escapeForTerminal).join(', ');
      const more = d.webmailHosts.length > MAX_WEBMAIL_HOSTS_SHOWN ? ` … ${d.webmailHosts.length - MAX_WEBMAIL_HOSTS_SHOWN} more in manifest.json` : '';
      lines.push(`  webmail    ${shown}${more} (logins through it tied to browser IPs)`);
    }
  }
  const evidence = assessEvidence(manifest);
  if (evidence.fatal !== undefined) lines.push(`  ERROR      ${escapeForTerminal(evidence.fatal)}`);
  for (const w of [...evidence.warnings, ...(manifest.detection?.warnings ?? [])]) lines.push(`  warning    ${escapeForTerminal(w)}`);
  if (verdicts) lines.push(...verdictLines(verdicts));
  lines.push('  outputs:');
  for (const o of outputs) lines.push(`    ${escapeForTerminal(o)}`);
  return `${lines.join('\n')}\n`;
}

/** The reset list and the block list first, then what needs a look; each entry says why. */
function verdictLines({ accounts, ips, minLevel = 'info', color = false }: SummaryVerdicts): string[] {
  const lines: string[] = [];
  const count = <T extends { verdict: string }>(list: readonly T[], kinds: readonly string[]): string =>
    kinds.map((k) => `${n(list.filter((x) => x.verdict === k).length)} ${k}`).join(', ');
  lines.push(`  verdicts   accounts: ${count(accounts, ['compromised', 'suspicious', 'targeted', 'clean'])}`);
  lines.push(`             IPs: ${count(ips, ['attacker', 'suspicious', 'clean'])}`);
  const shown = (s: Severity): boolean => severityRank(s) >= severityRank(minLevel) && s !== 'info';
  const section = <T extends { verdict: string; severity: Severity }>(title: string, list: readonly T[], verdict: string, line: (x: T) => string): void => {
    const all = list.filter((x) => x.verdict === verdict);
    const listed = all.filter((x) => shown(x.severity));
    if (all.length === 0) return;
    const hidden = all.length - listed.length;
    lines.push(`  ${title}: ${n(all.length)}${listed.length > TOP ? ` (first ${TOP})` : ''}${hidden ? ` (${n(hidden)} below --min-level ${minLevel})` : ''}`);
    for (const x of listed.slice(0, TOP)) lines.push(`    ${paintSeverity(x.severity, 8, color)} ${line(x)}`);
  };
  const accountLine = (a: AccountVerdict): string =>
    `${escapeForTerminal(a.account)}  from ${a.ips.slice(0, 3).map(escapeForTerminal).join(', ') || '-'}  ${escapeForTerminal(a.reason)}`;
  const ipLine = (v: IpVerdict): string => {
    const where = [v.country, v.asn !== undefined ? `AS${v.asn}` : undefined].filter(Boolean).join(' ');
    const shared = v.sharedAccounts !== undefined && v.sharedAccounts > 0 ? `, shared by ${n(v.sharedAccounts)} accounts before the window` : '';
    return `${escapeForTerminal(v.ip)}${where ? ` (${escapeForTerminal(where)})` : ''}  ${n(v.accounts.length)} account(s)${shared}  ${escapeForTerminal(v.reason)}`;
  };
  section('compromised accounts (reset list: pivot/accounts.txt)', accounts, 'compromised', accountLine);
  section('attacker IPs (block list: pivot/ips.txt)', ips, 'attacker', ipLine);
  section('suspicious accounts (anomalies without attributed access)', accounts, 'suspicious', accountLine);
  section('suspicious IPs', ips, 'suspicious', ipLine);
  section('targeted accounts (attempts without success)', accounts, 'targeted', accountLine);
  return lines;
}
