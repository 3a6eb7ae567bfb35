/**
 * auth.spray: one source failing over many distinct accounts in the window (password spraying,
 * credential stuffing), each account that then logs in from that source, and each account it
 * tried without success.
 *
 * Targeted is not compromised: an account the source only tried is reported low (verdict
 * `targeted`). A success is attributed (high, verdict `compromised`) only from an address that
 * is not shared (fewer than sharedAccounts accounts used it in the baseline) and that the
 * account never used before: a misconfigured kiosk behind the office NAT fails for everyone and
 * then its users log in from that same NAT. Webmail hosts and trusted networks are not sources:
 * a webmail relays its users' typos.
 */
import { isEarlier, type Finding } from '../finding.js';
import type { EventSource } from '../event.js';
import { defineDetector, finishByReading, noReading } from './detector.js';
import { countsAsAttempt } from './auth-failures.js';
import { baselineSources } from '../aggregate/source-fanout.js';

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
const triedBy = (s: SourceState, account: string): boolean => (s.accounts === undefined ? false : typeof s.accounts === 'string' ? s.accounts === account : s.accounts.has(account));
const accountList = (s: SourceState): string[] => (s.accounts === undefined ? [] : typeof s.accounts === 'string' ? [s.accounts] : [...s.accounts]);

export const authSpray = defineDetector({
  id: 'auth.spray',
  title: 'Password spraying or credential stuffing from one source',
  severity: 'medium',
  description:
    'One IP failing authentication over many distinct accounts in the window (medium; low from a shared address). Each account that afterwards logs in successfully from that IP is high when the IP is not shared and new to the account (compromised), low otherwise; each account it only tried is low (targeted).',
  falsePositives: ['A misconfigured shared client (old password in a kiosk or MDM profile) failing for many users from one NAT address: the finding says the address is shared, and its users\' logins from it are not attributed.'],
  options: {
    minAccounts: { default: 10, description: 'distinct accounts failing from one IP that make a spray' },
    sharedAccounts: { default: 5, description: 'distinct baseline accounts that make an address shared' },
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
        return finishByReading(this, f);
      },
      readLogins(f) {
        const out: Finding[] = [];
        const hosts = f.logins.webmailHosts();
        const sprayers = new Map<string, { state: SourceState; sharedAccounts: number; finding: Finding }>();
        for (const [ip, s] of sources) {
          const distinct = accountCount(s);
          if (distinct < o.minAccounts || hosts.has(ip)) continue;
          const sharedWith = f.fanout.accounts(ip);
          const shared = sharedWith >= o.sharedAccounts;
          const finding: Finding = {
            time: s.first,
            rule: 'auth.spray',
            severity: shared ? 'low' : 'medium',
            account: null,
            ip,
            source: s.firstSource,
            message: `${ip} failed to authenticate as ${distinct}${distinct >= keep ? '+' : ''} distinct accounts (${s.attempts} attempts)${shared ? `; ${sharedWith} accounts used that address before the window (shared)` : ''}`,
            evidence: { distinctAccounts: distinct, attempts: s.attempts, threshold: o.minAccounts, sharedAccounts: sharedWith, shared, sample: accountList(s).sort().slice(0, 10) },
          };
          sprayers.set(ip, { state: s, sharedAccounts: sharedWith, finding });
          out.push(finding);
        }
        if (sprayers.size === 0) return noReading(out);
        const succeeded = new Map<string, Set<string>>();
        /**
         * The names non-shared sprayers tried that logged in at all (a name that never did is no
         * one to notify): only those names, never a set of every account of the scan.
         */
        const tried = new Set<string>();
        for (const { state, sharedAccounts: sharedWith } of sprayers.values()) if (sharedWith < o.sharedAccounts) for (const a of accountList(state)) tried.add(a);
        const known = new Set<string>();
        return {
          account(account, logins) {
            if (tried.has(account)) known.add(account);
            const hit = logins.find((l) => l.phase === 'window' && l.ip !== undefined && sprayers.has(l.ip) && l.ts >= sprayers.get(l.ip)!.state.first);
            if (!hit) return;
            const ip = hit.ip!;
            const { state, sharedAccounts: sharedWith } = sprayers.get(ip)!;
            let s = succeeded.get(ip);
            if (!s) succeeded.set(ip, (s = new Set()));
            s.add(account);
            const usualForAccount = baselineSources(logins).has(ip);
            const attributed = sharedWith < o.sharedAccounts && !usualForAccount;
            // From a shared address (an office NAT where a colleague's kiosk keeps failing, a VPN
            // egress where hundreds mistype), a success says something only of an account that
            // itself failed from there.
            if (sharedWith >= o.sharedAccounts && (usualForAccount || !triedBy(state, account))) return;
            out.push({
              time: hit.ts,
              rule: 'auth.spray',
              severity: attributed ? 'high' : 'low',
              account,
              ip,
              source: hit.source,
              message: `${account} logged in from ${ip} after that source sprayed failed logins over ${accountCount(state)} accounts${attributed ? '' : usualForAccount ? '; the account used that address before the window' : `; ${sharedWith} accounts used that address before the window (shared)`}`,
              evidence: { sprayAccounts: accountCount(state), attributed, sharedAccounts: sharedWith, usualForAccount, via: hit.via },
            });
          },
          finish() {
            // The accounts a source only tried: up to the names it kept, one low finding each. Names
            // that never logged in anywhere in the scan (invented, or long gone) are counted on the
            // source's finding instead.
            for (const [ip, { state, sharedAccounts: sharedWith, finding }] of sprayers) {
              // From a shared address the "tried" accounts are its own users' typos: the source's
              // finding samples them; one finding each would only bury the real ones.
              if (sharedWith >= o.sharedAccounts) continue;
              const ok = succeeded.get(ip);
              let unknown = 0;
              for (const account of accountList(state)) {
                if (ok?.has(account)) continue;
                if (!known.has(account)) {
                  unknown++;
                  continue;
                }
                out.push({
                  time: state.first,
                  rule: 'auth.spray',
                  severity: 'low',
                  account,
                  ip,
                  source: state.firstSource,
                  message: `${ip} tried to log in as ${account} while spraying ${accountCount(state)} accounts; no login from it succeeded for this account`,
                  evidence: { targeted: true, sprayAccounts: accountCount(state) },
                });
              }
              finding.evidence['neverLoggedIn'] = unknown;
            }
            return out;
          },
        };
      },
    };
  },
});
