/**
 * activity.jsonl: the window events of every flagged account and IP, so a report, a timeline
 * export or `mxray explain` can show what the attacker did, not only the findings.
 *
 * Which entities are flagged is known only after the last file, so window events are spooled to
 * part files as they stream by (each line prefixed with its account and IP for a cheap filter)
 * and filtered when the parts are joined. Memory does not grow with events; disk use during the
 * scan grows with window events and is released at the end.
 */
import type { EventKind, MailEvent } from '../event.js';
import { batchToJson, jsonlText } from './json-order.js';
import { OrderedPartsWriter } from './ordered-parts.js';
import { readJsonl } from './scan-outputs.js';

/** What a drill-down shows: logins, failures, sessions with bytes, sends, web requests, stored mail. */
export const ACTIVITY_KINDS: ReadonlySet<EventKind> = new Set<EventKind>([
  'auth.success',
  'auth.failure',
  'session.end',
  'mail.submit',
  'http.request',
  'header',
]);

/** Events kept per account or IP; the rest are counted as omitted (events.jsonl has them all). */
export const DEFAULT_ACTIVITY_CAP = 2000;

export interface ActivityStats {
  /** Flagged entities whose events were kept. */
  accounts: number;
  ips: number;
  events: number;
  /** Events of flagged entities beyond the per-entity cap. */
  omitted: number;
  perEntityCap: number;
}

export class ActivitySpool {
  private readonly parts: OrderedPartsWriter;

  constructor(outDir: string) {
    this.parts = new OrderedPartsWriter(outDir, '.activity-parts');
  }

  start(): Promise<void> {
    return this.parts.start();
  }

  write(index: number, events: readonly MailEvent[]): Promise<void> {
    const kept: string[] = [];
    let lines: string[] | undefined;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (e.phase !== 'window' || !ACTIVITY_KINDS.has(e.kind)) continue;
      if (e.account === undefined && e.ip === undefined) continue;
      lines ??= batchToJson(events);
      // Account names and IPs hold no tab or newline (normalized); JSON escapes both.
      kept.push(`${e.account ?? ''}\t${e.ip ?? ''}\t${lines[i]}`);
    }
    return this.parts.write(index, jsonlText(kept));
  }

  fileDone(index: number): Promise<void> {
    return this.parts.fileDone(index);
  }

  async finish(
    fileCount: number,
    flagged: { accounts: ReadonlySet<string>; ips: ReadonlySet<string> },
    cap = DEFAULT_ACTIVITY_CAP,
  ): Promise<{ path: string; stats: ActivityStats }> {
    const quota = new EntityQuota(flagged, cap);
    let events = 0;
    let omitted = 0;
    const path = await this.parts.join(fileCount, 'activity.jsonl', (line) => {
      const t1 = line.indexOf('\t');
      const t2 = line.indexOf('\t', t1 + 1);
      const verdict = quota.take(line.slice(0, t1) || undefined, line.slice(t1 + 1, t2) || undefined);
      if (verdict === 'over') omitted++;
      if (verdict !== 'kept') return undefined;
      events++;
      return line.slice(t2 + 1);
    });
    return { path, stats: { accounts: quota.accounts.size, ips: quota.ips.size, events, omitted, perEntityCap: cap } };
  }

  discard(): Promise<void> {
    return this.parts.discard();
  }
}

/**
 * At most `cap` events per wanted account and per wanted IP; an event counts for both its
 * account and its IP, and is kept while either has room. Shared by the spool and its readers.
 */
class EntityQuota {
  readonly accounts = new Map<string, number>();
  readonly ips = new Map<string, number>();

  constructor(
    private readonly wanted: { accounts: ReadonlySet<string>; ips: ReadonlySet<string> },
    private readonly cap: number,
  ) {}

  take(account: string | undefined, ip: string | undefined): 'kept' | 'over' | 'unwanted' {
    const byAccount = account !== undefined && this.wanted.accounts.has(account);
    const byIp = ip !== undefined && this.wanted.ips.has(ip);
    if (!byAccount && !byIp) return 'unwanted';
    const roomAccount = byAccount && (this.accounts.get(account) ?? 0) < this.cap;
    const roomIp = byIp && (this.ips.get(ip) ?? 0) < this.cap;
    if (!roomAccount && !roomIp) return 'over';
    if (byAccount) this.accounts.set(account, (this.accounts.get(account) ?? 0) + 1);
    if (byIp) this.ips.set(ip, (this.ips.get(ip) ?? 0) + 1);
    return 'kept';
  }
}

/**
 * Reads back the events of some accounts and IPs from an activity.jsonl (or events.jsonl),
 * streaming, keeping at most `perEntity` per entity (the earliest in file order).
 */
export function readActivity(
  file: string,
  wanted: { accounts: ReadonlySet<string>; ips: ReadonlySet<string> },
  perEntity = DEFAULT_ACTIVITY_CAP,
): Promise<MailEvent[]> {
  const quota = new EntityQuota(wanted, perEntity);
  return readJsonl<MailEvent>(file, (e) => quota.take(e.account, e.ip) === 'kept');
}

/**
 * The same selection over events already read (in file order): from events read for a wider
 * set, exactly what `readActivity` would have returned for `wanted`.
 */
export function selectActivity(
  events: readonly MailEvent[],
  wanted: { accounts: ReadonlySet<string>; ips: ReadonlySet<string> },
  perEntity = DEFAULT_ACTIVITY_CAP,
): MailEvent[] {
  const quota = new EntityQuota(wanted, perEntity);
  return events.filter((e) => quota.take(e.account, e.ip) === 'kept');
}
