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

// Auth-process failures name the user and client in the passdb call, which may come after the
// auth-worker's own connection note in parentheses. Written for these tests after Dovecot's
// formats; addresses are documentation ranges.
describe('dovecot auth-process failures', () => {
  const syslogFormat = formatById('syslog')!;
  const failureOf = async (message: string) => {
    const { events } = await parseLines(syslogFormat, [`Sep  8 07:46:30 mx01 dovecot: ${message}`]);
    return events.find((e) => e.kind === 'auth.failure');
  };
  it.each([
    ['pam behind the auth-worker connection note', 'auth-worker(4711): conn unix:auth-worker (pid=4700,uid=109): auth-worker<3>: pam(alice@example.jp,192.0.2.44): pam_authenticate() failed: Authentication failure (password mismatch?)', 'alice@example.jp', '192.0.2.44'],
    ['sql with a session argument', 'auth-worker(4711): conn unix:auth-worker (pid=4700,uid=109): auth-worker<7>: sql(bob@example.jp,192.0.2.45,<Xy12AbCd>): Password mismatch', 'bob@example.jp', '192.0.2.45'],
    ['ldap, IPv6 client', 'auth-worker(99): ldap(dave@example.jp,2001:db8::7): unknown user', 'dave@example.jp', '2001:db8::7'],
    ['passwd-file in the auth process', 'auth: passwd-file(carol@example.jp,192.0.2.46): unknown user', 'carol@example.jp', '192.0.2.46'],
    ['2.4 auth() with mechanism and session', 'auth(erin@example.jp,192.0.2.47,sasl:plain)<AbCdEf>: Info: sql: Password mismatch', 'erin@example.jp', '192.0.2.47'],
    ['a user name carrying a fake address keeps it, and the real client stays', 'auth-worker(12): pam(eve,198.51.100.66,192.0.2.48): pam_authenticate() failed: Authentication failure', 'eve,198.51.100.66', '192.0.2.48'],
  ])('%s', async (_name, message, account, ip) => {
    expect(await failureOf(message)).toMatchObject({ kind: 'auth.failure', account, ip });
  });
});
