import { describe, expect, it } from 'vitest';
import { formatById } from '../internal.js';
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
    expect(errors.map((e) => e.reason)).toEqual(['no [time] field', 'unreadable [time] field']);
  });
});

// Layouts other than plain combined, written for these tests after the Apache and nginx log
// format documentation: a virtual host first, forwarded chains, host names, no ident, nginx tails.
describe('access-log variants', () => {
  const t = '[03/Aug/2024:04:19:58 +0900] "POST /am_bin/amlogin/login_auth HTTP/1.1" 302 512';
  it.each([
    ['vhost_combined: virtual host and port first', `webmail.example.jp:443 203.0.113.7 - - ${t} "-" "Mozilla/5.0"`, { host: 'webmail.example.jp', ip: '203.0.113.7', status: 302 }],
    ['virtual host without a port', `webmail.example.jp 203.0.113.8 - - ${t} "-" "-"`, { host: 'webmail.example.jp', ip: '203.0.113.8' }],
    ['no ident field', `203.0.113.9 - ${t} "-" "-"`, { ip: '203.0.113.9', account: undefined, bytesOut: 512 }],
    ['X-Forwarded-For list as the client: the proxy-side public address', `203.0.113.10, 10.0.0.1 - - ${t} "-" "-"`, { ip: '203.0.113.10', forwardedFor: ['203.0.113.10', '10.0.0.1'] }],
    ['a forged left entry does not become the client', `198.51.100.99, 203.0.113.11, 10.0.0.1 - - ${t} "-" "-"`, { ip: '203.0.113.11', forwardedFor: ['198.51.100.99', '203.0.113.11', '10.0.0.1'] }],
    ['a host name instead of an address', `client-44.example.net - - ${t} "-" "-"`, { ip: undefined, detail: 'client host client-44.example.net', status: 302 }],
    ['nginx main: header after the agent, behind a private proxy', `10.0.0.5 - - ${t} "-" "Mozilla/5.0" "203.0.113.12, 10.0.0.4"`, { ip: '203.0.113.12', forwardedFor: ['203.0.113.12', '10.0.0.4'], userAgent: 'Mozilla/5.0' }],
    ['nginx main: a header from a public client is data, not the client', `203.0.113.13 - - ${t} "-" "curl/8" "198.51.100.200"`, { ip: '203.0.113.13', forwardedFor: ['198.51.100.200'] }],
    ['nginx main: an absent header', `203.0.113.14 - - ${t} "-" "curl/8" "-"`, { ip: '203.0.113.14', forwardedFor: undefined }],
    ['a "-" client (the forwarded-for header was absent) is a request without an address', `- - - ${t} "-" "-"`, { ip: undefined, status: 302, method: 'POST' }],
    ['a grep file-name prefix', `/var/log/httpd/access_log.1:203.0.113.17 - - ${t} "-" "-"`, { ip: '203.0.113.17', status: 302 }],
    ['milliseconds in the time', '203.0.113.16 - - [03/Aug/2024:04:19:58.250 +0900] "GET / HTTP/1.1" 200 5', { ts: Date.parse('2024-08-03T04:19:58.250+09:00') }],
    ['nginx $request_length $request_time', `203.0.113.15 - - ${t} "-" "curl/8" 1048576 0.532`, { bytesIn: 1048576, bytesOut: 512 }],
  ])('%s', async (_name, line, expected) => {
    const { events, errors } = await parseLines(access, [line]);
    expect(errors).toEqual([]);
    expect(events).toHaveLength(1);
    for (const [k, v] of Object.entries(expected)) expect(events[0]?.[k as keyof (typeof events)[0]], k).toEqual(v);
  });

  it('sniffs each variant as an access log', () => {
    for (const line of [`webmail.example.jp:443 203.0.113.7 - - ${t} "-" "-"`, `203.0.113.10, 10.0.0.1 - - ${t} "-" "-"`, `client-44.example.net - - ${t} "-" "-"`, `203.0.113.9 - ${t} "-" "-"`]) {
      expect(access.sniff(line), line).toBe(true);
    }
  });
});
