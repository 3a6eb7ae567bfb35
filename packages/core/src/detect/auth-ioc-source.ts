/**
 * auth.ioc-source: a successful login, in the window, from an address that sent overflow-style
 * requests (the web rules' findings at high or above) or that is on the `--ioc` list. Webmail
 * logins count through the tie, with the address of the browser that posted the login form.
 *
 * A shared address is not the attacker's own: an office NAT, a carrier's CGNAT gateway, a VPN or
 * Tor exit that served `sharedAccounts` or more accounts in the baseline may carry one attacker
 * and many users. (An exit no account used before the window cannot be told from the attacker's
 * own address: its users' logins are attributed. The baseline is all there is to go on.) A login from such an address is attributed only when it is corroborated, here by time
 * (within `corroborateMinutes` of that address's exploit traffic); the verdict stage adds
 * exfiltration or a send burst from the same address. Otherwise the finding states the fan-out
 * and is medium (an address new to the account) or low (one it always used).
 */
import type { Finding, Severity } from '../finding.js';
import { defineDetector, finishByReading, noReading } from './detector.js';
import { webmailNote } from './login-notes.js';
import { baselineSources } from '../aggregate/source-fanout.js';

export const authIocSource = defineDetector({
  id: 'auth.ioc-source',
  title: 'Login from an exploit source or IOC address',
  severity: 'critical',
  description:
    'A successful login (IMAP, POP3, SMTP AUTH, or webmail through the tie) in the window from an IP whose overflow-style requests to the webmail were high or critical, or that is listed in --ioc: critical, the account is compromised. From an address that sharedAccounts or more accounts used in the baseline (office NAT, CGNAT, VPN or Tor exit), or that the account itself used before, only when corroborated: within corroborateMinutes of that address\'s exploit traffic (or, in the verdict, a mass download or send burst from it); otherwise medium, or low when the account itself used that address before.',
  falsePositives: ['A shared NAT address used by both an attacker and a legitimate user: the finding states how many accounts shared it, and it is not critical without corroboration.'],
  options: {
    sharedAccounts: { default: 2, description: 'distinct baseline accounts that make an exploit source shared: it had users before the attacker (NAT, CGNAT, VPN or Tor exit)' },
    corroborateMinutes: { default: 60, description: 'a login from a shared exploit source this close to its exploit traffic is attributed' },
  },
  kinds: [],
  create(o, ctx) {
    return {
      observe() {},
      finish(f) {
        return finishByReading(this, f);
      },
      readLogins(f) {
        const exploit = f.exploitSources();
        const out: Finding[] = [];
        if (exploit.size === 0 && ctx.iocNets.size === 0) return noReading();
        const since = ctx.window.since;
        const beforeSince = new Set<string>();
        return {
          finish() {
            if (beforeSince.size > 0) {
              const names = [...beforeSince].sort();
              f.warn(`${names.length} account(s) logged in from exploit or IOC sources in the 24 hours before --since (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}); baseline logins are not judged: scan again with an earlier --since`);
            }
            return out;
          },
          account(account, logins) {
            for (const l of logins) if (l.phase === 'baseline' && l.ip !== undefined && l.ts >= since - 86_400_000 && (exploit.has(l.ip) || ctx.iocNets.has(l.ip))) beforeSince.add(account);
            let usual: Set<string> | undefined;
            // Made at the first hit: almost no account has one, and a Map for every account was 138 MiB of garbage at 1M accounts.
            let seen: Map<string, { first: (typeof logins)[number]; count: number; nearest: number }> | undefined;
            for (const l of logins) {
              if (l.phase !== 'window' || l.ip === undefined) continue;
              const times = exploit.get(l.ip);
              if (!times && !ctx.iocNets.has(l.ip)) continue;
              const gap = times ? nearestGap(times, l.ts) : Infinity;
              seen ??= new Map();
              const s = seen.get(l.ip);
              if (!s) seen.set(l.ip, { first: l, count: 1, nearest: gap });
              else {
                s.count++;
                s.nearest = Math.min(s.nearest, gap);
              }
            }
            for (const [ip, { first, count, nearest }] of seen ?? []) {
              const reason = exploit.has(ip) ? 'overflow-source' : 'ioc-list';
              const why = reason === 'overflow-source' ? 'sent overflow-style requests to the webmail' : 'is on the IOC list';
              const sharedWith = f.fanout.accounts(ip);
              const shared = sharedWith >= o.sharedAccounts;
              const nearExploit = nearest <= o.corroborateMinutes * 60_000;
              usual ??= baselineSources(logins);
              const usualForAccount = usual.has(ip);
              // The account's own usual address is never its attacker by address alone.
              const attributed = (!shared && !usualForAccount) || nearExploit;
              const severity: Severity = attributed ? 'critical' : usualForAccount ? 'low' : 'medium';
              const sharedNote = shared
                ? `; ${sharedWith} accounts used that address before the window (shared)${attributed ? `, and this login came ${Math.round(nearest / 60_000)} minutes from its exploit traffic` : ', no corroboration'}`
                : '';
              out.push({
                time: first.ts,
                rule: 'auth.ioc-source',
                severity,
                account,
                ip,
                source: first.source,
                message: `${account} logged in${first.protocol ? ` over ${first.protocol}` : ''} from ${ip}, which ${why}${webmailNote(first)}; ${count} login(s) in the window${sharedNote}`,
                evidence: {
                  logins: count,
                  reason,
                  attributed,
                  sharedAccounts: sharedWith,
                  shared,
                  usualForAccount,
                  minutesFromExploit: Number.isFinite(nearest) ? Math.round(nearest / 60_000) : null,
                  via: first.via,
                  ...(first.tie && { tie: first.tie, webmailHost: first.webmailHost }),
                },
              });
            }
          },
        };
      },
    };
  },
});

/** Milliseconds from `ts` to the nearest of `times` (a scanner may have sent thousands: no spread). */
function nearestGap(times: readonly number[], ts: number): number {
  let best = Infinity;
  for (const t of times) best = Math.min(best, Math.abs(ts - t));
  return best;
}
