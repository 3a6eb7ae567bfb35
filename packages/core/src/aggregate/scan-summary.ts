/**
 * Totals over every event of a scan. Built by addition only, so it does not depend on the order
 * files finish in. Distinct accounts and IPs are kept as sets: memory grows with identities,
 * never with bytes of log.
 */
import { EVENT_KINDS, type EventKind, type MailEvent } from '../event.js';
import type { FileReport } from '../scan/file-report.js';

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
  accounts: { baseline: number; window: number; total: number };
  ips: { baseline: number; window: number; total: number };
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
  private readonly accounts = { baseline: new Set<string>(), window: new Set<string>() };
  private readonly ips = { baseline: new Set<string>(), window: new Set<string>() };
  private readonly allAccounts = new Set<string>();
  private readonly allIps = new Set<string>();

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
      accounts: { baseline: this.accounts.baseline.size, window: this.accounts.window.size, total: this.allAccounts.size },
      ips: { baseline: this.ips.baseline.size, window: this.ips.window.size, total: this.allIps.size },
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
