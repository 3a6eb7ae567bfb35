/**
 * smtp.send-burst: authenticated submissions in the window far above the account's baseline, or
 * to many recipient domains it never wrote to before. Submissions are tied to the SASL account
 * through Postfix queue ids while parsing.
 */
import { cmp, isEarlier, type Finding, type Mark } from '../finding.js';
import { defineDetector } from './detector.js';
import { IdColumn } from '../aggregate/growable-column.js';
import { IdTable } from '../aggregate/identities.js';
import { MarkColumns } from '../aggregate/mark-columns.js';
import { PairTable } from '../aggregate/pair-table.js';
import { AccountRecords, f64Index, PARTITIONS, type RecordPartition } from '../aggregate/account-spill.js';
import { Interner } from '../aggregate/interner.js';
import { largestDayTotals, type DayRecordReader } from '../aggregate/day-totals.js';

const DAY = 86_400_000;
/** Recipient domains remembered per account: enough to tell a habit from a burst. */
const MAX_DOMAINS = 500;
/** Source IPs counted per account and day; a burst has one or a few. */
const MAX_SOURCES = 64;
/** A baseline submission's record (words): account id, day; each counts one. */
const SUBMIT = { account: 0, day: 1, words: 2 } as const;
/** A baseline recipient domain's record (words): account id, domain id. */
const SENT = { account: 0, domain: 1, words: 2 } as const;
/** A window submission's record (words): time (0-1), account id, IP id or -1, file id, line. */
const WINDOW_SUBMIT = { time: 0, account: 2, ip: 3, file: 4, line: 5, words: 6 } as const;
/** A window delivery's record (words): time (0-1), account id, domain id, IP id or -1, file id, line; one spare. */
const WINDOW_SENT = { time: 0, account: 2, domain: 3, ip: 4, file: 5, line: 6, words: 8 } as const;
const BASELINE_SUBMIT: DayRecordReader = {
  account: (part, r) => part.i32[r * SUBMIT.words + SUBMIT.account]!,
  day: (part, r) => part.i32[r * SUBMIT.words + SUBMIT.day]!,
  amount: () => 1,
};

