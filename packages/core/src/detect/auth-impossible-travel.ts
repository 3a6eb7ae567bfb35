/**
 * auth.impossible-travel: two successive logins of one account from different countries closer
 * in time than travel allows. Alone it is low: roaming phones, VPN egress and corporate proxies
 * abroad do this every day; the verdict raises it only beside an independent signal. Needs a GeoIP database (the packaged one or `--geoip`); without
 * one, or for addresses it does not know, nothing is reported. The database gives countries,
 * not coordinates, so the rule is "different countries within maxHours" rather than a speed.
 */
import type { Finding } from '../finding.js';
import { defineDetector, finishByReading, noReading } from './detector.js';

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
        return {
          finish: () => out,
          account(account, logins) {
            let prev: { ts: number; ip: string; country: string } | undefined;
            // An account's logins often repeat an address: its country is asked for once per run.
            let lastIp: string | undefined;
            let lastCountry: string | undefined;
            for (const l of logins) {
              if (l.ip === undefined || hosts.has(l.ip) || ctx.trustedNets.has(l.ip)) continue;
              if (l.ip !== lastIp) {
                lastIp = l.ip;
                lastCountry = geo.lookup(l.ip).country;
              }
              const country = lastCountry;
              if (!country) continue;
              if (l.phase === 'window' && prev && prev.country !== country && l.ts - prev.ts < o.maxHours * 3_600_000) {
                out.push({
                  time: l.ts,
                  rule: 'auth.impossible-travel',
                  severity: 'low',
                  account,
                  ip: l.ip,
                  source: l.source,
                  message: `${account} logged in from ${l.ip} (${country}) ${Math.round((l.ts - prev.ts) / 60_000)} minutes after a login from ${prev.ip} (${prev.country})`,
                  evidence: { from: prev, to: { ts: l.ts, ip: l.ip, country }, maxHours: o.maxHours },
                });
              }
              prev = { ts: l.ts, ip: l.ip, country };
            }
          },
        };
      },
    };
  },
});
