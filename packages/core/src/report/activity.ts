/**
 * activity.jsonl: the window events of every flagged account and IP, so a report, a timeline
 * export or `mxray explain` can show what the attacker did, not only the findings.
 *
 * Which entities are flagged is known only after the last file, so batches holding window
 * activity are spooled to part files as they stream by and filtered when the parts are joined.
 * Memory does not grow with events; disk use during the scan grows with window events and is
 * released at the end. A spooled batch is the checkpoint's compressed member of it (made once for both,
 * on the worker thread when there is one) after the ids of its accounts and IPs: where the
 * checkpoint's events file holds it, its place there (`@file,offset,length`); otherwise the member
 * in base64. As plain JSON the spool took 1.4 times the decoded logs, so a 100 GB archive would
 * have needed 140 GB of scratch space beside `--out`.
 */
import type { ActivityStats } from './manifest.js';
import { closeSync, openSync, readSync } from 'node:fs';
import { decompressMember } from './member-codec.js';
import type { EventKind, MailEvent } from '../event.js';
import { eventToJson } from './json-order.js';
import { BatchLineView, type EventBatch } from './event-batch.js';
import { Identities, REFUSED_KEY } from '../aggregate/identities.js';
import { DEFAULT_MAX_KEYS } from '../aggregate/bounded-map.js';
import { OrderedPartsWriter } from './ordered-parts.js';
import { readJsonl } from './scan-outputs.js';

/** What a drill-down shows: logins, failures, sessions with bytes, sends, web requests, stored mail. */
export const ACTIVITY_KINDS: ReadonlySet<EventKind> = new Set<EventKind>([
  'auth.success',
  'auth.failure',
  'session.end',
  'mail.submit',
  'http.request',
  'http.error',
  'header',
]);

/** Wanted entities a batch may hold and still be compared by list (see ActivitySpool.finish). */
const FEW_WANTED = 16;

/** Events kept per account or IP; the rest are counted as omitted (events.jsonl has them all). */
export const DEFAULT_ACTIVITY_CAP = 2000;

function isActivity(e: MailEvent): boolean {
  return isActivityOf(e.phase, e.kind, e.account, e.ip);
}

/** What makes an event activity, from its fields (the read-back has them without the event). */
function isActivityOf(phase: string | undefined, kind: string | undefined, account: string | undefined, ip: string | undefined): boolean {
  return phase === 'window' && ACTIVITY_KINDS.has(kind as EventKind) && (account !== undefined || ip !== undefined);
}

/**
 * Spooled batches are read back at the end only where they hold a flagged account or IP: each
 * spool line starts with the ids (in the scan's Identities) of its activity events' accounts and
 * IPs, each once, `*` when one has no id, so the other batches are skipped without parsing their
 * JSON. The ids are the batch's own (`EventBatch.keys`), looked up once where it arrived.
 */
export class ActivitySpool {
  private readonly parts: OrderedPartsWriter;
  /** Files that hold spooled members (checkpoints' events files), by their number in spool lines. */
  private readonly stores: string[] = [];
  private readonly storeIds = new Map<string, number>();

  constructor(
    outDir: string,
    private readonly identities: Identities = new Identities(DEFAULT_MAX_KEYS),
  ) {
    this.parts = new OrderedPartsWriter(outDir, '.activity-parts');
  }

  start(): Promise<void> {
    return this.parts.start();
  }

