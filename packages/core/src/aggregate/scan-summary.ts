/**
 * Totals over every event of a scan. Built by addition only, so it does not depend on the order
 * files finish in. Distinct accounts and IPs are a byte per id of the scan's identity tables:
 * memory grows with identities, never with bytes of log.
 */
import { EVENT_KINDS, type EventKind, type MailEvent } from '../event.js';
import type { FileReport } from '../ingest/file-report.js';
import { KeyLimits } from './bounded-map.js';
import { IdColumn } from './growable-column.js';
import { Identities, NO_KEY, type EventKeys, type KeyTable } from './identities.js';

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

/**
 * The phases each key was seen in (bit 1 baseline, bit 2 window), one byte per id of the scan's
 * identity table. A key the full table refuses is counted as refused: counts become lower bounds.
 */
class PhaseKeys {
  private readonly bits = new IdColumn((n) => new Uint8Array(n));
  private seen = 0;
  refused = 0;

  constructor(private readonly table: KeyTable) {}

  add(key: string, bit: number): void {
    this.addId(this.table.id(key), bit);
  }

  /** `add` of the key whose `table.id` is `id` (REFUSED_KEY: refused). */
  addId(id: number, bit: number): void {
    if (id < 0) {
      this.refused++;
      return;
    }
    const had = this.bits.get(id);
    // Bit 4 marks a key seen at all (an "after" event has no phase bit).
    if (had === 0) this.seen++;
    if ((had & (bit | 4)) !== (bit | 4)) this.bits.set(id, had | bit | 4);
  }

  counts(): { baseline: number; window: number; total: number; capped?: boolean } {
    let baseline = 0;
    let window = 0;
    for (let id = 0; id < this.bits.length; id++) {
      const bits = this.bits.get(id);
      if (bits & 1) baseline++;
      if (bits & 2) window++;
    }
    return { baseline, window, total: this.seen, ...(this.refused > 0 && { capped: true }) };
  }
}

export class ScanSummaryBuilder {
  private readonly byKind = Object.fromEntries(EVENT_KINDS.map((k) => [k, 0])) as Record<EventKind, number>;
  private readonly accounts: PhaseKeys;
  private readonly ips: PhaseKeys;

  /** Distinct counts stop when the identity tables are full (then they are lower bounds, and say so). */
  constructor(
    private readonly limits: KeyLimits = new KeyLimits(),
    identities: Identities = new Identities(limits.maxKeys),
  ) {
    this.accounts = new PhaseKeys(identities.accounts);
    this.ips = new PhaseKeys(identities.ips);
  }

  add(event: MailEvent): void {
    const bit = this.countKind(event);
    if (event.account !== undefined) this.accounts.add(event.account, bit);
    if (event.ip !== undefined) this.ips.add(event.ip, bit);
  }

  /** `add` of each event, whose account and address ids in the scan's tables are `keys`. */
  addAll(events: readonly MailEvent[], keys: EventKeys): void {
    for (let i = 0; i < events.length; i++) {
      const bit = this.countKind(events[i]!);
      const account = keys.accounts[i]!;
      const ip = keys.ips[i]!;
      if (account !== NO_KEY) this.accounts.addId(account, bit);
      if (ip !== NO_KEY) this.ips.addId(ip, bit);
    }
  }

  /** Counts the event's kind; its phase bit for PhaseKeys (1 baseline, 2 window, 0 after). */
  private countKind(event: MailEvent): number {
    this.byKind[event.kind]++;
    return event.phase === 'baseline' ? 1 : event.phase === 'window' ? 2 : 0;
  }

  build(reports: readonly FileReport[], skipped: number): ScanSummary {
    const refusedAccounts = this.accounts.refused;
    const refusedIps = this.ips.refused;
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
      accounts: this.accounts.counts(),
      ips: this.ips.counts(),
      baselineEvents: sum((r) => r.baselineEvents),
      windowEvents: sum((r) => r.windowEvents),
      afterEvents: sum((r) => r.afterEvents),
      futureEvents: sum((r) => r.futureEvents ?? 0),
      firstEvent: firsts[0] ?? null,
      lastEvent: lasts[lasts.length - 1] ?? null,
    };
  }
}
