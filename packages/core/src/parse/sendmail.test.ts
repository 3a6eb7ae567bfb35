import { describe, expect, it } from 'vitest';
import { formatById } from '../internal.js';
import { parseLines } from '../../../../test/helpers/parse-lines.js';

// Sendmail lines written for these tests after sendmail's documented log shapes (LogLevel 9+);
// addresses are documentation ranges.
const syslog = formatById('syslog')!;
const at = (program: string, body: string) => `Aug  3 04:30:00 mx03 ${program}[5133]: ${body}`;

describe('sendmail', () => {
  it.each([
    ['AUTH success names the account and client', at('sm-mta', 's73JU0x1005133: AUTH=server, relay=client.example.net [192.0.2.44] (may be forged), authid=Alice@Example.jp, mech=LOGIN, bits=0'), { kind: 'auth.success', account: 'alice@example.jp', ip: '192.0.2.44', detail: 'LOGIN', queueId: 's73JU0x1005133' }],
    ['AUTH failure, bad password', at('sendmail', 's73JU0x1005134: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=bob@example.jp, relay=[192.0.2.45]'), { kind: 'auth.failure', account: 'bob@example.jp', ip: '192.0.2.45', attempts: 1, detail: 'LOGIN' }],
    ['AUTH failure, no such user, host before the address', at('sendmail', 'AUTH failure (PLAIN): user not found (-20) SASL(-13): user not found: Password verification failed, user=nobody, relay=scan.example.net [192.0.2.46]'), { kind: 'auth.failure', account: 'nobody', ip: '192.0.2.46' }],
    ['AUTH attack count', at('sm-mta', 's73JU0x1005135: scan.example.net [192.0.2.47]: possible SMTP attack: command=AUTH, count=6'), { kind: 'auth.failure', ip: '192.0.2.47', attempts: 6, detail: 'possible SMTP attack' }],
    ['a reverse-DNS name carrying ", authid=..." does not name the account', at('sm-mta', 's73JU0x1005139: AUTH=server, relay=x, authid=victim@example.jp [192.0.2.49], authid=eve@example.jp, mech=PLAIN, bits=0'), { kind: 'auth.success', account: 'eve@example.jp' }],
    ['a user name carrying ", relay=[...]" does not move the client', at('sendmail', 's73JU0x1005136: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=eve, relay=[198.51.100.66], relay=[192.0.2.48]'), { kind: 'auth.failure', account: 'eve, relay=[198.51.100.66]', ip: '192.0.2.48' }],
  ])('%s', async (_name, line, expected) => {
    const { events, errors } = await parseLines(syslog, [line]);
    expect(errors).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject(expected);
  });

  it.each([
    ['the SASL server failed (generic failure)', 'AUTH failure (LOGIN): generic failure (-1) SASL(-1): generic failure: checkpass failed, user=carol, relay=[192.0.2.49]'],
    ['no mechanism', 'AUTH failure (CRAM-MD5): no mechanism available (-4) SASL(-4): no mechanism available: , relay=[192.0.2.50]'],
  ])('a server or protocol fault is no failed attempt: %s', async (_name, body) => {
    const { events, ignored } = await parseLines(syslog, [at('sendmail', `s73JU0x1005137: ${body}`)]);
    expect(events).toEqual([]);
    expect(ignored).toEqual([1]);
  });

  it('ties sender and recipient to the authenticated account; the remote reply sets nothing', async () => {
    const qid = 's73JU0x1005140';
    const { events } = await parseLines(syslog, [
      at('sm-mta', `${qid}: AUTH=server, relay=client.example.net [192.0.2.44], authid=alice@example.jp, mech=PLAIN, bits=0`),
      at('sm-mta', `${qid}: from=<alice@example.jp>, size=812, class=0, nrcpts=1, msgid=<x@y>, relay=[198.51.100.66]>, proto=ESMTPSA, daemon=MTA, relay=client.example.net [192.0.2.44]`),
      at('sm-mta', `${qid}: to=<bob@example.net>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120812, relay=mx.example.net. [192.0.2.55], dsn=5.1.1, stat=User unknown (550 no such user, stat=Sent, relay=[198.51.100.66])`),
    ]);
    expect(events.map((e) => e.kind)).toEqual(['auth.success', 'mail.submit', 'mail.deliver']);
    expect(events[1]).toMatchObject({ account: 'alice@example.jp', ip: '192.0.2.44', from: 'alice@example.jp', bytesIn: 812 });
    expect(events[2]).toMatchObject({ account: 'alice@example.jp', to: ['bob@example.net'], detail: 'user unknown relay=mx.example.net. [192.0.2.55]' });
  });
});
