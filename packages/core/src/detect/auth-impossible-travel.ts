/**
 * auth.impossible-travel: two successive logins of one account from different countries closer
 * in time than travel allows. Alone it is low: roaming phones, VPN egress and corporate proxies
 * abroad do this every day; the verdict raises it only beside an independent signal. Needs a GeoIP database (the packaged one or `--geoip`); without
 * one, or for addresses it does not know, nothing is reported. The database gives countries,
 * not coordinates, so the rule is "different countries within maxHours" rather than a speed.
 */
import type { Finding } from '../finding.js';
import { defineDetector, finishByReading, noReading } from './detector.js';
import type { Login } from '../aggregate/login-ledger.js';

export const authImpossibleTravel = defineDetector({
  id: 'auth.impossible-travel',
  title: 'Successive logins from different countries too close in time',
  severity: 'low',
  description: 'Two successive successful logins of one account, from different countries, less than maxHours apart (GeoIP). Low alone: mobility is not compromise.',
  falsePositives: ['VPNs and mobile roaming that exit in another country; corporate proxies abroad.'],
  options: {
    maxHours: { default: 1, description: 'logins from different countries closer than this are impossible travel' },
  },
  kinds: [],
  create(o, ctx) {
    return {
      observe() {},
      finish(f) {
        return finishByReading(this, f);
      },
      readLogins(f) {
        const geo = ctx.geo;
        if (!geo) return noReading();
        const out: Finding[] = [];
        const hosts = f.logins.webmailHosts();
        const maxMs = o.maxHours * 3_600_000;
        // Reused from account to account: the logins that have a client address to place, and
        // their countries as asked (null: not yet asked).
        let placed: Login[] = [];
        let countries: Array<string | undefined | null> = [];
        return {
          finish: () => out,
          account(account, logins) {
            let n = 0;
            for (const l of logins) {
              if (l.ip === undefined || hosts.has(l.ip) || ctx.trustedNets.has(l.ip)) continue;
              placed[n] = l;
              countries[n] = null;
              n++;
            }
            // A country is asked for only where a finding could follow: a login in the window less
            // than maxHours after the one placed before it. Most accounts' logins are further apart
            // than that, and the lookup (database and ASN table) was most of the rule's time. The
            // pair is the one the whole list gives: the login and the latest one before it whose
            // country is known (logins are in time order, so the search back stops at maxHours).
            const country = (k: number): string | undefined => {
              const known = countries[k];
              if (known !== null) return known;
              const ip = placed[k]!.ip!;
              const before = k > 0 ? countries[k - 1] : null;
              // An account's logins often repeat an address: the one before answers for it.
              const asked = before !== null && before !== undefined && placed[k - 1]!.ip === ip ? before : geo.lookup(ip).country;
              countries[k] = asked;
              return asked;
            };
            for (let k = 1; k < n; k++) {
              const l = placed[k]!;
              if (l.phase !== 'window' || l.ts - placed[k - 1]!.ts >= maxMs) continue;
              const to = country(k);
              if (!to) continue;
              for (let j = k - 1; j >= 0 && l.ts - placed[j]!.ts < maxMs; j--) {
                const from = country(j);
                if (!from) continue;
                const prev = placed[j]!;
                if (from !== to) {
                  out.push({
                    time: l.ts,
                    rule: 'auth.impossible-travel',
                    severity: 'low',
                    account,
                    ip: l.ip!,
                    source: l.source,
                    message: `${account} logged in from ${l.ip} (${to}) ${Math.round((l.ts - prev.ts) / 60_000)} minutes after a login from ${prev.ip} (${from})`,
                    evidence: { from: { ts: prev.ts, ip: prev.ip!, country: from }, to: { ts: l.ts, ip: l.ip!, country: to }, maxHours: o.maxHours },
                  });
                }
                break;
              }
            }
            // The lists only grow to the longest account's logins; drop what a long one left.
            if (placed.length > 4096) {
              placed = [];
              countries = [];
            }
          },
        };
      },
    };
  },
});
