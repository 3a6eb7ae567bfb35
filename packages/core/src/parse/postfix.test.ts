import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatById } from '../internal.js';
import { parseLines } from '../../../../test/helpers/parse-lines.js';
import { postfixLines as L } from '../../../../test/fixtures/lines.js';

const syslog = formatById('syslog')!;
const jst = (h: number, m: number, s: number) => Date.UTC(2024, 7, 3, h - 9, m, s);

describe('postfix', () => {
  it.each([
    ['connect', L.connect, { kind: 'session.start', ip: '198.51.100.23', session: 'mx01/postfix/smtpd[21877]', ts: jst(4, 12, 9) }],
    ['SASL failure without user', L.saslFailure, { kind: 'auth.failure', ip: '198.51.100.23', attempts: 1, detail: 'LOGIN', account: undefined }],
    [
      'SASL failure with user and port',
      L.saslFailureWithUser,
      { kind: 'auth.failure', ip: '192.0.2.237', account: 'admin@example.jp', app: 'postfix/submission/smtpd' },
    ],
    ['SASL success', L.saslSuccess, { kind: 'auth.success', account: 'hanako@example.jp', ip: '198.51.100.23', queueId: '4WbQ2x1Hk9z9sWq', detail: 'LOGIN' }],
    ['short queue id, IPv6 client, instance name', L.shortQueueId, { kind: 'auth.success', account: 'jiro@example.co.jp', ip: '2001:db8::25', queueId: '3F2A91C0E4', app: 'postfix-incoming/smtpd' }],
    ['smtps connect, mapped IPv4', L.smtpsInstance, { kind: 'session.start', ip: '203.0.113.9' }],
    ['disconnect', L.disconnect, { kind: 'session.end', ip: '198.51.100.23', detail: 'ehlo=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=6' }],
  ])('%s', async (_name, line, expected) => {
    const { events, errors } = await parseLines(syslog, [line]);
    expect(errors).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject(Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== undefined)));
    // Absent fields are undefined (events share one shape; see event-shape.ts).
    for (const [k, v] of Object.entries(expected)) if (v === undefined) expect(events[0]?.[k as keyof typeof events[0]]).toBeUndefined();
  });

  it('ties sender, size, message-id and recipients to the authenticated account through the queue id', async () => {
    const { events, ignored } = await parseLines(syslog, [L.connect, L.saslSuccess, L.cleanup, L.qmgrFrom, L.delivery, L.removed, L.disconnect]);
    const submit = events.find((e) => e.kind === 'mail.submit');
    const deliver = events.find((e) => e.kind === 'mail.deliver');
    expect(submit).toMatchObject({
      account: 'hanako@example.jp',
      ip: '198.51.100.23',
      queueId: '4WbQ2x1Hk9z9sWq',
      bytesIn: 48213,
      from: 'hanako@example.jp',
      messageId: '<20240803041214.AB12@example.jp>',
    });
    expect(deliver).toMatchObject({ account: 'hanako@example.jp', to: ['bob@example.net'], detail: 'sent relay=mx.example.net[192.0.2.55]:25' });
    expect(ignored).toEqual([3, 6]);
  });

  it('counts one submission when qmgr repeats from= on a retry', async () => {
    const { events } = await parseLines(syslog, [L.saslSuccess, L.qmgrFrom, L.qmgrFrom]);
    expect(events.filter((e) => e.kind === 'mail.submit')).toHaveLength(1);
  });

  it('forgets a queue id once it is removed', async () => {
    const { events } = await parseLines(syslog, [L.saslSuccess, L.removed, L.delivery]);
    const deliver = events.find((e) => e.kind === 'mail.deliver');
    expect(deliver).toBeDefined();
    expect(deliver!.account).toBeUndefined();
  });

  it('ignores lines of no interest rather than calling them errors', async () => {
    const { events, errors, ignored } = await parseLines(syslog, [L.anvil, L.cleanup]);
    expect(events).toEqual([]);
    expect(errors).toEqual([]);
    expect(ignored).toEqual([1, 2]);
  });
});

