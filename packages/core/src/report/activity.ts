/**
 * activity.jsonl: the window events of every flagged account and IP, so a report, a timeline
 * export or `mxray explain` can show what the attacker did, not only the findings.
 *
 * Which entities are flagged is known only after the last file, so window events are spooled to
 * part files as they stream by (each line prefixed with its account and IP for a cheap filter)
 * and filtered when the parts are joined. Memory does not grow with events; disk use during the
 * scan grows with window events and is released at the end.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EventKind, MailEvent } from '../event.js';
import { eventToJson } from './json-order.js';
import { OrderedPartsWriter } from './ordered-parts.js';

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
    let text = '';
    for (const e of events) {
      if (e.phase !== 'window' || !ACTIVITY_KINDS.has(e.kind)) continue;
      if (e.account === undefined && e.ip === undefined) continue;
      // Account names and IPs hold no tab or newline (normalized); JSON escapes both.
      text += `${e.account ?? ''}\t${e.ip ?? ''}\t${eventToJson(e)}\n`;
    }
    return this.parts.write(index, text);
  }

  fileDone(index: number): Promise<void> {
    return this.parts.fileDone(index);
  }

  async finish(
    fileCount: number,
    flagged: { accounts: ReadonlySet<string>; ips: ReadonlySet<string> },
    cap = DEFAULT_ACTIVITY_CAP,
  ): Promise<{ path: string; stats: ActivityStats }> {
    const perAccount = new Map<string, number>();
    const perIp = new Map<string, number>();
    let events = 0;
    let omitted = 0;
    const path = await this.parts.join(fileCount, 'activity.jsonl', (line) => {
      const t1 = line.indexOf('\t');
      const t2 = line.indexOf('\t', t1 + 1);
      const account = line.slice(0, t1);
      const ip = line.slice(t1 + 1, t2);
      const byAccount = account !== '' && flagged.accounts.has(account);
      const byIp = ip !== '' && flagged.ips.has(ip);
      if (!byAccount && !byIp) return undefined;
      const roomAccount = byAccount && (perAccount.get(account) ?? 0) < cap;
      const roomIp = byIp && (perIp.get(ip) ?? 0) < cap;
      if (!roomAccount && !roomIp) {
        omitted++;
        return undefined;
      }
      if (byAccount) perAccount.set(account, (perAccount.get(account) ?? 0) + 1);
      if (byIp) perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
      events++;
      return line.slice(t2 + 1);
    });
    return { path, stats: { accounts: perAccount.size, ips: perIp.size, events, omitted, perEntityCap: cap } };
  }

  discard(): Promise<void> {
    return this.parts.discard();
  }
}

/**
 * Reads back the events of some accounts and IPs from an activity.jsonl (or events.jsonl),
 * streaming, keeping at most `perEntity` per entity (the earliest in file order).
 */
export async function readActivity(
  file: string,
  wanted: { accounts: ReadonlySet<string>; ips: ReadonlySet<string> },
  perEntity = DEFAULT_ACTIVITY_CAP,
): Promise<MailEvent[]> {
  const out: MailEvent[] = [];
  const perAccount = new Map<string, number>();
  const perIp = new Map<string, number>();
  const input = createReadStream(file, { encoding: 'utf8' });
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (line === '') continue;
    const e = JSON.parse(line) as MailEvent;
    const a = e.account !== undefined && wanted.accounts.has(e.account) && (perAccount.get(e.account) ?? 0) < perEntity;
    const i = e.ip !== undefined && wanted.ips.has(e.ip) && (perIp.get(e.ip) ?? 0) < perEntity;
    if (!a && !i) continue;
    if (a) perAccount.set(e.account!, (perAccount.get(e.account!) ?? 0) + 1);
    if (i) perIp.set(e.ip!, (perIp.get(e.ip!) ?? 0) + 1);
    out.push(e);
  }
  return out;
}
