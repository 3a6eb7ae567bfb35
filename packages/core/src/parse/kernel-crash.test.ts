import { describe, expect, it } from 'vitest';
import { formatById } from '../internal.js';
import { parseLines } from '../../../../test/helpers/parse-lines.js';

// Kernel fault lines written for these tests after the Linux kernel's segfault and traps shapes.
const syslog = formatById('syslog')!;
const at = (body: string) => `Aug  3 04:05:07 webmail01 kernel: ${body}`;

describe('kernel: crashed web handlers', () => {
  it.each([
    ['a CGI segfault with the uptime stamp', at('[183211.402311] am_main.cgi[4321]: segfault at 41414141 ip 0000000041414141 sp 00007ffd5c1e2a30 error 14 in libc.so.6[7f0e10000000+195000]'), 'handler crash: segfault at 41414141 ip 0000000041414141 in am_main.cgi'],
    ['a newer kernel, no stamp', at('login_auth.cgi[77]: segfault at 0 ip 00007f0e1a2b3c4d sp 00007ffd5c1e2a30 error 4 in login_auth.cgi[55d0+2000] likely on CPU 1 (core 1, socket 0)'), 'handler crash: segfault at 0 ip 00007f0e1a2b3c4d in login_auth.cgi'],
    ['a general protection fault in PHP-FPM', at('traps: php-fpm8.2[990] general protection fault ip:7f0e1a2b3c4d sp:7ffd5c1e2a30 error:0 in libc.so.6[7f0e10000000+195000]'), 'handler crash: general protection fault ip 7f0e1a2b3c4d in php-fpm8.2'],
  ])('%s', async (_name, line, detail) => {
    const { events, errors } = await parseLines(syslog, [line]);
    expect(errors).toEqual([]);
    expect(events).toMatchObject([{ kind: 'http.error', app: 'kernel', host: 'webmail01', detail }]);
  });

  it('a fault of a program that serves no web requests, and other kernel lines, are ignored', async () => {
    const { events, ignored } = await parseLines(syslog, [
      at('[183211.402311] python3[4321]: segfault at 0 ip 0000000000000000 sp 00007ffd5c1e2a30 error 14'),
      at('[183211.402311] e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex'),
    ]);
    expect(events).toEqual([]);
    expect(ignored).toEqual([1, 2]);
  });
});
