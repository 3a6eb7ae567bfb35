import { describe, expect, it } from 'vitest';
import { formatById, REDACTED } from '../index.js';
import { parseLines } from '../../../../test/helpers/parse-lines.js';
import { dovecotLines as L } from '../../../../test/fixtures/lines.js';

const syslog = formatById('syslog')!;

describe('dovecot', () => {
  it.each([
    ['IMAP login', L.imapLogin, { kind: 'auth.success', protocol: 'imap', account: 'taro@example.co.jp', ip: '203.0.113.7', localIp: '192.0.2.10', session: 'k3Hq0v4f2LfLwKmH', detail: 'PLAIN' }],
    ['POP3 login over IPv6', L.pop3LoginV6, { kind: 'auth.success', protocol: 'pop3', ip: '2001:db8:10::5', localIp: '2001:db8::25' }],
    ['RFC 3339 envelope, mixed-case account', L.rfc3339Login, { kind: 'auth.success', account: 'taro@example.co.jp', ts: Date.parse('2024-08-03T04:12:09.482+09:00'), host: 'mx02' }],
    ['secured (loopback webmail) login', L.securedLogin, { kind: 'auth.success', ip: '127.0.0.1' }],
    ['old login without session', L.oldLogin, { kind: 'auth.success', account: 'old@example.jp', ip: '198.51.100.4' }],
    ['2.2/2.3 auth failed', L.authFailed22, { kind: 'auth.failure', account: 'hanako@example.jp', attempts: 1, ip: '198.51.100.23' }],
    ['aborted login, 2 attempts', L.abortedLogin, { kind: 'auth.failure', protocol: 'pop3', attempts: 2 }],
    ['too many invalid commands', L.tooManyInvalid, { kind: 'auth.failure', account: 'yuki@example.jp', attempts: 1 }],
    ['2.4 login aborted', L.loginAborted24, { kind: 'auth.failure', account: 'kenji@example.jp', attempts: 3, ip: '198.51.100.25' }],
    ['passwd-file unknown user', L.passwdFileUnknown, { kind: 'auth.failure', app: 'dovecot/auth', account: 'hanako@example.jp', ip: '198.51.100.23', detail: 'unknown user' }],
    ['pam failure', L.pamFailed, { kind: 'auth.failure', account: 'emi@example.jp', detail: 'password mismatch' }],
    ['2.4 auth process', L.auth24, { kind: 'auth.failure', account: 'mai@example.jp', ip: '198.51.100.29', detail: 'password mismatch' }],
    ['IMAP logout bytes', L.imapLogout, { kind: 'session.end', account: 'taro@example.co.jp', bytesIn: 1291, bytesOut: 734003221, session: 'k3Hq0v4f2LfLwKmH' }],
    ['POP3 logout bytes', L.pop3Logout, { kind: 'session.end', protocol: 'pop3', bytesOut: 9120331 }],
    ['old bytes= logout', L.oldLogout, { kind: 'session.end', account: 'old@example.jp', bytesIn: 1291, bytesOut: 734003221 }],
  ])('%s', async (_name, line, expected) => {
    const { events, errors } = await parseLines(syslog, [line]);
    expect(errors).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject(expected);
  });

  it('does not call "no auth attempts" a failed login', async () => {
    const { events, ignored } = await parseLines(syslog, [L.noAuthAttempts]);
    expect(events).toEqual([]);
    expect(ignored).toEqual([1]);
  });

  it('carries the login client IP to the logout bytes through the session id', async () => {
    const { events } = await parseLines(syslog, [L.imapLogin, L.pop3LoginV6, L.imapLogout, L.pop3Logout]);
    const ends = events.filter((e) => e.kind === 'session.end');
    expect(ends.map((e) => [e.account, e.ip, e.bytesOut])).toEqual([
      ['taro@example.co.jp', '203.0.113.7', 734003221],
      ['jiro@example.co.jp', '2001:db8:10::5', 9120331],
    ]);
  });

  it('never lets a logged password into an event', async () => {
    const { events } = await parseLines(syslog, [L.sqlMismatchWithPassword]);
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain('hunter2');
    expect(REDACTED).toBe('[REDACTED]');
  });

  it('keeps the real rip when a user name tries to inject one', async () => {
    const line =
      'Aug  3 04:20:01 mx01 dovecot: imap-login: Login: user=<evil>, rip=6.6.6.6, user=<admin@example.jp>, method=PLAIN, rip=203.0.113.7, lip=192.0.2.10, mpid=1, TLS, session=<s1>';
    const { events } = await parseLines(syslog, [line]);
    expect(events[0]).toMatchObject({ account: 'evil', ip: '203.0.113.7' });
  });
});
