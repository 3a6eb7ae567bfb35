import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectFormat, formatById } from '../internal.js';
import { parseLines } from '../../../../test/helpers/parse-lines.js';

// Error-log lines written for these tests after the Apache 2.2/2.4 and nginx error-log shapes;
// documentation ranges. Times carry no zone: read in Asia/Tokyo here.
const errorLog = formatById('web-error-log')!;
const jst = (h: number, m: number, s: number, ms = 0) => Date.UTC(2024, 7, 3, h - 9, m, s, ms);

describe('web error logs', () => {
  it.each([
    ['Apache 2.4 CGI died', '[Sat Aug 03 04:12:09.123456 2024] [cgid:error] [pid 1234:tid 5678] [client 192.0.2.44:55280] End of script output before headers: am_main.cgi, referer: https://webmail.example.jp/am_bin/amlogin', { app: 'httpd', ip: '192.0.2.44', detail: 'script died', path: 'am_main.cgi', ts: jst(4, 12, 9, 123) }],
    ['Apache 2.2 CGI died', '[Sat Aug 03 04:12:10 2024] [error] [client 192.0.2.45] Premature end of script headers: am_main.cgi', { ip: '192.0.2.45', detail: 'script died', ts: jst(4, 12, 10) }],
    ['Apache 2.4, a module without a name', '[Sat Aug 03 04:12:10.5 2024] [:error] [pid 1234] [client 192.0.2.55:40000] End of script output before headers: index.php', { ip: '192.0.2.55', detail: 'script died' }],
    ['Apache 2.4 behind a proxy: the remote group is skipped', '[Sat Aug 03 04:12:10.6 2024] [cgid:error] [pid 1234:tid 9] [remote 10.0.0.5:51000] [client 192.0.2.56:40000] End of script output before headers: am_main.cgi', { ip: '192.0.2.56' }],
    ['Apache proxy_fcgi: the OS error before the client group', '[Sat Aug 03 04:12:10.7 2024] [proxy_fcgi:error] [pid 1234:tid 9] (104)Connection reset by peer: [client 192.0.2.57:40000] AH01075: Error dispatching request to : (reading input brigade)', { ip: '192.0.2.57', detail: 'upstream died' }],
    ['Apache child segfault, no client', '[Sat Aug 03 04:12:11.5 2024] [core:notice] [pid 1000:tid 1] AH00052: child pid 1234 exit signal Segmentation fault (11), possible coredump in /etc/apache2', { ip: undefined, detail: 'handler crash: Segmentation fault (11)' }],
    ['Apache invalid URI keeps the request', '[Sat Aug 03 04:12:12.0 2024] [core:error] [pid 1234] [client 192.0.2.46:40000] AH00126: Invalid URI in request GET /am_bin/%%90%90 HTTP/1.1', { ip: '192.0.2.46', detail: 'invalid uri', method: 'GET', path: '/am_bin/%%90%90' }],
    ['Apache URI too long', '[Sat Aug 03 04:12:13.0 2024] [core:error] [pid 1234] [client 192.0.2.47:40001] AH00565: request failed: URI too long (longer than 8190)', { ip: '192.0.2.47', detail: 'uri too long' }],
    ['nginx upstream died, with request', '2024/08/03 04:12:14 [error] 1234#1234: *5 upstream prematurely closed connection while reading response header from upstream, client: 192.0.2.48, server: webmail.example.jp, request: "POST /am_bin/amlogin/login_auth HTTP/1.1", upstream: "fastcgi://unix:/run/fcgiwrap.socket:", host: "webmail.example.jp"', { app: 'nginx', ip: '192.0.2.48', detail: 'upstream died', method: 'POST', path: '/am_bin/amlogin/login_auth', ts: jst(4, 12, 14) }],
    ['nginx URI too long', '2024/08/03 04:12:15 [info] 1234#1234: *7 client sent too long URI while reading client request line, client: 2001:db8::48, server: _, request: "GET /AAAA"', { ip: '2001:db8::48', detail: 'uri too long', path: '/AAAA' }],
    ['nginx body too large', '2024/08/03 04:12:16 [error] 1234#1234: *8 client intended to send too large body: 10485761 bytes, client: 192.0.2.49, server: webmail.example.jp, request: "POST /am_bin/upload HTTP/1.1", host: "webmail.example.jp"', { ip: '192.0.2.49', detail: 'body too large' }],
    ['nginx worker crash', '2024/08/03 04:12:17 [alert] 900#900: worker process 1234 exited on signal 11 (core dumped)', { ip: undefined, detail: 'handler crash: signal 11' }],
    ['a quoted path carrying ", client: ADDR, server:" does not move the client', '2024/08/03 04:12:18 [error] 1234#1234: *9 upstream prematurely closed connection while reading "/x, client: 198.51.100.66, server: y", client: 192.0.2.50, server: webmail.example.jp, request: "GET /a HTTP/1.1"', { ip: '192.0.2.50' }],
    ['a request carrying a client does not move it', '2024/08/03 04:12:19 [info] 1234#1234: *10 client sent too long URI while reading client request line, client: 192.0.2.51, server: _, request: "GET /x, client: 198.51.100.66, server: z HTTP/1.1"', { ip: '192.0.2.51' }],
  ])('%s', async (_name, line, expected) => {
    const { events, errors } = await parseLines(errorLog, [line]);
    expect(errors).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]!.kind).toBe('http.error');
    for (const [k, v] of Object.entries(expected)) expect(events[0]?.[k as keyof (typeof events)[0]], k).toEqual(v);
  });

  it('ignores error lines of no interest and continuation lines', async () => {
    const { events, errors, ignored } = await parseLines(errorLog, [
      '[Sat Aug 03 04:12:20.0 2024] [mpm_event:notice] [pid 1000:tid 1] AH00489: Apache/2.4.62 configured -- resuming normal operations',
      '2024/08/03 04:12:21 [error] 1234#1234: *11 open() "/var/www/html/favicon.ico" failed (2: No such file or directory), client: 192.0.2.52, server: _, request: "GET /favicon.ico HTTP/1.1"',
      'some CGI stderr text on its own line',
    ]);
    expect(events).toEqual([]);
    expect(errors).toEqual([]);
    expect(ignored).toEqual([1, 2, 3]);
  });

  it('is chosen for Apache and for nginx error logs', () => {
    expect(detectFormat(['[Sat Aug 03 04:12:10 2024] [error] [client 192.0.2.45] Premature end of script headers: x.cgi'])?.id).toBe('web-error-log');
    expect(detectFormat(['2024/08/03 04:12:17 [alert] 900#900: worker process 1234 exited on signal 11'])?.id).toBe('web-error-log');
  });

  it('property: no message throws, and an error line never takes its client from the message', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        const { events } = await parseLines(errorLog, [
          `[Sat Aug 03 04:12:10 2024] [error] [client 192.0.2.45] Premature end of script headers: ${text}`,
          `2024/08/03 04:12:14 [error] 1#1: *5 upstream prematurely closed connection, client: 192.0.2.48, server: s, request: "${text}"`,
        ]);
        expect(events.map((e) => e.ip)).toEqual(['192.0.2.45', '192.0.2.48']);
      }),
      { numRuns: 300 },
    );
  });
});
