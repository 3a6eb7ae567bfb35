/**
 * auth.new-source: a successful login in the window from an address whose IP, network (/24 or
 * /48) and, when a GeoIP database is loaded, ASN were never seen for that account in the
 * baseline. Alone this is `low`: people travel and change providers. Correlation raises the
 * account when the same source also downloads or sends in bulk.
 *
 * Accounts with no baseline login cannot be judged and are left out; trusted networks and
 * webmail hosts (whose clients are judged through the tie) are too.
 */
import type { Finding } from '../finding.js';
import { defineDetector, finishByReading } from './detector.js';
import { networkOf } from '../enrich/nets.js';
import { webmailNote } from './login-notes.js';
import { UsualSources } from '../aggregate/source-fanout.js';

export const authNewSource = defineDetector({
  id: 'auth.new-source',
  title: 'Login from a source never seen for the account',
  severity: 'low',
  description:
    'A successful login in the window from an IP whose address, /24 (IPv4) or /48 (IPv6) network and ASN (with a GeoIP database) never appear among the account\'s baseline logins.',
  falsePositives: ['Travel, a new mobile carrier or home ISP, a new office: alone it stays low.'],
  options: {
    minBaselineLogins: { default: 1, description: 'baseline logins an account needs before a source can be called new' },
  },
  kinds: [],
  create(o, ctx) {
    return {
      observe() {},
      finish(f) {
        return finishByReading(this, f);
      },
      readLogins(f) {
        const out: Finding[] = [];
        const hosts = f.logins.webmailHosts();
        const asnOf = (ip: string): number | undefined => ctx.geo?.lookup(ip).asn;
        return {
          finish: () => out,
          account(account, logins) {
            const usual = new UsualSources(logins, asnOf);
            const baselineLogins = usual.logins;
            if (baselineLogins < o.minBaselineLogins) return;
            const reported = new Set<string>();
            for (const l of logins) {
              if (l.phase !== 'window' || l.ip === undefined || reported.has(l.ip)) continue;
              if (usual.has(l.ip) || ctx.trustedNets.has(l.ip) || hosts.has(l.ip)) continue;
              const asn = asnOf(l.ip);
              reported.add(l.ip);
              out.push({
                time: l.ts,
                rule: 'auth.new-source',
                severity: 'low',
                account,
                ip: l.ip,
                source: l.source,
                message: `${account} logged in${l.protocol ? ` over ${l.protocol}` : ''} from ${l.ip} (network ${networkOf(l.ip)}${asn !== undefined ? `, AS${asn}` : ''}), never seen in its ${baselineLogins} baseline login(s)${webmailNote(l)}`,
                evidence: {
                  network: networkOf(l.ip),
                  asn: asn ?? null,
                  baselineLogins,
                  baselineIps: usual.ips.size,
                  baselineNetworks: usual.networks.size,
                  via: l.via,
                  ...(l.tie && { tie: l.tie }),
                },
              });
            }
          },
        };
      },
    };
  },
});
