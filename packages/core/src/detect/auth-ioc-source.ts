/**
 * auth.ioc-source: a successful login, in the window, from an address that sent overflow-style
 * requests (found by the web rules, medium and above) or that is on the `--ioc` list. Webmail
 * logins count through the tie, with the address of the browser that posted the login form.
 */
import type { Finding } from './finding.js';
import { defineDetector } from './detector.js';
import { webmailNote } from './login-notes.js';

export const authIocSource = defineDetector({
  id: 'auth.ioc-source',
  title: 'Login from an exploit source or IOC address',
  severity: 'critical',
  description:
    'A successful login (IMAP, POP3, SMTP AUTH, or webmail through the tie) in the window from an IP that sent overflow-style requests to the webmail or that is listed in --ioc. The account must be treated as compromised.',
  falsePositives: ['A shared NAT address used by both an attacker and a legitimate user (rare; check the account timeline).'],
  options: {},
  kinds: [],
  create(_o, ctx) {
    return {
      observe() {},
      finish(f) {
        const exploitIps = f.flaggedIps('medium');
        const out: Finding[] = [];
        for (const [account, logins] of f.logins.byAccount()) {
          const seen = new Map<string, { first: (typeof logins)[number]; count: number }>();
          for (const l of logins) {
            if (l.phase !== 'window' || l.ip === undefined) continue;
            if (!exploitIps.has(l.ip) && !ctx.iocNets.has(l.ip)) continue;
            const s = seen.get(l.ip);
            if (s) s.count++;
            else seen.set(l.ip, { first: l, count: 1 });
          }
          for (const [ip, { first, count }] of seen) {
            const why = exploitIps.has(ip) ? 'sent overflow-style requests to the webmail' : 'is on the IOC list';
            out.push({
              time: first.ts,
              rule: 'auth.ioc-source',
              severity: 'critical',
              account,
              ip,
              source: first.source,
              message: `${account} logged in${first.protocol ? ` over ${first.protocol}` : ''} from ${ip}, which ${why}${webmailNote(first)}; ${count} login(s) in the window`,
              evidence: {
                logins: count,
                reason: exploitIps.has(ip) ? 'overflow-source' : 'ioc-list',
                via: first.via,
                ...(first.tie && { tie: first.tie, webmailHost: first.webmailHost }),
              },
            });
          }
        }
        return out;
      },
    };
  },
});
