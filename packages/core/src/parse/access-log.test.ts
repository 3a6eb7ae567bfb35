import { describe, expect, it } from 'vitest';
import { formatById } from '../index.js';
import { parseLines } from '../../../../test/helpers/parse-lines.js';
import { accessLines as L } from '../../../../test/fixtures/lines.js';

const access = formatById('access-log')!;

describe('access-log', () => {
  it.each([
    ['Apache combined', L.apacheCombined, { ip: '203.0.113.7', method: 'POST', path: '/am_bin/amlogin/login_auth', status: 302, bytesOut: 0, referer: 'https://webmail.example.jp/am_bin/amlogin', ts: Date.parse('2024-08-03T04:19:58+09:00') }],
    ['nginx over IPv6', L.nginxV6, { ip: '2001:db8:44::9', method: 'GET', path: '/am_bin/am_main.cgi/mail_list?folder=INBOX&page=2', status: 200, bytesOut: 18231, userAgent: 'Mozilla/5.0 (Macintosh)' }],
    ['combinedio %I %O', L.combinedio, { ip: '203.0.113.66', status: 500, bytesIn: 1048921, bytesOut: 845 }],
    ['nginx $request_length', L.nginxRequestLength, { bytesIn: 431, bytesOut: 5120 }],
    ['"-" request', L.dashRequest, { status: 408 }],
    ['status 0', L.status0, { status: 0, method: 'POST' }],
    ['nginx 499', L.nginx499, { status: 499 }],
    ['escaped quotes', L.escapedQuote, { path: '/am_bin/x?q="quoted"', userAgent: 'agent "x"' }],
    ['garbage request keeps its text', L.bareGarbage, { path: '\\x16\\x03\\x01\\x02\\x00\\x01', status: 400 }],
    ['authenticated user', L.authUser, { account: 'taro' }],
  ])('%s', async (_name, line, expected) => {
    const { events, errors } = await parseLines(access, [line]);
    expect(errors).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'http.request', ...expected });
  });

  it('keeps a request whose line was cut inside the request (line cap)', async () => {
    const line = `203.0.113.66 - - [03/Aug/2024:04:02:31 +0900] "GET /am_bin/amlogin?${'A'.repeat(5000)}`;
    const { events } = await parseLines(access, [line]);
    expect(events).toHaveLength(1);
    expect(events[0]!.path).toHaveLength('/am_bin/amlogin?'.length + 5000);
    expect(events[0]).not.toHaveProperty('status');
  });

  it('reports lines that are not access-log lines', async () => {
    const { events, errors } = await parseLines(access, ['hello world', '198.51.100.1 - - [not a time] "GET / HTTP/1.1" 200 1']);
    expect(events).toEqual([]);
    expect(errors.map((e) => e.reason)).toEqual(['no client address', 'unreadable [time] field']);
  });
});
