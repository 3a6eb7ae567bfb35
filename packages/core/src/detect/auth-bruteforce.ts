/**
 * auth.bruteforce: many failed logins on one account shortly before a successful one.
 * Reference points: Chainsaw's rule fires on more than 5 failures per account; Timesketch's
 * analyzer on 20 or more from one IP in the hour before a success. Failures are counted in
 * 10-minute buckets (bounded memory whatever the attack rate), and the success window is the
 * `windowMinutes` before the login, rounded out to whole buckets.
 */
import { isEarlier, type Finding } from './finding.js';
import { defineDetector } from './detector.js';
import { countsAsAttempt } from './auth-failures.js';
import { SparseCounts } from '../aggregate/sparse-counts.js';
import type { Login } from '../aggregate/login-ledger.js';

const BUCKET_MS = 10 * 60_000;

export const authBruteforce = defineDetector({
  id: 'auth.bruteforce',
  title: 'Failed logins on one account followed by a success',
  severity: 'high',
  description:
    'An account with at least minFailures failed attempts in the windowMinutes before a successful login in the window. Many failures with no success are reported low.',
  falsePositives: ['A user whose phone retries an old password after a change, then the user logs in with the new one.'],
  options: {
    minFailures: { default: 10, description: 'failed attempts before a success that make a brute force' },
    windowMinutes: { default: 60, description: 'how long before the success failures are counted' },
    failuresOnly: { default: 100, description: 'failed attempts in the window, with no success, reported low' },
  },
  kinds: ['auth.failure'],
  create(o, ctx) {
    const totals = ctx.limits.map<string, { attempts: number; first: number; source: Finding['source']; ip: string | null }>('auth.bruteforce accounts', (t) => t.attempts);
    // Buckets live and die with their account's total.
    const buckets = new Map<string, SparseCounts>();
    return {
      observe(e) {
        if (e.phase !== 'window' || e.account === undefined || !countsAsAttempt(e)) return;
        if (e.ip !== undefined && ctx.trustedNets.has(e.ip)) return;
        let b = buckets.get(e.account);
        if (!b) buckets.set(e.account, (b = new SparseCounts()));
        const k = Math.floor(e.ts / BUCKET_MS);
        const n = e.attempts ?? 1;
        b.add(k, n);
        const t = totals.get(e.account);
        if (!t) {
          totals.set(e.account, { attempts: n, first: e.ts, source: e.source, ip: e.ip ?? null });
          // An eviction just dropped accounts from `totals`: drop their buckets too.
          if (buckets.size > totals.size) for (const account of buckets.keys()) if (!totals.has(account)) buckets.delete(account);
        } else {
          t.attempts += n;
          if (isEarlier(e.ts, e.source, t.first, t.source)) Object.assign(t, { first: e.ts, source: e.source, ip: e.ip ?? null });
        }
      },
      finish(f) {
        const out: Finding[] = [];
        const span = Math.ceil((o.windowMinutes * 60_000) / BUCKET_MS);
        // One pass over the ledger (an account's logins may be on disk: asking per account would
        // read its partition once per account).
        const hits = new Map<string, Login>();
        if (buckets.size > 0) {
          for (const [account, logins] of f.logins.byAccount()) {
            const b = buckets.get(account);
            const hit = b && logins.find((l) => {
              if (l.phase !== 'window') return false;
              const k = Math.floor(l.ts / BUCKET_MS);
              let sum = 0;
              for (let i = k - span; i <= k; i++) sum += b.get(i);
              return sum >= o.minFailures;
            });
            if (hit) hits.set(account, hit);
          }
        }
        for (const [account, b] of buckets) {
          const hit = hits.get(account);
          const total = totals.get(account)!;
          if (hit) {
            const k = Math.floor(hit.ts / BUCKET_MS);
            let sum = 0;
            for (let i = k - span; i <= k; i++) sum += b.get(i);
            out.push({
              time: hit.ts,
              rule: 'auth.bruteforce',
              severity: 'high',
              account,
              ip: hit.ip ?? null,
              source: hit.source,
              message: `${account} logged in from ${hit.ip ?? 'an unknown address'} after ${sum} failed attempts in the preceding ${o.windowMinutes} minutes`,
              evidence: { failuresBefore: sum, threshold: o.minFailures, windowMinutes: o.windowMinutes, totalFailures: total.attempts },
            });
          } else if (total.attempts >= o.failuresOnly) {
            out.push({
              time: total.first,
              rule: 'auth.bruteforce',
              severity: 'low',
              account,
              ip: total.ip,
              source: total.source,
              message: `${account} had ${total.attempts} failed login attempts in the window and no success`,
              evidence: { totalFailures: total.attempts, threshold: o.failuresOnly },
            });
          }
        }
        return out;
      },
    };
  },
});
