/**
 * smtp.send-burst: authenticated submissions in the window far above the account's baseline, or
 * to many recipient domains it never wrote to before. Submissions are tied to the SASL account
 * through Postfix queue ids while parsing.
 */
import { cmp, isEarlier, type Finding, type Mark } from './finding.js';
import { defineDetector } from './detector.js';
import { IdColumn } from '../aggregate/growable-column.js';
import { IdTable } from '../aggregate/identities.js';
import { MarkColumns } from '../aggregate/mark-columns.js';
import { PairTable } from '../aggregate/pair-table.js';

const DAY = 86_400_000;
/** Recipient domains remembered per account: enough to tell a habit from a burst. */
const MAX_DOMAINS = 500;
/** Source IPs counted per account and day; a burst has one or a few. */
const MAX_SOURCES = 64;

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
    // State is columns indexed by the scan's account ids and by pairs in PairTables (account and
    // day; day and source; day and domain): tens of bytes per account-day instead of a Map each.
    const accounts = ctx.identities.accounts;
    const ips = ctx.identities.ips;
    /** Recipient domains, numbered: one copy of `gmail.com` for every sender. */
    const domains = new IdTable(Infinity);
    const baselineDays = new PairTable();
    const baselineCount = new IdColumn((n) => new Uint32Array(n));
    const busiest = new IdColumn((n) => new Uint32Array(n));
    const baselineDomains = new PairTable();
    const baselineDomainCount = new IdColumn((n) => new Uint32Array(n));
    /** (account, day) of the window; its cells index the next tables. */
    const windowDays = new PairTable();
    /** (window day, IP id + 1, 0 for none): submissions, and each source's first one. */
    const sources = new PairTable();
    const sourceCount = new IdColumn((n) => new Uint32Array(n));
    const sourceFirst = new MarkColumns(ips);
    const sourcesPerDay = new IdColumn((n) => new Uint32Array(n));
    /** (window day, domain id): the first delivery to each domain, judged against the baseline at the end. */
    const windowDomains = new PairTable();
    const domainFirst = new MarkColumns(ips);
    const domainsPerDay = new IdColumn((n) => new Uint32Array(n));
    return {
      observe(e) {
        if (e.account === undefined || (e.phase !== 'baseline' && e.phase !== 'window')) return;
        const day = Math.floor(e.ts / DAY);
        // Submissions are authenticated: real accounts, kept past the key cap.
        const id = accounts.intern(e.account);
        if (e.kind === 'mail.submit') {
          if (e.phase === 'baseline') {
            const cell = baselineDays.index(id, day);
            baselineCount.add(cell, 1);
            // Day counts only grow, so the largest running count is the busiest day.
            if (baselineCount.get(cell) > busiest.get(id)) busiest.set(id, baselineCount.get(cell));
          } else {
            const cell = windowDays.index(id, day);
            const ip = e.ip === undefined ? 0 : ips.intern(e.ip) + 1;
            const src = indexUpTo(sources, sourcesPerDay, MAX_SOURCES, cell, ip);
            if (src < 0) return;
            sourceCount.add(src, 1);
            sourceFirst.offer(src, e);
          }
          return;
        }
        for (const to of e.to ?? []) {
          const domain = domains.intern(to.slice(to.lastIndexOf('@') + 1));
          if (e.phase === 'baseline') {
            indexUpTo(baselineDomains, baselineDomainCount, MAX_DOMAINS, id, domain);
            continue;
          }
          const cell = windowDays.index(id, day);
          // Room for the baseline's domains and MAX_DOMAINS new ones.
          const seen = indexUpTo(windowDomains, domainsPerDay, 2 * MAX_DOMAINS, cell, domain);
          if (seen >= 0) domainFirst.offer(seen, e);
        }
      },
      finish() {
        const out: Finding[] = [];
        const sourceOrder = sources.sorted();
        const domainOrder = windowDomains.sorted();
        const dayOrder = windowDays.sorted();
        for (const cell of dayOrder) {
          const id = windowDays.first(cell);
          const day = windowDays.second(cell);
          const account = accounts.value(id);
          const top = busiest.get(id);
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
        return out;
      },
    };
  },
});

/** The pair's index, added while `first` has fewer than `max` pairs (counted in `perFirst`); else -1. */
function indexUpTo(table: PairTable, perFirst: IdColumn<Uint32Array>, max: number, first: number, second: number): number {
  const found = table.find(first, second);
  if (found >= 0 || perFirst.get(first) >= max) return found;
  perFirst.add(first, 1);
  return table.index(first, second);
}
