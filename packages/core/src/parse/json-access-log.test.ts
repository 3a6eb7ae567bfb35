import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectFormat, formatById } from '../internal.js';
import { parseLines } from '../../../../test/helpers/parse-lines.js';

// JSON access-log lines written for these tests after the nginx (escape=json), Caddy and Traefik
// documentation; documentation ranges.
const json = formatById('json-access-log')!;
const nginx = JSON.stringify({
  time_iso8601: '2024-08-03T04:12:09+09:00',
  remote_addr: '203.0.113.7',
  remote_user: '-',
  request_method: 'POST',
  request_uri: '/am_bin/amlogin/login_auth',
  status: 302,
  body_bytes_sent: 512,
  request_length: 1830,
  http_referer: 'https://webmail.example.jp/am_bin/amlogin',
  http_user_agent: 'Mozilla/5.0',
  http_x_forwarded_for: '-',
});
const caddy = JSON.stringify({
  level: 'info',
  ts: 1722625930.25,
  logger: 'http.log.access',
  msg: 'handled request',
  request: { remote_ip: '2001:db8::7', method: 'GET', host: 'mail.example.jp', uri: '/owa/?x=1', headers: { 'User-Agent': ['curl/8.5.0'] } },
  status: 200,
  size: 5120,
});
const traefik = JSON.stringify({ StartUTC: '2024-08-02T19:12:11Z', ClientHost: '10.0.0.5', RequestMethod: 'GET', RequestPath: '/', DownstreamStatus: 200, DownstreamContentSize: 77, 'request_X-Forwarded-For': '198.51.100.99, 203.0.113.9' });

describe('JSON access logs', () => {
  it.each([
    ['nginx escape=json', nginx, { ts: Date.UTC(2024, 7, 2, 19, 12, 9), ip: '203.0.113.7', method: 'POST', path: '/am_bin/amlogin/login_auth', status: 302, bytesOut: 512, bytesIn: 1830, userAgent: 'Mozilla/5.0', account: undefined }],
    ['Caddy', caddy, { ts: 1722625930250, ip: '2001:db8::7', method: 'GET', path: '/owa/?x=1', status: 200, bytesOut: 5120, userAgent: 'curl/8.5.0', host: 'mail.example.jp' }],
    ['Traefik behind an internal proxy, forwarded-for read from the right', traefik, { ip: '203.0.113.9', forwardedFor: ['198.51.100.99', '203.0.113.9'], status: 200, bytesOut: 77 }],
    ['nginx $request and $time_local', JSON.stringify({ time_local: '03/Aug/2024:04:12:12 +0900', remote_addr: '203.0.113.8', request: 'GET /am_bin/am_main.cgi?x=1 HTTP/1.1', status: '200', body_bytes_sent: '10' }), { ts: Date.UTC(2024, 7, 2, 19, 12, 12), method: 'GET', path: '/am_bin/am_main.cgi?x=1', status: 200, bytesOut: 10 }],
  ])('%s', async (_name, line, expected) => {
    const { events, errors } = await parseLines(json, [line]);
    expect(errors).toEqual([]);
    expect(events).toHaveLength(1);
    for (const [k, v] of Object.entries(expected)) expect(events[0]?.[k as keyof (typeof events)[0]], k).toEqual(v);
  });

  it('refuses a line without a zone in its time, or that is no JSON object, and is chosen for such files', async () => {
    const { errors } = await parseLines(json, [JSON.stringify({ time: '2024-08-03 04:12:09', remote_addr: '203.0.113.7', uri: '/', status: 200 }), '[1,2]']);
    expect(errors.map((e) => e.reason)).toEqual(['no time with a zone', 'not a JSON object']);
    expect(detectFormat([nginx, caddy, traefik])?.id).toBe('json-access-log');
  });

  it('property: a hostile user agent or path stays in its field', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (hostile) => {
        const line = JSON.stringify({ time_iso8601: '2024-08-03T04:12:09+09:00', remote_addr: '203.0.113.7', request_uri: hostile || '/', status: 200, http_user_agent: hostile });
        const { events } = await parseLines(json, [line]);
        expect(events[0]?.ip).toBe('203.0.113.7');
        expect(events[0]?.status).toBe(200);
      }),
      { numRuns: 200 },
    );
  });
});
