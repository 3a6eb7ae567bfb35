import { describe, expect, it } from 'vitest';
import { detectFormat, formatById } from '../internal.js';
import { parseLines } from '../../../../test/helpers/parse-lines.js';

// Roundcube log lines written for these tests after Roundcube's userlogins and errors shapes;
// documentation ranges.
const roundcube = formatById('roundcube')!;
const syslog = formatById('syslog')!;

describe('roundcube', () => {
  it.each([
    ['successful login with the session tag', '[03-Aug-2024 04:12:09 +0900]: <4gq9ebpd> Successful login for Alice@Example.jp (ID: 7) from 192.0.2.44 in session 4gq9ebpd8hq1', { kind: 'auth.success', account: 'alice@example.jp', ip: '192.0.2.44', session: '4gq9ebpd8hq1', ts: Date.UTC(2024, 7, 2, 19, 12, 9) }],
    ['older: no tag, no ID', '[03-Aug-2024 04:12:10 +0900]: Successful login for bob from 2001:db8::44 in session abcdef', { kind: 'auth.success', account: 'bob', ip: '2001:db8::44' }],
    ['failed login', '[03-Aug-2024 04:12:11 +0900]: <4gq9ebpe> Failed login for carol@example.jp from 192.0.2.45 in session 4gq9ebpe0000 (error: 0)', { kind: 'auth.failure', account: 'carol@example.jp', ip: '192.0.2.45', attempts: 1 }],
    ['IMAP login failure in the errors log', '[03-Aug-2024 04:12:12 +0900]: <4gq9ebpf> IMAP Error: Login failed for dave@example.jp against localhost from 192.0.2.46. AUTHENTICATE PLAIN: Authentication failed. in /var/www/roundcube/program/lib/Roundcube/rcube_imap.php on line 211 (POST /?_task=login&_action=login)', { kind: 'auth.failure', account: 'dave@example.jp', ip: '192.0.2.46', detail: 'imap error' }],
    ['a user name carrying " from ADDR in session " does not move the client', '[03-Aug-2024 04:12:13 +0900]: <x> Failed login for eve from 198.51.100.66 in session 1 from 192.0.2.47 in session 4gq9ebpg (error: 0)', { kind: 'auth.failure', account: 'eve from 198.51.100.66 in session 1', ip: '192.0.2.47' }],
    ['a request carrying " against x from ADDR. " does not move the client', '[03-Aug-2024 04:12:14 +0900]: <y> IMAP Error: Login failed for mallory against localhost from 192.0.2.48. Authentication failed. in /var/www/rc/rcube_imap.php on line 211 (POST /?_task=login&x=+against+h+from+198.51.100.66.+)', { kind: 'auth.failure', account: 'mallory', ip: '192.0.2.48' }],
    ['before 1.0: FAILED in capitals, no session', '[22-Jan-2013 22:28:21 +0200]: FAILED login for user7 from 192.0.2.51', { kind: 'auth.failure', account: 'user7', ip: '192.0.2.51', ts: Date.UTC(2013, 0, 22, 20, 28, 21) }],
    ['IMAP error without "against", no response', '[03-Aug-2024 04:12:15 +0900]: IMAP Error: Login failed for sales@example.jp from 192.0.2.52', { kind: 'auth.failure', account: 'sales@example.jp', ip: '192.0.2.52' }],
    ['IMAP error whose response echoes a name with an address', '[03-Aug-2024 04:12:16 +0900]: IMAP Error: Login failed for ops from 198.51.100.66 from 192.0.2.53. AUTHENTICATE PLAIN: NO failed. user=ops from 198.51.100.66 in /usr/share/roundcube/program/lib/Roundcube/rcube_imap.php on line 205 (POST /?_task=login)', { kind: 'auth.failure', account: 'ops from 198.51.100.66', ip: '192.0.2.53' }],
  ])('%s', async (_name, line, expected) => {
    const { events, errors } = await parseLines(roundcube, [line]);
    expect(errors).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject(expected);
  });

  it('through syslog, one failure written as an IMAP error and a failed login counts once', async () => {
    const { events, ignored } = await parseLines(syslog, [
      'Aug  3 04:12:15 web01 roundcube: <4gq9ebph> IMAP Error: Login failed for frank@example.jp against localhost from 192.0.2.49. Authentication failed. in /var/www/rc/rcube_imap.php on line 211 (POST /?_task=login&_action=login)',
      'Aug  3 04:12:15 web01 roundcube: <4gq9ebph> Failed login for frank@example.jp from 192.0.2.49 in session 4gq9ebphk2m7x0 (error: 0)',
    ]);
    expect(events).toMatchObject([{ kind: 'auth.failure', account: 'frank@example.jp', ip: '192.0.2.49', host: 'web01' }]);
    expect(ignored).toEqual([2]);
  });

  it('two failed attempts in one session count twice, each paired once with its other log line', async () => {
    const error = 'Aug  3 04:12:20 web01 roundcube: <4gq9ebpk> IMAP Error: Login failed for gus@example.jp against localhost from 192.0.2.54. Authentication failed. in /var/www/rc/rcube_imap.php on line 211 (POST /?_task=login&_action=login)';
    const failed = 'Aug  3 04:12:20 web01 roundcube: <4gq9ebpk> Failed login for gus@example.jp from 192.0.2.54 in session 4gq9ebpk00 (error: 0)';
    const { events, ignored } = await parseLines(syslog, [error, failed, error, failed, error]);
    expect(events.map((e) => e.line)).toEqual([1, 3, 5]);
    expect(ignored).toEqual([2, 4]);
  });

  it('ignores continuation lines of an errors-log entry and is chosen for its files', async () => {
    const lines = [
      '[03-Aug-2024 04:12:16 +0900]: <4gq9ebpi> PHP Warning: something in /var/www/rc/x.php on line 3',
      '#0 /var/www/rc/index.php(120): rcmail->login()',
      '[03-Aug-2024 04:12:17 +0900]: <4gq9ebpj> Successful login for gina (ID: 9) from 192.0.2.50 in session 4gq9ebpj',
    ];
    const { events, errors, ignored } = await parseLines(roundcube, lines);
    expect(errors).toEqual([]);
    expect(events.map((e) => e.kind)).toEqual(['auth.success']);
    expect(ignored).toEqual([1, 2]);
    expect(detectFormat(lines)?.id).toBe('roundcube');
  });
});
