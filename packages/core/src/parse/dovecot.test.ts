import { describe, expect, it } from 'vitest';
import { formatById, REDACTED } from '../internal.js';
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

// Shapes from other Dovecot versions and logging setups, written for these tests from Dovecot's
// documented formats: its own log file (no host), multilog, 1.x tags, PAM, proxies, 2.4.
describe('dovecot shapes beyond syslog 2.2/2.3', () => {
  const syslogFormat = formatById('syslog')!;
  const one = async (text: string) => {
    const { events, errors } = await parseLines(syslogFormat, [text]);
    expect(errors).toEqual([]);
    return events;
  };
  it.each([
    ['its own log file: no host, level after the subsystem', 'Aug 03 04:20:01 imap-login: Info: Login: user=<taro@example.co.jp>, method=PLAIN, rip=203.0.113.7, lip=192.0.2.10, mpid=48211, TLS, session=<k3Hq0v4f2LfLwKmH>', { kind: 'auth.success', account: 'taro@example.co.jp', ip: '203.0.113.7', host: undefined, ts: Date.UTC(2024, 7, 2, 19, 20, 1) }],
    ['its own log file with an ISO stamp, read in --tz', '2024-08-03 04:21:33 imap-login: Info: Disconnected (auth failed, 2 attempts in 9 secs): user=<hanako@example.jp>, method=PLAIN, rip=198.51.100.23, lip=192.0.2.10, TLS', { kind: 'auth.failure', attempts: 2, ip: '198.51.100.23', ts: Date.UTC(2024, 7, 2, 19, 21, 33) }],
    ['multilog TAI64N label', '@400000006724a1b20c8a3f14 pop3-login: Info: Login: user=<jiro@example.jp>, method=PLAIN, rip=192.0.2.60, lip=192.0.2.10, mpid=7, session=<AbCdEfGhIjKl>', { kind: 'auth.success', protocol: 'pop3', account: 'jiro@example.jp', ip: '192.0.2.60', ts: 1730453928 * 1000 + 210 }],
    ['single-digit day with one space', 'Sep 8 07:46:30 mx01 dovecot: imap-login: Login: user=<aiko@example.jp>, method=PLAIN, rip=192.0.2.61, lip=192.0.2.10', { kind: 'auth.success', ip: '192.0.2.61', host: 'mx01' }],
    ['1.x: the subsystem is the syslog tag', 'Aug  3 04:20:01 mx01 imap-login: Login: user=<ken@example.jp>, method=PLAIN, rip=::ffff:192.0.2.62, lip=::ffff:192.0.2.10', { kind: 'auth.success', account: 'ken@example.jp', ip: '192.0.2.62' }],
    ['1.x/2.0 aborted login counting attempts', 'Aug  3 04:20:02 mx01 dovecot: pop3-login: Aborted login (3 authentication attempts): user=<ken@example.jp>, method=PLAIN, rip=192.0.2.63, lip=192.0.2.10', { kind: 'auth.failure', attempts: 3, ip: '192.0.2.63' }],
    ['failure whose empty user Dovecot left out', 'Aug  3 04:20:03 mx01 dovecot: imap-login: Disconnected (auth failed, 1 attempts in 4 secs): method=PLAIN, rip=192.0.2.64, lip=192.0.2.10, TLS', { kind: 'auth.failure', account: undefined, ip: '192.0.2.64' }],
    ['plaintext auth where it is disallowed', 'Aug  3 04:20:04 mx01 dovecot: imap-login: Disconnected (tried to use disallowed plaintext auth): user=<>, rip=192.0.2.65, lip=192.0.2.10, session=<QQQQQQQQ>', { kind: 'auth.failure', ip: '192.0.2.65', detail: 'plaintext auth disallowed' }],
    ['2.4 level and reason code', '2024-08-03T04:20:05+09:00 mx02 dovecot[834]: imap-login: Info: Login aborted: Logged out (auth_failed): user=<mai@example.jp>, method=PLAIN, rip=192.0.2.66, lip=192.0.2.11', { kind: 'auth.failure', attempts: 1, account: 'mai@example.jp' }],
    ['proxy login', 'Aug  3 04:20:06 mx01 dovecot: imap-login: proxy(rin@example.jp): started proxying to 10.0.0.5:143: user=<rin@example.jp>, method=PLAIN, rip=192.0.2.67, lip=192.0.2.10, session=<PrOxYsEsSiOn>', { kind: 'auth.success', account: 'rin@example.jp', ip: '192.0.2.67' }],
    ['proxy refused by the backend', 'Aug  3 04:20:07 mx01 dovecot: imap-login: proxy(rin@example.jp): Login failed to 10.0.0.5:143: Authentication failed (dest auth failed): user=<rin@example.jp>, method=PLAIN, rip=192.0.2.68, lip=192.0.2.10', { kind: 'auth.failure', account: 'rin@example.jp', ip: '192.0.2.68', detail: 'proxy auth failed' }],
    ['PAM via the 1.x dovecot-auth tag', 'Aug  3 04:20:08 mx01 dovecot-auth: pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser=alice rhost=192.0.2.44  user=alice', { kind: 'auth.failure', account: 'alice', ip: '192.0.2.44' }],
    ['PAM for an unknown user (no user=)', 'Aug  3 04:20:09 mx01 auth: pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser=nobody9 rhost=192.0.2.45', { kind: 'auth.failure', account: 'nobody9', ip: '192.0.2.45' }],
    ['PAM: a name carrying rhost= does not move the client', 'Aug  3 04:20:10 mx01 dovecot: auth: pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser=eve rhost=6.6.6.6 rhost=192.0.2.46 user=eve rhost=6.6.6.6', { kind: 'auth.failure', account: 'eve rhost=6.6.6.6', ip: '192.0.2.46' }],
    ['1.x auth(default) before the passdb call', 'Aug  3 04:20:11 mx01 dovecot: auth(default): passwd-file(sora@example.jp,192.0.2.47): unknown user', { kind: 'auth.failure', account: 'sora@example.jp', ip: '192.0.2.47' }],
    ['ldap invalid credentials', 'Aug  3 04:20:12 mx01 dovecot: auth: ldap(yui@example.jp,192.0.2.48,<AbCd>): invalid credentials', { kind: 'auth.failure', account: 'yui@example.jp', ip: '192.0.2.48' }],
    ['auth-worker as the tag in its own file', 'Aug 03 04:20:13 auth-worker(4711): Info: pam(mio@example.jp,192.0.2.49,<AbCd>): pam_authenticate() failed: Authentication failure (password mismatch?)', { kind: 'auth.failure', account: 'mio@example.jp', ip: '192.0.2.49' }],
    ['1.x: disabled plaintext auth, no user', 'Dec  4 11:19:11 mx01 dovecot: pop3-login: Aborted login (tried to use disabled plaintext auth): rip=192.0.2.70, lip=192.0.2.10', { kind: 'auth.failure', ip: '192.0.2.70', account: undefined }],
    ['the journal repeats the tag: dovecot[pid]: dovecot: auth(default): pam(...)', 'Jul  2 13:49:32 mx01 dovecot[442]: dovecot: auth(default): pam(kai@example.jp,192.0.2.71): pam_authenticate() failed: User not known to the underlying authentication module: 2 Time(s)', { kind: 'auth.failure', account: 'kai@example.jp', ip: '192.0.2.71' }],
    ['auth-worker(default) in an ISO-stamped own file', '2024-08-03 03:56:40 auth-worker(default): Info: pam(ren,192.0.2.72): pam_authenticate() failed: Authentication failure (password mismatch?)', { kind: 'auth.failure', account: 'ren', ip: '192.0.2.72' }],
    ['pam_sss, under the auth tag', 'Apr 19 05:22:20 mx01 auth: pam_sss(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser=saki rhost=192.0.2.73 user=saki', { kind: 'auth.failure', account: 'saki', ip: '192.0.2.73' }],
    ['PAM: a name that is itself "rhost=ADDR"', 'Apr 19 05:22:21 mx01 dovecot-auth: pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser=rhost=198.51.100.66 rhost=192.0.2.74', { kind: 'auth.failure', account: 'rhost=198.51.100.66', ip: '192.0.2.74' }],
    ['journalctl -o short-unix', '1722625929.123456 mx02 dovecot[834]: imap-login: Login: user=<mai@example.jp>, method=PLAIN, rip=192.0.2.75, lip=192.0.2.11', { kind: 'auth.success', host: 'mx02', ip: '192.0.2.75', ts: 1722625929123 }],
    ['journalctl -o short-full', 'Sat 2024-08-03 04:12:09 JST mx02 dovecot[834]: imap-login: Login: user=<mai@example.jp>, method=PLAIN, rip=192.0.2.76, lip=192.0.2.11', { kind: 'auth.success', host: 'mx02', ip: '192.0.2.76', ts: Date.UTC(2024, 7, 2, 19, 12, 9) }],
    ['journalctl -o short-precise', 'Aug 03 04:12:09.500000 mx02 dovecot[834]: imap-login: Login: user=<mai@example.jp>, method=PLAIN, rip=192.0.2.77, lip=192.0.2.11', { kind: 'auth.success', ip: '192.0.2.77', ts: Date.UTC(2024, 7, 2, 19, 12, 9, 500) }],
    ['a grep file-name prefix', '/var/log/mail.log.1:Aug  3 04:21:33 mx01 dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<hanako@example.jp>, method=PLAIN, rip=192.0.2.78, lip=192.0.2.10', { kind: 'auth.failure', ip: '192.0.2.78', host: 'mx01' }],
    ['logout in its own file', 'Aug 03 04:35:12 imap(taro@example.co.jp)<48211><k3Hq0v4f2LfLwKmH>: Info: Disconnected: Logged out in=1291 out=734003221', { kind: 'session.end', account: 'taro@example.co.jp', bytesOut: 734003221 }],
  ])('%s', async (_name, text, expected) => {
    const events = await one(text);
    expect(events).toHaveLength(1);
    for (const [k, v] of Object.entries(expected)) expect(events[0]?.[k as keyof (typeof events)[0]], k).toEqual(v);
  });

  it.each([
    ['no auth attempts', 'Aug  3 04:21:38 mx01 dovecot: imap-login: Disconnected (no auth attempts in 5 secs): user=<>, rip=198.51.100.26, lip=192.0.2.10, TLS'],
    ['no auth attempts, no host', 'Aug 03 04:21:38 imap-login: Info: Disconnected: Connection closed (no auth attempts in 0 secs): user=<>, rip=198.51.100.26, lip=192.0.2.10'],
    ['disconnected before auth was ready', 'Aug  3 04:21:39 mx01 dovecot: pop3-login: Disconnected (disconnected before auth was ready, waited 0 secs): user=<>, rip=198.51.100.27, lip=192.0.2.10'],
    ['a proxy that merely disconnects', 'Aug  3 04:21:40 mx01 dovecot: imap-login: proxy(rin@example.jp): disconnecting 192.0.2.67 (Disconnected by client: EOF(0s idle, in=120, out=3400))'],
  ])('%s is no failure', async (_name, text) => {
    const events = await one(text);
    expect(events.filter((e) => e.kind === 'auth.failure')).toEqual([]);
  });
});
