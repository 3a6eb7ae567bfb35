/**
 * The kernel's word on a crashed web handler, from `/var/log/messages` or `kern.log` on the web
 * host: a CGI or server process killed by a fault is written there even when the web server's own
 * logs say nothing of it.
 *
 *   kernel: [183211.402311] am_main.cgi[4321]: segfault at 41414141 ip 0000000041414141 sp 00007ffd5c1e2a30 error 14 in libc.so.6[7f0e...+195000]
 *   kernel: traps: am_main.cgi[4321] general protection fault ip:7f0e... sp:7ffd... error:0 in libc.so.6[...]
 *
 * Only processes that serve web requests count (a name ending in `.cgi` or `.fcgi`, the web
 * servers, PHP): any other program's fault is no handler crash. The fault address is kept in
 * `detail`: an instruction pointer of 41414141 or 90909090 is the request's own bytes.
 */
import type { Line } from '../ingest/line-splitter.js';
import type { FileContext } from './format.js';
import type { SyslogProgram } from './syslog-program.js';
import type { Envelope } from './syslog-envelope.js';

const FAULT = /^(?:\[\s*\d+\.\d+\] )?(?:traps: )?([^\s[\]]{1,64})\[(\d+)\]:? (segfault at ([0-9a-f]+)|general protection(?: fault)?|trap [a-z]+(?: [a-z]+)?)(?: ip[: ]([0-9a-f]+))?/;

const WEB_HANDLER = /\.f?cgi$|^(?:httpd|apache2?|nginx|php(?:-cgi|-fpm)?[\d.]*|fcgiwrap|lighttpd)$/;

export const kernelCrash: SyslogProgram = {
  id: 'kernel',
  matches: (program) => program === 'kernel',
  create(ctx: FileContext) {
    return (env: Envelope, line: Line): void => {
      const m = FAULT.exec(env.message);
      if (!m || !WEB_HANDLER.test(m[1]!)) {
        ctx.ignore(line);
        return;
      }
      const what = m[4] !== undefined ? `segfault at ${m[4]}` : m[3]!;
      ctx.emit(
        {
          ts: env.ts,
          host: env.host,
          app: 'kernel',
          kind: 'http.error',
          detail: `handler crash: ${what}${m[5] ? ` ip ${m[5]}` : ''} in ${m[1]}`,
        },
        line,
      );
    };
  },
};
