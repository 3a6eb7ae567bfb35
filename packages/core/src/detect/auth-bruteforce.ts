/**
 * auth.bruteforce: many failed logins on one account shortly before a successful one.
 * Reference points: Chainsaw's rule fires on more than 5 failures per account; Timesketch's
 * analyzer on 20 or more from one IP in the hour before a success. Failures are kept as records
 * (on disk past the scan's spill budget) and counted in 10-minute buckets at the end, one account
 * partition at a time; the success window is the `windowMinutes` before the login, rounded out
 * to whole buckets.
 */
import { isEarlier, type Finding } from '../finding.js';
import { defineDetector, finishByReading, noReading } from './detector.js';
import { countsAsAttempt } from './auth-failures.js';
import { SparseCounts } from '../aggregate/sparse-counts.js';
import type { Login } from '../aggregate/login-ledger.js';
import { UsualSources } from '../aggregate/source-fanout.js';
import { AccountRecords, PARTITIONS, type RecordPartition } from '../aggregate/account-spill.js';

const BUCKET_MS = 10 * 60_000;

/** A failed attempt's record (words): account id, 10-minute bucket, attempts; one word spare. */
const FAILURE = { account: 0, bucket: 1, attempts: 2, words: 4 } as const;

export const authBruteforce = defineDetector({
  id: 'auth.bruteforce',
  title: 'Failed logins on one account followed by a success',
  severity: 'high',
  description:
    'An account with at least minFailures failed attempts in the windowMinutes before a successful login in the window: high (compromised) when the login came from an address the account never used (nor its network) and that is not shared; low when it came from the account\'s own or a shared address. Many failures with no success are reported low (targeted).',
  falsePositives: ['A user whose phone retries an old password after a change, then the user logs in with the new one, from the usual address: low.'],
  options: {
    sharedAccounts: { default: 5, description: 'distinct baseline accounts that make an address shared' },
    minFailures: { default: 10, description: 'failed attempts before a success that make a brute force' },
    windowMinutes: { default: 60, description: 'how long before the success failures are counted' },
    failuresOnly: { default: 100, description: 'failed attempts in the window, with no success, reported low' },
  },
  kinds: ['auth.failure'],
  create(o, ctx) {
    const totals = ctx.limits.map<string, { attempts: number; first: number; source: Finding['source']; ip: string | null }>('auth.bruteforce accounts', (t) => t.attempts);
    const accounts = ctx.identities.accounts;
    /**
     * Failed attempts (account id, 10-minute bucket, attempts): they grow with days, so they are
     * records, on disk past the scan's spill budget, added up one account partition at a time at
     * the end.
     */
    const failures = new AccountRecords(ctx.spill, 'bruteforce-failures', FAILURE.words);
    /** Accounts the scan could not number (past --max-keys): their buckets live and die with their total. */
    const unnumbered = new Map<string, SparseCounts>();
    return {
      observe(e) {
        if (e.phase !== 'window' || e.account === undefined || !countsAsAttempt(e)) return;
        if (e.ip !== undefined && ctx.trustedNets.has(e.ip)) return;
        const k = Math.floor(e.ts / BUCKET_MS);
        const n = e.attempts ?? 1;
        const id = accounts.id(e.account);
        if (id >= 0) {
          failures.i32[FAILURE.account] = id;
          failures.i32[FAILURE.bucket] = k;
          failures.i32[FAILURE.attempts] = n;
          failures.append(id);
        } else {
          let b = unnumbered.get(e.account);
          if (!b) unnumbered.set(e.account, (b = new SparseCounts()));
          b.add(k, n);
        }
        const t = totals.get(e.account);
        if (!t) {
          const before = totals.size;
          totals.set(e.account, { attempts: n, first: e.ts, source: e.source, ip: e.ip ?? null });
          // An eviction just dropped accounts from `totals`: drop their buckets too.
          if (totals.size <= before) for (const account of unnumbered.keys()) if (!totals.has(account)) unnumbered.delete(account);
        } else {
          t.attempts += n;
          if (isEarlier(e.ts, e.source, t.first, t.source)) Object.assign(t, { first: e.ts, source: e.source, ip: e.ip ?? null });
        }
      },
      finish(f) {
        return finishByReading(this, f);
      },
      readLogins(f) {
        const out: Finding[] = [];
        if (totals.size === 0) return noReading(out);
        const span = Math.ceil((o.windowMinutes * 60_000) / BUCKET_MS);
        // One pass over the ledger, which gives accounts partition by partition: each partition's
        // failures are added up once, when its first account comes.
        const hits = new Map<string, { login: Login; failuresBefore: number; usual: boolean }>();
        let partition = -1;
        let counted = new Map<number, SparseCounts>();
        return {
          account(account, logins) {
            if (!totals.has(account)) return;
            const id = accounts.find(account);
            if (id >= 0 && (id & (PARTITIONS - 1)) !== partition) {
              partition = id & (PARTITIONS - 1);
              counted = bucketsOf(failures.partition(partition));
            }
            const numbered = counted.get(id);
            const other = unnumbered.get(account);
            const before = (k: number): number => {
              let sum = 0;
              for (let i = k - span; i <= k; i++) sum += (numbered?.get(i) ?? 0) + (other?.get(i) ?? 0);
              return sum;
            };
            for (const l of logins) {
              if (l.phase !== 'window') continue;
              const sum = before(Math.floor(l.ts / BUCKET_MS));
              if (sum < o.minFailures) continue;
              const usual = l.ip === undefined || new UsualSources(logins, (ip) => ctx.geo?.lookup(ip).asn).has(l.ip);
              hits.set(account, { login: l, failuresBefore: sum, usual });
              break;
            }
          },
          finish() {
            for (const [account, total] of totals) {
              const found = hits.get(account);
              if (found) {
                const { login: hit, failuresBefore: sum, usual } = found;
                const sharedWith = hit.ip === undefined ? 0 : f.fanout.accounts(hit.ip);
                const attributed = !usual && sharedWith < o.sharedAccounts;
                out.push({
                  time: hit.ts,
                  rule: 'auth.bruteforce',
                  severity: attributed ? 'high' : 'low',
                  account,
                  ip: hit.ip ?? null,
                  source: hit.source,
                  message: `${account} logged in from ${hit.ip ?? 'an unknown address'} after ${sum} failed attempts in the preceding ${o.windowMinutes} minutes${usual ? '; the account used that address or network before the window' : sharedWith >= o.sharedAccounts ? `; ${sharedWith} accounts used that address before the window (shared)` : ''}`,
                  evidence: { failuresBefore: sum, threshold: o.minFailures, windowMinutes: o.windowMinutes, totalFailures: total.attempts, attributed, usualForAccount: usual, sharedAccounts: sharedWith },
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
                  evidence: { targeted: true, totalFailures: total.attempts, threshold: o.failuresOnly },
                });
              }
            }
            return out;
          },
        };
      },
    };
  },
});

/** One partition's failure records as 10-minute buckets per account id. */
function bucketsOf(part: RecordPartition | undefined): Map<number, SparseCounts> {
  const out = new Map<number, SparseCounts>();
  for (let r = 0; r < (part?.count ?? 0); r++) {
    const at = r * FAILURE.words;
    const id = part!.i32[at + FAILURE.account]!;
    let b = out.get(id);
    if (!b) out.set(id, (b = new SparseCounts()));
    b.add(part!.i32[at + FAILURE.bucket]!, part!.i32[at + FAILURE.attempts]!);
  }
  return out;
}