export const smtpSendBurst = defineDetector({
  id: 'smtp.send-burst',
  title: 'Burst of sent mail far above the account baseline',
  severity: 'medium',
  description:
    'Authenticated submissions by one account in one day of the window above both minMessages and factor times its busiest baseline day, or mail to at least minNewDomains recipient domains never used in the baseline.',
  falsePositives: ['Newsletters or announcements sent from a personal account; a user back from leave answering everything.'],
  options: {
    minMessages: { default: 20, description: 'submissions in a day before it can be a burst' },
    factor: { default: 5, description: 'how many times the busiest baseline day a burst must exceed' },
    minNewDomains: { default: 10, description: 'new recipient domains in a day that make a burst' },
  },
  kinds: ['mail.submit', 'mail.deliver'],
  create(o, ctx) {
    // Per message (and recipient): a record in an AccountRecords store, in memory or on disk past
    // the scan's spill budget, replayed one account partition at a time at the end into columns
    // by pairs in PairTables (account and day; day and source; day and domain): per-day totals
    // cannot be judged before every file is read, and files come in any order. Each account's
    // records come back in the order they arrived, so the per-day caps keep the same sources and
    // domains as a replay in memory would.
    const accounts = ctx.identities.accounts;
    const ips = ctx.identities.ips;
    const files = new Interner();
    /** Recipient domains, numbered: one copy of `gmail.com` for every sender. */
    const domains = new IdTable(Infinity);
    const baselineSubmits = new AccountRecords(ctx.spill, 'send-burst-baseline', SUBMIT.words);
    const baselineDomainsSent = new AccountRecords(ctx.spill, 'send-burst-baseline-domains', SENT.words);
    const windowSubmits = new AccountRecords(ctx.spill, 'send-burst-window', WINDOW_SUBMIT.words);
    const windowDeliveries = new AccountRecords(ctx.spill, 'send-burst-window-domains', WINDOW_SENT.words);
    /** Baseline domains kept per account id (each account is in one partition: never reset). */
    const baselineDomainCount = new IdColumn((n) => new Uint32Array(n));
    return {
      observe(e) {
        if (e.account === undefined || (e.phase !== 'baseline' && e.phase !== 'window')) return;
        const day = Math.floor(e.ts / DAY);
        // Submissions are authenticated: real accounts, kept past the key cap.
        const id = accounts.intern(e.account);
        const ip = e.phase === 'window' && e.ip !== undefined ? ips.intern(e.ip) : -1;
        if (e.kind === 'mail.submit') {
          if (e.phase === 'baseline') {
            baselineSubmits.i32[SUBMIT.account] = id;
            baselineSubmits.i32[SUBMIT.day] = day;
            baselineSubmits.append(id);
          } else {
            const r = windowSubmits;
            r.f64[f64Index(0, WINDOW_SUBMIT.words, WINDOW_SUBMIT.time)] = e.ts;
            r.i32[WINDOW_SUBMIT.account] = id;
            r.i32[WINDOW_SUBMIT.ip] = ip;
            r.i32[WINDOW_SUBMIT.file] = files.id(e.source.file);
            r.i32[WINDOW_SUBMIT.line] = e.source.line;
            r.append(id);
          }
          return;
        }
        for (const to of e.to ?? []) {
          const domain = domains.intern(to.slice(to.lastIndexOf('@') + 1));
          if (e.phase === 'baseline') {
            baselineDomainsSent.i32[SENT.account] = id;
            baselineDomainsSent.i32[SENT.domain] = domain;
            baselineDomainsSent.append(id);
            continue;
          }
          const r = windowDeliveries;
          r.f64[f64Index(0, WINDOW_SENT.words, WINDOW_SENT.time)] = e.ts;
          r.i32[WINDOW_SENT.account] = id;
          r.i32[WINDOW_SENT.domain] = domain;
          r.i32[WINDOW_SENT.ip] = ip;
          r.i32[WINDOW_SENT.file] = files.id(e.source.file);
          r.i32[WINDOW_SENT.line] = e.source.line;
          r.append(id);
        }
      },
      finish() {
        const out: Finding[] = [];
        for (let p = 0; p < PARTITIONS; p++) {
          const submits = windowSubmits.partition(p);
          const deliveries = windowDeliveries.partition(p);
          if (submits || deliveries) judgePartition(p, submits, deliveries, out);
        }
        return out;
      },
    };

    /** One partition's accounts: the baseline replayed, then each window day judged against it. */
    function judgePartition(p: number, submits: RecordPartition | undefined, deliveries: RecordPartition | undefined, out: Finding[]): void {
      const busiest = largestDayTotals(baselineSubmits.partition(p), BASELINE_SUBMIT);
      const baselineDomains = new PairTable();
      const sent = baselineDomainsSent.partition(p);
      for (let r = 0; r < (sent?.count ?? 0); r++) indexUpTo(baselineDomains, baselineDomainCount, MAX_DOMAINS, sent!.i32[r * SENT.words + SENT.account]!, sent!.i32[r * SENT.words + SENT.domain]!);
      /** (account, day) of the window; its cells index the next tables. */
      const windowDays = new PairTable();
      /** (window day, IP id + 1, 0 for none): submissions, and each source's first one. */
      const sources = new PairTable();
      const sourceCount = new IdColumn((n) => new Uint32Array(n));
      const sourceFirst = new MarkColumns(ips, files);
      const sourcesPerDay = new IdColumn((n) => new Uint32Array(n));
      for (let r = 0; r < (submits?.count ?? 0); r++) {
        const { f64, i32 } = submits!;
        const at = r * WINDOW_SUBMIT.words;
        const ts = f64[f64Index(r, WINDOW_SUBMIT.words, WINDOW_SUBMIT.time)]!;
        const ip = i32[at + WINDOW_SUBMIT.ip]!;
        const cell = windowDays.index(i32[at + WINDOW_SUBMIT.account]!, Math.floor(ts / DAY));
        const src = indexUpTo(sources, sourcesPerDay, MAX_SOURCES, cell, ip + 1);
        if (src < 0) continue;
        sourceCount.add(src, 1);
        sourceFirst.offer(src, ts, ip, i32[at + WINDOW_SUBMIT.file]!, i32[at + WINDOW_SUBMIT.line]! >>> 0);
      }
      /** (window day, domain id): the first delivery to each domain, judged against the baseline below. */
      const windowDomains = new PairTable();
      const domainFirst = new MarkColumns(ips, files);
      const domainsPerDay = new IdColumn((n) => new Uint32Array(n));
      for (let r = 0; r < (deliveries?.count ?? 0); r++) {
        const { f64, i32 } = deliveries!;
        const at = r * WINDOW_SENT.words;
        const ts = f64[f64Index(r, WINDOW_SENT.words, WINDOW_SENT.time)]!;
        const cell = windowDays.index(i32[at + WINDOW_SENT.account]!, Math.floor(ts / DAY));
        // Room for the baseline's domains and MAX_DOMAINS new ones.
        const seen = indexUpTo(windowDomains, domainsPerDay, 2 * MAX_DOMAINS, cell, i32[at + WINDOW_SENT.domain]!);
        if (seen >= 0) domainFirst.offer(seen, ts, i32[at + WINDOW_SENT.ip]!, i32[at + WINDOW_SENT.file]!, i32[at + WINDOW_SENT.line]! >>> 0);
      }
      const sourceOrder = sources.sorted();
      const domainOrder = windowDomains.sorted();
      const dayOrder = windowDays.sorted();
      for (const cell of dayOrder) {
        const id = windowDays.first(cell);
        const day = windowDays.second(cell);
        const account = accounts.value(id);
        const top = busiest.get(id) ?? 0;
        const limit = Math.max(o.minMessages, o.factor * top);
        const [s0, s1] = sources.range(sourceOrder, cell);
        const bySource: Array<[string, number, number]> = [];
        let count = 0;
        for (let k = s0; k < s1; k++) {
          const src = sourceOrder[k]!;
          const ip = sources.second(src);
          bySource.push([ip === 0 ? '' : ips.value(ip - 1), sourceCount.get(src), src]);
          count += sourceCount.get(src);
        }
        const burst = count > 0 && count >= limit;
        if (burst) {
          // The burst is attributed to its busiest source, not to whoever sent first that day.
          const [topIp, topCount, topCell] = [...bySource].sort((x, y) => y[1] - x[1] || cmp(x[0], y[0]))[0]!;
          const first = sourceFirst.get(topCell);
          const breakdown = Object.fromEntries(bySource.sort((x, y) => cmp(x[0], y[0])).map(([ip, n]) => [ip || 'unknown', n]));
          out.push({
            time: first.ts,
            rule: 'smtp.send-burst',
            severity: 'medium',
            account,
            ip: topIp || null,
            source: first.source,
            message: `${account} submitted ${count} messages on ${new Date(day * DAY).toISOString().slice(0, 10)} (UTC), ${topCount} of them from ${topIp || 'an unknown address'}; busiest baseline day ${top}`,
            evidence: { messages: count, limit, baselineBusiestDay: top, bySource: breakdown },
          });
        }
        // Window recipients are judged once every baseline domain is known.
        const [d0, d1] = windowDomains.range(domainOrder, cell);
        const fresh: Array<[string, Mark]> = [];
        for (let k = d0; k < d1; k++) {
          const pair = domainOrder[k]!;
          const domain = windowDomains.second(pair);
          if (baselineDomains.find(id, domain) < 0) fresh.push([domains.value(domain), domainFirst.get(pair)]);
        }
        const freshCount = Math.min(fresh.length, MAX_DOMAINS);
        if (freshCount < o.minNewDomains || burst) continue;
        let first = fresh[0]![1];
        for (const [, m] of fresh) if (isEarlier(m.ts, m.source, first.ts, first.source)) first = m;
        out.push({
          time: first.ts,
          rule: 'smtp.send-burst',
          severity: 'medium',
          account,
          ip: first.ip ?? null,
          source: first.source,
          message: `${account} sent to ${freshCount} recipient domains never used in its baseline`,
          evidence: { newDomains: freshCount, threshold: o.minNewDomains, sample: fresh.map(([domain]) => domain).sort().slice(0, 10) },
        });
      }
    }
  },
});

/** The pair's index, added while `first` has fewer than `max` pairs (counted in `perFirst`); else -1. */
function indexUpTo(table: PairTable, perFirst: IdColumn<Uint32Array>, max: number, first: number, second: number): number {
  const found = table.find(first, second);
  if (found >= 0 || perFirst.get(first) >= max) return found;
  perFirst.add(first, 1);
  return table.index(first, second);
}