  /**
   * Spools a batch that holds any window activity, in its compact form (which flagged entities it
   * matters for is known only at the end, and few of its events will be written).
   */
  write(index: number, batch: EventBatch): Promise<void> {
    const keys = batch.keys(this.identities);
    const events = batch.events;
    const accounts = new Int32Array(events.length);
    const ips = new Int32Array(events.length);
    let accountCount = 0;
    let ipCount = 0;
    let unnumbered = false;
    for (let i = 0; i < events.length; i++) {
      if (!isActivity(events[i]!)) continue;
      const account = keys.accounts[i]!;
      const ip = keys.ips[i]!;
      if (account === REFUSED_KEY || ip === REFUSED_KEY) unnumbered = true;
      if (account >= 0) accounts[accountCount++] = account;
      if (ip >= 0) ips[ipCount++] = ip;
    }
    if (!unnumbered && accountCount === 0 && ipCount === 0) return Promise.resolve();
    const ids = unnumbered ? '*' : `${distinctIds(accounts, accountCount)};${distinctIds(ips, ipCount)}`;
    const stored = batch.stored;
    if (stored) {
      let store = this.storeIds.get(stored.path);
      if (store === undefined) {
        store = this.stores.length;
        this.stores.push(stored.path);
        this.storeIds.set(stored.path, store);
      }
      return this.parts.write(index, `${ids}\t@${store},${stored.offset},${stored.length}\n`);
    }
    const member = batch.member();
    const base64 = Buffer.from(member.buffer, member.byteOffset, member.byteLength).toString('base64');
    return this.parts.write(index, `${ids}\t${base64}\n`);
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
    const wanted = { accounts: new Set<number>(), ips: new Set<number>() };
    for (const account of flagged.accounts) wanted.accounts.add(this.identities.accounts.find(account));
    for (const ip of flagged.ips) wanted.ips.add(this.identities.ips.find(ip));
    let events = 0;
    let omitted = 0;
    const fds = new Map<number, number>();
    const member = (body: string): Buffer => {
      if (body.charCodeAt(0) !== 64) return Buffer.from(body, 'base64');
      const [store, offset, length] = body.slice(1).split(',').map(Number) as [number, number, number];
      let fd = fds.get(store);
      if (fd === undefined) {
        fd = openSync(this.stores[store]!, 'r');
        fds.set(store, fd);
      }
      const bytes = Buffer.allocUnsafe(length);
      for (let at = 0; at < length; ) {
        const n = readSync(fd, bytes, at, length - at, offset + at);
        if (n === 0) throw new Error(`${this.stores[store]} ends before the spooled batch at ${offset}`);
        at += n;
      }
      return bytes;
    };
    const path = await this.parts.join(fileCount, 'activity.jsonl', (line) => {
      const tab = line.indexOf('\t');
      const present = wantedIn(line, tab, wanted, this.identities);
      if (present === undefined) return undefined;
      // The wanted accounts and IPs this batch holds, as text: a handful to compare each event's
      // with, where the flagged sets hold hundreds of thousands at IIJ scale (3.3 s of lookups).
      // A batch with unnumbered entities ('*'), or with more than a handful of wanted ones (a
      // scan where most accounts are flagged), is compared with the whole sets.
      const holds =
        present === 'all' || present.accounts.length + present.ips.length > FEW_WANTED
          ? (account: string | undefined, ip: string | undefined): boolean => quota.wants(account, ip)
          : (account: string | undefined, ip: string | undefined): boolean =>
              (account !== undefined && present.accounts.includes(account)) || (ip !== undefined && present.ips.includes(ip));
      let out: string | undefined;
      const batch = new BatchLineView(decompressMember(member(line.slice(tab + 1))).toString('utf8'));
      // Only the events kept are made: account, IP, phase and kind decide.
      for (let i = 0; i < batch.count; i++) {
        const account = batch.stringField(i, 'account');
        const ip = batch.stringField(i, 'ip');
        if (!holds(account, ip) || !isActivityOf(batch.stringField(i, 'phase'), batch.stringField(i, 'kind'), account, ip)) continue;
        const verdict = quota.take(account, ip);
        if (verdict === 'over') omitted++;
        if (verdict !== 'kept') continue;
        events++;
        const e = eventToJson(batch.event(i));
        out = out === undefined ? e : `${out}\n${e}`;
      }
      return out;
    }).finally(() => {
      for (const fd of fds.values()) closeSync(fd);
    });
    return { path, stats: { accounts: quota.accounts.size, ips: quota.ips.size, events, omitted, perEntityCap: cap } };
  }

  discard(): Promise<void> {
    return this.parts.discard();
  }
}

/**
 * The first `count` ids, each once, in ascending order, comma-separated: a spool line's prefix
 * names the batch's entities, and an account has many events in a batch (the first 2,000 lines
 * of a day name ~1,000 accounts).
 */
function distinctIds(ids: Int32Array, count: number): string {
  const sorted = ids.subarray(0, count).sort();
  let text = '';
  for (let i = 0; i < count; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) continue;
    text = text === '' ? String(sorted[i]) : `${text},${sorted[i]}`;
  }
  return text;
}

/**
 * The wanted accounts and IPs a spool line's id prefix (`*`, or `accounts;ips`) names, as text;
 * `all` for a line with unnumbered entities (`*`), undefined when it names none. The prefix
 * lists the ids of every activity event's account and IP, so an activity event of this batch is
 * wanted exactly when its account or IP is among these.
 */
function wantedIn(
  line: string,
  end: number,
  wanted: { accounts: ReadonlySet<number>; ips: ReadonlySet<number> },
  identities: Identities,
): { accounts: string[]; ips: string[] } | 'all' | undefined {
  if (line.charCodeAt(0) === 42) return 'all';
  let found: { accounts: Set<number>; ips: Set<number> } | undefined;
  let set = wanted.accounts;
  let ips = false;
  let n = -1;
  for (let i = 0; i <= end; i++) {
    const c = i === end ? 44 : line.charCodeAt(i);
    if (c >= 48 && c <= 57) n = (n < 0 ? 0 : n * 10) + (c - 48);
    else {
      if (n >= 0 && set.has(n)) {
        found ??= { accounts: new Set(), ips: new Set() };
        (ips ? found.ips : found.accounts).add(n);
      }
      n = -1;
      if (c === 59) {
        set = wanted.ips;
        ips = true;
      }
    }
  }
  if (!found) return undefined;
  return { accounts: [...found.accounts].map((id) => identities.accounts.value(id)), ips: [...found.ips].map((id) => identities.ips.value(id)) };
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

  /** Whether either is wanted (`take` would not answer 'unwanted'). */
  wants(account: string | undefined, ip: string | undefined): boolean {
    return (account !== undefined && this.wanted.accounts.has(account)) || (ip !== undefined && this.wanted.ips.has(ip));
  }

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
