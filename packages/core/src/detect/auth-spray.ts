/**
 * auth.spray: one source failing over many distinct accounts in the window (password spraying,
 * credential stuffing), and each account that then logs in from that source.
 * Webmail hosts and trusted networks are not sources: a webmail relays its users' typos.
 */
import { isEarlier, type Finding } from './finding.js';
import type { EventSource } from '../event.js';
import { defineDetector } from './detector.js';
import { countsAsAttempt } from './auth-failures.js';

interface SourceState {
  /** One name until a second arrives: most sources of a botnet fail once, and a Set costs ~200 B. */
  accounts: string | Set<string> | undefined;
  attempts: number;
  first: number;
  firstSource: EventSource;
}

function addAccount(s: SourceState, account: string, keep: number): void {
  if (s.accounts === undefined) s.accounts = account;
  else if (typeof s.accounts === 'string') {
    if (s.accounts !== account) s.accounts = new Set([s.accounts, account]);
  } else if (s.accounts.size < keep) s.accounts.add(account);
}

const accountCount = (s: SourceState): number => (s.accounts === undefined ? 0 : typeof s.accounts === 'string' ? 1 : s.accounts.size);
const accountList = (s: SourceState): string[] => (s.accounts === undefined ? [] : typeof s.accounts === 'string' ? [s.accounts] : [...s.accounts]);

export const authSpray = defineDetector({
  id: 'auth.spray',
  title: 'Password spraying or credential stuffing from one source',
  severity: 'medium',
  description:
    'One IP failing authentication over many distinct accounts in the window; each account that afterwards logs in successfully from that IP is reported at high.',
  falsePositives: ['A misconfigured shared client (old password in a kiosk or MDM profile) failing for many users from one NAT address.'],
  options: {
    minAccounts: { default: 10, description: 'distinct accounts failing from one IP that make a spray' },
  },
  kinds: ['auth.failure'],
  create(o, ctx) {
    // Fewest attempts go first: a botnet's one-shot addresses, never a real sprayer.
    const sources = ctx.limits.map<string, SourceState>('auth.spray sources', (s) => s.attempts);
    // Enough distinct names to prove a spray and to list; more only costs memory.
    const keep = Math.max(o.minAccounts, 1000);
    return {
      observe(e) {
        if (e.phase !== 'window' || e.ip === undefined || !countsAsAttempt(e) || ctx.trustedNets.has(e.ip)) return;
        let s = sources.get(e.ip);
        if (!s) sources.set(e.ip, (s = { accounts: undefined, attempts: 0, first: e.ts, firstSource: e.source }));
        s.attempts += e.attempts ?? 1;
        if (e.account !== undefined) addAccount(s, e.account, keep);
        if (isEarlier(e.ts, e.source, s.first, s.firstSource)) {
          s.first = e.ts;
          s.firstSource = e.source;
        }
      },
      finish(f) {
        const out: Finding[] = [];
        const hosts = f.logins.webmailHosts();
        const sprayers = new Map<string, SourceState>();
        for (const [ip, s] of sources) {
          const distinct = accountCount(s);
          if (distinct < o.minAccounts || hosts.has(ip)) continue;
          sprayers.set(ip, s);
          out.push({
            time: s.first,
            rule: 'auth.spray',
            severity: 'medium',
            account: null,
            ip,
            source: s.firstSource,
            message: `${ip} failed to authenticate as ${distinct}${distinct >= keep ? '+' : ''} distinct accounts (${s.attempts} attempts)`,
            evidence: { distinctAccounts: distinct, attempts: s.attempts, threshold: o.minAccounts, sample: accountList(s).sort().slice(0, 10) },
          });
        }
        if (sprayers.size === 0) return out;
        for (const [account, logins] of f.logins.byAccount()) {
          const hit = logins.find((l) => l.phase === 'window' && l.ip !== undefined && sprayers.has(l.ip) && l.ts >= sprayers.get(l.ip)!.first);
          if (!hit) continue;
          out.push({
            time: hit.ts,
            rule: 'auth.spray',
            severity: 'high',
            account,
            ip: hit.ip!,
            source: hit.source,
            message: `${account} logged in from ${hit.ip} after that source sprayed failed logins over ${accountCount(sprayers.get(hit.ip!)!)} accounts`,
            evidence: { sprayAccounts: accountCount(sprayers.get(hit.ip!)!), via: hit.via },
          });
        }
        return out;
      },
    };
  },
});
