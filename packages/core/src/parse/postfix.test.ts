import { describe, expect, it } from 'vitest';
import { formatById } from '../index.js';
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