// Lines crafted to lie: the remote server (its SMTP reply, in the free text after status=) and the
// sender (a quoted recipient local part, a SASL login name) write part of these lines, and must
// not set a field. Addresses are documentation ranges.
describe('postfix: attacker-written text sets no field', () => {
  const qid = '4WbQ2x1Hk9z9sWq';
  const at = (body: string) => `Aug  3 04:12:20 mx01 postfix/smtp[21880]: ${qid}: ${body}`;
  const deliveryOf = async (line: string) => (await parseLines(syslog, [line])).events.find((e) => e.kind === 'mail.deliver');

  it('a bounce whose remote reply says "status=sent" stays a bounce', async () => {
    const line = at('to=<bob@example.net>, relay=mx.example.net[192.0.2.7]:25, delay=1.1, delays=0.1/0/0.5/0.5, dsn=5.1.1, status=bounced (host mx.example.net[192.0.2.7] said: 550 5.1.1 unknown user, status=sent (in reply to RCPT TO command))');
    expect(await deliveryOf(line)).toMatchObject({ to: ['bob@example.net'], detail: 'bounced relay=mx.example.net[192.0.2.7]:25' });
  });

  it('a greylisting reply that contains ", to=<...>" does not change or empty the recipient', async () => {
    const line = at('to=<alice@example.net>, relay=mx.example.net[192.0.2.7]:25, delay=2, delays=0.1/0/1/0.9, dsn=4.7.1, status=deferred (host mx.example.net[192.0.2.7] said: 450 4.7.1 greylisted, to=<> relay=evil, try again later (in reply to RCPT TO command))');
    expect(await deliveryOf(line)).toMatchObject({ to: ['alice@example.net'], detail: 'deferred relay=mx.example.net[192.0.2.7]:25' });
  });

  it('a quoted recipient local part carrying ">, status=sent" is read whole, and the real status kept', async () => {
    const line = at('to=<"x>, status=sent, relay=evil"@example.net>, relay=mx.example.net[192.0.2.7]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=5.1.1, status=bounced (host mx.example.net[192.0.2.7] said: 550 no such user)');
    expect(await deliveryOf(line)).toMatchObject({ to: ['"x>, status=sent, relay=evil"@example.net'], detail: 'bounced relay=mx.example.net[192.0.2.7]:25' });
  });

  it('a SASL login name carrying ", client=..." does not move the client address', async () => {
    const line = `Aug  3 04:12:14 mx01 postfix/submission/smtpd[21877]: ${qid}: client=unknown[198.51.100.23], sasl_method=PLAIN, sasl_username=eve@example.jp, client=evil[203.0.113.250]`;
    const { events } = await parseLines(syslog, [line]);
    expect(events[0]).toMatchObject({ kind: 'auth.success', ip: '198.51.100.23' });
  });

  it('property: whatever the remote side writes after status=, the recipient and the status are the real ones', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('sent', 'bounced', 'deferred', 'expired'), fc.string({ unit: 'grapheme-ascii', maxLength: 120 }), async (status, reply) => {
        const line = at(`to=<carol@example.net>, relay=mx.example.net[192.0.2.7]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=5.0.0, status=${status} (${reply.replace(/[\r\n]/g, ' ')})`);
        const e = await deliveryOf(line);
        expect(e?.to).toEqual(['carol@example.net']);
        expect(e?.detail).toBe(`${status} relay=mx.example.net[192.0.2.7]:25`);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['the SASL server went away', 'SASL LOGIN authentication failed: Connection lost to authentication server'],
    ['the client asked for a mechanism the server does not offer', 'SASL CRAM-MD5 authentication failed: Invalid authentication mechanism'],
  ])('a server or protocol fault is no credential failure: %s', async (_name, reason) => {
    const { events } = await parseLines(syslog, [`Aug  3 04:12:10 mx01 postfix/smtpd[21877]: warning: unknown[198.51.100.23]: ${reason}`]);
    expect(events.filter((e) => e.kind === 'auth.failure')).toEqual([]);
  });

  it('an empty SASL reason is still a credential failure', async () => {
    const { events } = await parseLines(syslog, ['Aug  3 04:12:10 mx01 postfix/smtpd[21877]: warning: unknown[198.51.100.23]:55729: SASL PLAIN authentication failed: ']);
    expect(events).toMatchObject([{ kind: 'auth.failure', ip: '198.51.100.23', detail: 'PLAIN' }]);
  });

  it('a SASL login name carrying ", sasl_username=victim" does not charge the failure to the victim', async () => {
    const line = 'Aug  3 04:12:10 mx01 postfix/submission/smtpd[21877]: warning: unknown[198.51.100.23]: SASL PLAIN authentication failed: authentication failure, sasl_username=eve, sasl_username=victim@example.jp';
    const { events } = await parseLines(syslog, [line]);
    expect(events[0]).toMatchObject({ kind: 'auth.failure', account: 'eve, sasl_username=victim@example.jp' });
  });
});

