/**
 * smtp.send-burst: authenticated submissions in the window far above the account's baseline, or
 * to many recipient domains it never wrote to before. Submissions are tied to the SASL account
 * through Postfix queue ids while parsing.
 */
import type { MailEvent } from '../event.js';
import { cmp, isEarlier, markOf, type Finding, type Mark } from './finding.js';
import { defineDetector } from './detector.js';
import { flatCopy } from '../parse/flat-copy.js';
import { DayValues } from '../aggregate/day-values.js';

const DAY = 86_400_000;
/** Recipient domains remembered per account: enough to tell a habit from a burst. */
const MAX_DOMAINS = 500;
/** Source IPs counted per account and day; a burst has one or a few. */
const MAX_SOURCES = 64;
/** Distinct recipient domains shared by every account (one copy of `gmail.com`, not one per sender). */
const MAX_POOLED_DOMAINS = 200_000;

/** Containers are created on first use: an empty Map or Set costs about 100 bytes, per account. */
interface Sender {
  baselineDays: Map<number, number> | undefined;
  baselineDomains: Set<string> | undefined;
  /** Per window day: submissions per source IP (`''` for none), with each source's first one. */
  windowDays: DayValues<Map<string, { count: number; first: Mark }>> | undefined;
  /** Per window day: recipient domains and the first delivery to each, judged against the baseline at the end. */
  windowDomains: DayValues<Map<string, Mark>> | undefined;
}

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
  create(o) {
    const senders = new Map<string, Sender>();
    const domainPool = new Map<string, string>();
    const pooled = (domain: string): string => {
      let d = domainPool.get(domain);
      if (d === undefined) {
        d = flatCopy(domain);
        if (domainPool.size < MAX_POOLED_DOMAINS) domainPool.set(d, d);
      }
      return d;
    };
    const state = (a: string): Sender => {
      let s = senders.get(a);
      if (!s) senders.set(a, (s = { baselineDays: undefined, baselineDomains: undefined, windowDays: undefined, windowDomains: undefined }));
      return s;
    };
    return {
      observe(e) {
        if (e.account === undefined || (e.phase !== 'baseline' && e.phase !== 'window')) return;
        const day = Math.floor(e.ts / DAY);
        const s = state(e.account);
        if (e.kind === 'mail.submit') {
          if (e.phase === 'baseline') {
            s.baselineDays ??= new Map();
            s.baselineDays.set(day, (s.baselineDays.get(day) ?? 0) + 1);
          }
          else {
            s.windowDays ??= new DayValues();
            let d = s.windowDays.get(day);
            if (!d) s.windowDays.set(day, (d = new Map()));
            const ip = e.ip ?? '';
            const src = d.get(ip);
            if (!src) {
              if (d.size < MAX_SOURCES) d.set(ip, { count: 1, first: markOf(e) });
            } else {
              src.count++;
              if (isEarlier(e.ts, e.source, src.first.ts, src.first.source)) src.first = markOf(e);
            }
          }
          return;
        }
        for (const to of e.to ?? []) {
          const domain = to.slice(to.lastIndexOf('@') + 1);
          if (e.phase === 'baseline') {
            s.baselineDomains ??= new Set();
            if (s.baselineDomains.size < MAX_DOMAINS && !s.baselineDomains.has(domain)) s.baselineDomains.add(pooled(domain));
            continue;
          }
          s.windowDomains ??= new DayValues();
          let d = s.windowDomains.get(day);
          if (!d) s.windowDomains.set(day, (d = new Map()));
          const seen = d.get(domain);
          // Room for the baseline's domains and MAX_DOMAINS new ones.
          if (!seen) {
            if (d.size < 2 * MAX_DOMAINS) d.set(pooled(domain), markOf(e));
          } else if (isEarlier(e.ts, e.source, seen.ts, seen.source)) d.set(domain, markOf(e));
        }
      },
      finish() {
        const out: Finding[] = [];
        for (const [account, s] of senders) {
          const busiest = Math.max(0, ...(s.baselineDays?.values() ?? []));
          const limit = Math.max(o.minMessages, o.factor * busiest);
          const burstDays = new Set<number>();
          for (const [day, sources] of s.windowDays?.entries() ?? []) {
            const count = [...sources.values()].reduce((a, v) => a + v.count, 0);
            if (count < limit) continue;
            burstDays.add(day);
            // The burst is attributed to its busiest source, not to whoever sent first that day.
            const [topIp, top] = [...sources].sort(([a, x], [b, y]) => y.count - x.count || cmp(a, b))[0]!;
            const breakdown = Object.fromEntries([...sources].sort(([a], [b]) => cmp(a, b)).map(([ip, v]) => [ip || 'unknown', v.count]));
            out.push({
              time: top.first.ts,
              rule: 'smtp.send-burst',
              severity: 'medium',
              account,
              ip: topIp || null,
              source: top.first.source,
              message: `${account} submitted ${count} messages on ${new Date(day * DAY).toISOString().slice(0, 10)} (UTC), ${top.count} of them from ${topIp || 'an unknown address'}; busiest baseline day ${busiest}`,
              evidence: { messages: count, limit, baselineBusiestDay: busiest, bySource: breakdown },
            });
          }
          for (const [day, domains] of s.windowDomains?.entries() ?? []) {
            // Window recipients are judged once every baseline domain is known.
            const fresh = [...domains].filter(([domain]) => !s.baselineDomains?.has(domain));
            const count = Math.min(fresh.length, MAX_DOMAINS);
            if (count < o.minNewDomains || burstDays.has(day)) continue;
            let first = fresh[0]![1];
            for (const [, m] of fresh) if (isEarlier(m.ts, m.source, first.ts, first.source)) first = m;
            out.push({
              time: first.ts,
              rule: 'smtp.send-burst',
              severity: 'medium',
              account,
              ip: first.ip ?? null,
              source: first.source,
              message: `${account} sent to ${count} recipient domains never used in its baseline`,
              evidence: { newDomains: count, threshold: o.minNewDomains, sample: fresh.map(([domain]) => domain).sort().slice(0, 10) },
            });
          }
        }
        return out;
      },
    };
  },
});
