import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectFormat, formatById } from '../internal.js';
import { parseLines } from '../../../../test/helpers/parse-lines.js';

// Exim lines written for these tests after Exim's documented log line shapes; documentation ranges.
const exim = formatById('exim')!;
const syslog = formatById('syslog')!;
const id = '1sa2Bc-000Abc-Xy';

describe('exim mainlog', () => {
  it.each([
    [
      'authenticated arrival: account from A=, client from H=',
      `2024-08-03 04:12:09 ${id} <= alice@example.jp H=(pc01) [192.0.2.44]:51234 I=[192.0.2.10]:587 P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=dovecot_plain:Alice@Example.jp S=1834 id=20240803.abc@example.jp`,
      [
        { kind: 'auth.success', account: 'alice@example.jp', ip: '192.0.2.44', detail: 'dovecot_plain', queueId: id, ts: Date.UTC(2024, 7, 2, 19, 12, 9) },
        { kind: 'mail.submit', account: 'alice@example.jp', ip: '192.0.2.44', from: 'alice@example.jp', bytesIn: 1834, messageId: '<20240803.abc@example.jp>' },
      ],
    ],
    [
      'arrival with zone, pid and a 4.97 id, no authentication',
      '2024-08-03 04:12:10 +0900 [4321] 1sa2Bc-000000Abc-XyZW <= <> H=mx.example.net [192.0.2.55]:25 P=esmtps S=900',
      [{ kind: 'mail.submit', account: undefined, ip: '192.0.2.55', from: undefined, ts: Date.UTC(2024, 7, 2, 19, 12, 10) }],
    ],
    [
      'delivery',
      `2024-08-03 04:12:11 ${id} => bob@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.55] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C="250 2.0.0 OK queued as 12345"`,
      [{ kind: 'mail.deliver', to: ['bob@example.net'], detail: 'sent relay=mx.example.net [192.0.2.55]' }],
    ],
    [
      'bounce',
      `2024-08-03 04:12:12 ${id} ** nobody@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.55]: SMTP error from remote mail server after RCPT TO:<nobody@example.net>: 550 5.1.1 no such user`,
      [{ kind: 'mail.deliver', to: ['nobody@example.net'], detail: 'bounced relay=mx.example.net [192.0.2.55]' }],
    ],
    [
      'authenticator failure with port and listener',
      '2024-08-03 04:12:13 dovecot_login authenticator failed for (User) [192.0.2.60]:50522 I=[192.0.2.10]:587: 535 Incorrect authentication data (set_id=ken@example.jp)',
      [{ kind: 'auth.failure', account: 'ken@example.jp', ip: '192.0.2.60', attempts: 1, detail: 'dovecot_login' }],
    ],
    [
      'authenticator failure with a host name, no set_id',
      '2024-08-03 04:12:14 login authenticator failed for scan.example.net (EHLO) [192.0.2.61]: 535 Incorrect authentication data',
      [{ kind: 'auth.failure', account: undefined, ip: '192.0.2.61' }],
    ],
    [
      'a HELO carrying an address does not become the client',
      '2024-08-03 04:12:15 plain authenticator failed for ([198.51.100.66]:1: 535 x) [192.0.2.62]:50000: 535 Incorrect authentication data (set_id=eve)',
      [{ kind: 'auth.failure', account: 'eve', ip: '192.0.2.62' }],
    ],
    [
      'a user name carrying an address and a set_id does not move the client',
      '2024-08-03 04:12:16 plain authenticator failed for (pc) [192.0.2.63]:50000: 535 Incorrect authentication data (set_id=x) [198.51.100.66]: 535 (set_id=victim)',
      [{ kind: 'auth.failure', account: 'victim', ip: '192.0.2.63' }],
    ],
    [
      'a HELO carrying A= on an unauthenticated arrival names no account',
      `2024-08-03 04:12:18 ${id} <= x@example.net H=(pc A=plain:victim@example.jp) [192.0.2.66]:5000 P=esmtp S=100`,
      [{ kind: 'mail.submit', account: undefined, ip: '192.0.2.66' }],
    ],
    [
      'a Message-ID carrying A= beside the real one makes the account unknown, never the victim',
      `2024-08-03 04:12:19 ${id} <= eve@example.jp H=(pc) [192.0.2.67]:5000 P=esmtpsa A=login:eve@example.jp S=100 id=x A=login:victim@example.jp`,
      [{ kind: 'mail.submit', account: undefined, ip: '192.0.2.67' }],
    ],
    [
      'a subject carrying A= does not name the account',
      `2024-08-03 04:12:17 ${id} <= carol@example.jp H=(pc02) [192.0.2.64]:5000 P=esmtpa S=100 T="hello A=plain:victim@example.jp H=[198.51.100.66]"`,
      [{ kind: 'mail.submit', account: undefined, ip: '192.0.2.64' }],
    ],
  ])('%s', async (_name, line, expected) => {
    const { events, errors } = await parseLines(exim, [line]);
    expect(errors).toEqual([]);
    expect(events).toHaveLength(expected.length);
    expected.forEach((want, i) => {
      for (const [k, v] of Object.entries(want)) expect(events[i]?.[k as keyof (typeof events)[0]], k).toEqual(v);
    });
  });

  it('a temporary server fault (435) is no failed attempt', async () => {
    const { events, ignored } = await parseLines(exim, ['2024-08-03 04:12:18 dovecot_plain authenticator failed for (pc) [192.0.2.65]:5000: 435 Unable to authenticate at present (set_id=mio)']);
    expect(events).toEqual([]);
    expect(ignored).toEqual([1]);
  });

  it('ties a delivery to the account of its arrival', async () => {
    const { events } = await parseLines(exim, [
      `2024-08-03 04:12:09 ${id} <= alice@example.jp H=(pc01) [192.0.2.44]:51234 P=esmtpsa A=login:alice@example.jp S=10`,
      `2024-08-03 04:12:11 ${id} => bob@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.55]`,
      `2024-08-03 04:12:11 ${id} Completed`,
    ]);
    expect(events.find((e) => e.kind === 'mail.deliver')).toMatchObject({ account: 'alice@example.jp', ip: '192.0.2.44' });
  });

  it('counts a repeated arrival line of a message already submitted as ignored, not lost', async () => {
    const { events, ignored } = await parseLines(exim, [
      `2024-08-03 04:12:09 ${id} <= alice@example.jp H=(pc01) [192.0.2.44]:51234 P=esmtpsa A=login:alice@example.jp S=10`,
      `2024-08-03 04:12:09 ${id} <= alice@example.jp H=(pc01) [192.0.2.44]:51234 P=esmtp S=10`,
      `2024-08-03 04:12:09 ${id} <= alice@example.jp H=(pc01) [192.0.2.44]:51234 P=esmtpsa A=login:alice@example.jp S=10`,
    ]);
    expect(events.map((e) => [e.kind, e.line])).toEqual([
      ['auth.success', 1],
      ['mail.submit', 1],
      ['auth.success', 3],
    ]);
    expect(ignored).toEqual([2]);
  });

  it('reads the same messages through syslog', async () => {
    const { events } = await parseLines(syslog, ['Aug  3 04:12:13 mx05 exim[4321]: dovecot_login authenticator failed for (User) [192.0.2.60]:50522: 535 Incorrect authentication data (set_id=ken@example.jp)']);
    expect(events).toMatchObject([{ kind: 'auth.failure', account: 'ken@example.jp', ip: '192.0.2.60', host: 'mx05' }]);
  });

  it('is chosen for a mainlog sample, and syslog is not', () => {
    const sample = [
      `2024-08-03 04:12:09 ${id} <= alice@example.jp H=(pc01) [192.0.2.44]:51234 P=esmtpsa A=login:alice S=10`,
      `2024-08-03 04:12:11 ${id} => bob@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.55]`,
      `2024-08-03 04:12:11 ${id} Completed`,
      '2024-08-03 04:12:13 login authenticator failed for (User) [192.0.2.60]: 535 Incorrect authentication data',
    ];
    expect(detectFormat(sample)?.id).toBe('exim');
  });

  it('property: no line of arbitrary text after a timestamp throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (tail) => {
        await parseLines(exim, [`2024-08-03 04:12:09 ${tail}`, `2024-08-03 04:12:09 ${id} <= ${tail}`, `2024-08-03 04:12:09 x authenticator failed for ${tail}`]);
      }),
      { numRuns: 300 },
    );
  });
});