// Delivery and queue shapes beyond the defaults, written for these tests from Postfix's
// documented logging: long queue ids of any letters, bare recipients, orig_to, qmgr's expiry.
describe('postfix queue and delivery shapes', () => {
  it.each([
    ['a recipient without angle brackets', 'Aug  3 04:12:15 mx01 postfix/local[21881]: 3F2A91C0E4: to=bob@example.jp, relay=local, delay=0.2, delays=0.1/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)', { to: ['bob@example.jp'], detail: 'sent relay=local', queueId: '3F2A91C0E4' }],
    ['orig_to after to', 'Aug  3 04:12:15 mx01 postfix/virtual[21882]: 3F2A91C0E5: to=<bob@example.jp>, orig_to=<sales@example.jp>, relay=virtual, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to maildir)', { to: ['bob@example.jp'], detail: 'sent relay=virtual' }],
    ['a long queue id with vowels and 20 characters', 'Aug  3 04:12:15 mx01 postfix/smtp[21883]: 4WbQ2x1Hk9zAeIoUaEiO: to=<carol@example.net>, relay=mx.example.net[192.0.2.55]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 ok)', { queueId: '4WbQ2x1Hk9zAeIoUaEiO', to: ['carol@example.net'] }],
    ['an address probe found undeliverable', 'Aug  3 04:12:16 mx01 postfix/smtp[21884]: 3F2A91C0E6: to=<nobody@example.net>, relay=mx.example.net[192.0.2.55]:25, delay=0.5, delays=0/0/0.3/0.2, dsn=5.1.1, status=undeliverable (host mx.example.net[192.0.2.55] said: 550 5.1.1 no such user)', { to: ['nobody@example.net'], detail: 'undeliverable relay=mx.example.net[192.0.2.55]:25' }],
  ])('%s', async (_name, line, expected) => {
    const { events, errors } = await parseLines(syslog, [line]);
    expect(errors).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'mail.deliver', ...expected });
  });

  it('a qmgr expiry is no submission, and a later from= of the message is still one', async () => {
    const expired = 'Aug  8 04:12:14 mx01 postfix/qmgr[1201]: 3F2A91C0E7: from=<hanako@example.jp>, status=expired, returned to sender';
    const { events, ignored } = await parseLines(syslog, [expired]);
    expect(events).toEqual([]);
    expect(ignored).toEqual([1]);
    const both = await parseLines(syslog, [expired, 'Aug  8 04:12:15 mx01 postfix/qmgr[1201]: 3F2A91C0E7: from=<hanako@example.jp>, size=100, nrcpt=1 (queue active)']);
    expect(both.events.map((e) => e.kind)).toEqual(['mail.submit']);
  });

  it('a word before a colon is no queue id', async () => {
    const { events, ignored } = await parseLines(syslog, ['Aug  3 05:10:00 mx01 postfix/smtpd[1300]: statistics: to=<x@example.jp> max cache size 3']);
    expect(events).toEqual([]);
    expect(ignored).toEqual([1]);
  });
});
