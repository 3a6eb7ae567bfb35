/**
 * header.flagged-origin: stored mail whose headers show a flagged address, in X-Originating-IP
 * (the webmail client) or the Received chain: mail written or relayed by the attacker.
 */
import type { Finding } from '../finding.js';
import type { MailEvent } from '../event.js';
import { defineDetector } from './detector.js';

export const headerFlaggedOrigin = defineDetector({
  id: 'header.flagged-origin',
  title: 'Stored mail that came from a flagged address',
  severity: 'high',
  description:
    'A message in the header dumps, dated in the window, whose X-Originating-IP or Received chain holds an IP that other rules flagged high or above, or that is on the IOC list.',
  falsePositives: ['Mail legitimately relayed by a host that is also flagged (a shared gateway).'],
  options: {},
  kinds: ['header'],
  create(_o, ctx) {
    const headers: MailEvent[] = [];
    return {
      observe(e) {
        if (e.phase === 'window') headers.push(e);
      },
      finish(f) {
        const flagged = f.flaggedIps('high');
        const out: Finding[] = [];
        for (const e of headers) {
          const candidates = [...(e.ip ? [e.ip] : []), ...(e.receivedIps ?? [])];
          const hit = candidates.find((ip) => flagged.has(ip) || ctx.iocNets.has(ip));
          if (!hit) continue;
          const account = e.account ?? e.from ?? null;
          out.push({
            time: e.ts,
            rule: 'header.flagged-origin',
            severity: 'high',
            account,
            ip: hit,
            source: e.source,
            message: `message ${e.messageId ?? '(no Message-ID)'}${e.from ? ` from ${e.from}` : ''} carries flagged address ${hit} in ${hit === e.ip ? 'X-Originating-IP' : 'its Received chain'}`,
            evidence: { messageId: e.messageId ?? null, from: e.from ?? null, to: e.to ?? [], originatingIp: e.ip ?? null, receivedIps: e.receivedIps ?? [] },
          });
        }
        return out;
      },
    };
  },
});
