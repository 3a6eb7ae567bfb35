/**
 * Totals over every event of a scan. Built by addition only, so it does not depend on the order
 * files finish in. Distinct accounts and IPs are kept as sets: memory grows with identities,
 * never with bytes of log.
 */
import { EVENT_KINDS, type EventKind, type MailEvent } from '../event.js';
import type { FileReport } from '../scan/file-report.js';
import { CappedSet, KeyLimits } from './bounded-map.js';

export interface ScanSummary {
  files: number;
  filesWithErrors: number;
  skipped: number;
  bytes: number;
  decodedBytes: number;
  lines: number;
  events: number;
  eventsByKind: Record<EventKind, number>;
  parseErrors: number;
  overlongLines: number;
  invalidUtf8Lines: number;
  /** `capped`: more distinct values were seen than the key cap; the counts are lower bounds. */
  accounts: { baseline: number; window: number; total: number; capped?: boolean };
  ips: { baseline: number; window: number; total: number; capped?: boolean };
  baselineEvents: number;
  windowEvents: number;
  afterEvents: number;
  /** Events dated more than a day after their file's mtime (see FileReport.futureEvents). */
  futureEvents: number;
  firstEvent: string | null;
  lastEvent: string | null;
}

export class ScanSummaryBuilder {
  private readonly byKind = Object.fromEntries(EVENT_KINDS.map((k) => [k, 0])) as Record<EventKind, number>;
  private readonly accounts: { baseline: CappedSet<string>; window: CappedSet<string> };
  private readonly ips: { baseline: CappedSet<string>; window: CappedSet<string> };
  private readonly allAccounts: CappedSet<string>;
  private readonly allIps: CappedSet<string>;

  /** Distinct counts stop at `limits.maxKeys` (then they are lower bounds, and say so). */
  constructor(private readonly limits: KeyLimits = new KeyLimits()) {
    const cap = limits.maxKeys;
    this.accounts = { baseline: new CappedSet(cap), window: new CappedSet(cap) };
    this.ips = { baseline: new CappedSet(cap), window: new CappedSet(cap) };
    this.allAccounts = new CappedSet(cap);
    this.allIps = new CappedSet(cap);
  }

  add(event: MailEvent): void {
    this.byKind[event.kind]++;
    const side = event.phase === 'baseline' ? 'baseline' : event.phase === 'window' ? 'window' : undefined;
    if (event.account !== undefined) {
      // A fresh string: the parsed one may be a slice that pins its whole source line.
      if (!this.allAccounts.has(event.account)) this.allAccounts.add(copy(event.account));
      if (side && !this.accounts[side].has(event.account)) this.accounts[side].add(copy(event.account));
    }
    if (event.ip !== undefined) {
      if (!this.allIps.has(event.ip)) this.allIps.add(event.ip);
      if (side && !this.ips[side].has(event.ip)) this.ips[side].add(event.ip);
    }
  }

  build(reports: readonly FileReport[], skipped: number): ScanSummary {
    const refusedAccounts = this.allAccounts.refused;
    const refusedIps = this.allIps.refused;
    if (refusedAccounts) this.limits.count('summary distinct accounts', refusedAccounts);
    if (refusedIps) this.limits.count('summary distinct IPs', refusedIps);
    const sum = (pick: (r: FileReport) => number): number => reports.reduce((a, r) => a + pick(r), 0);
    const firsts = reports.map((r) => r.firstEvent).filter((v): v is string => v !== undefined).sort();
    const lasts = reports.map((r) => r.lastEvent).filter((v): v is string => v !== undefined).sort();
    return {
      files: reports.length,
      filesWithErrors: reports.filter((r) => r.error !== undefined).length,
      skipped,
      bytes: sum((r) => r.bytes),
      decodedBytes: sum((r) => r.decodedBytes),
      lines: sum((r) => r.lines),
      events: sum((r) => r.events),
      eventsByKind: { ...this.byKind },
      parseErrors: sum((r) => r.parseErrors),
      overlongLines: sum((r) => r.overlongLines),
      invalidUtf8Lines: sum((r) => r.invalidUtf8Lines),
      accounts: { baseline: this.accounts.baseline.size, window: this.accounts.window.size, total: this.allAccounts.size, ...(refusedAccounts > 0 && { capped: true }) },
      ips: { baseline: this.ips.baseline.size, window: this.ips.window.size, total: this.allIps.size, ...(refusedIps > 0 && { capped: true }) },
      baselineEvents: sum((r) => r.baselineEvents),
      windowEvents: sum((r) => r.windowEvents),
      afterEvents: sum((r) => r.afterEvents),
      futureEvents: sum((r) => r.futureEvents ?? 0),
      firstEvent: firsts[0] ?? null,
      lastEvent: lasts[lasts.length - 1] ?? null,
    };
  }
}

function copy(s: string): string {
  // Forces a flat copy in V8, so a sliced string does not keep a whole line buffer alive.
  return (' ' + s).slice(1);
}
