import { describe, expect, it } from 'vitest';
import { formatById } from '../internal.js';
import { parseLines } from '../../../../test/helpers/parse-lines.js';

// Courier IMAP/POP3 lines written for these tests after Courier's log shapes; documentation ranges.
const syslog = formatById('syslog')!;
const at = (program: string, body: string) => `Aug  3 04:40:00 mx04 ${program}: ${body}`;

describe('courier', () => {
  it.each([
    ['IMAP login', at('imapd', 'LOGIN, user=Alice@Example.jp, ip=[::ffff:192.0.2.44], port=[51234], protocol=IMAP'), { kind: 'auth.success', protocol: 'imap', account: 'alice@example.jp', ip: '192.0.2.44' }],
    ['IMAP over TLS, failed', at('imapd-ssl', 'LOGIN FAILED, user=bob@example.jp, ip=[::ffff:192.0.2.45]'), { kind: 'auth.failure', protocol: 'imap', account: 'bob@example.jp', ip: '192.0.2.45', attempts: 1 }],
    ['POP3 failure with the method', at('pop3d', 'LOGIN FAILED, method=PLAIN, user=carol@example.jp, ip=[2001:db8::9]'), { kind: 'auth.failure', protocol: 'pop3', account: 'carol@example.jp', ip: '2001:db8::9', detail: 'PLAIN' }],
    ['POP3 over TLS login', at('pop3d-ssl', 'LOGIN, user=dan@example.jp, ip=[::ffff:192.0.2.47], port=[40000], protocol=POP3'), { kind: 'auth.success', protocol: 'pop3', ip: '192.0.2.47' }],
    ['logout with bytes sent', at('imapd', 'LOGOUT, user=alice@example.jp, ip=[::ffff:192.0.2.44], headers=120, body=904112, rcvd=190, sent=931222, time=25'), { kind: 'session.end', account: 'alice@example.jp', bytesIn: 190, bytesOut: 931222 }],
    ['SMTP AUTH failure, the command never read', at('courieresmtpd', 'error,relay=::ffff:192.0.2.49,msg="535 Authentication failed.",cmd: AUTH PLAIN c2VjcmV0'), { kind: 'auth.failure', protocol: 'smtp', account: undefined, ip: '192.0.2.49' }],
    ['a name carrying ", ip=[...]" does not move the client', at('imapd', 'LOGIN FAILED, user=eve, ip=[198.51.100.66], ip=[::ffff:192.0.2.48]'), { kind: 'auth.failure', account: 'eve, ip=[198.51.100.66]', ip: '192.0.2.48' }],
  ])('%s', async (_name, line, expected) => {
    const { events, errors } = await parseLines(syslog, [line]);
    expect(errors).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject(expected);
  });

  it('an SMTP error whose sender carries msg="535 is no AUTH failure', async () => {
    const { events, ignored } = await parseLines(syslog, [at('courieresmtpd', 'error,relay=::ffff:192.0.2.50,from=<x,msg="535 y>,to=<a@example.jp>: 550 User unknown.')]);
    expect(events).toEqual([]);
    expect(ignored).toEqual([1]);
  });

  it('ignores connection notices', async () => {
    const { events, ignored } = await parseLines(syslog, [at('imapd', 'Connection, ip=[::ffff:192.0.2.44]')]);
    expect(events).toEqual([]);
    expect(ignored).toEqual([1]);
  });
});
