/**
 * Apache and nginx error logs: the lines that matter when a request overflows a handler.
 *
 *   [Sat Aug 03 04:12:09.123456 2024] [cgid:error] [pid 1234:tid 5678] [client 192.0.2.44:55280] End of script output before headers: am_main.cgi
 *   [Sat Aug 03 04:12:09 2024] [error] [client 192.0.2.44] Premature end of script headers: am_main.cgi   (Apache 2.2)
 *   [Sat Aug 03 04:12:09.5 2024] [core:notice] [pid 1000:tid 1] AH00052: child pid 1234 exit signal Segmentation fault (11)
 *   [Sat Aug 03 04:12:09.5 2024] [core:error] [pid 1234] [client 192.0.2.44:55280] AH00126: Invalid URI in request GET /x HTTP/1.1
 *   2024/08/03 04:12:09 [error] 1234#1234: *5 upstream prematurely closed connection while reading response header from upstream, client: 192.0.2.44, server: webmail.example.jp, request: "POST /am_bin/x HTTP/1.1", upstream: "fastcgi://unix:/run/fcgiwrap.socket:"
 *   2024/08/03 04:12:09 [info] 1234#1234: *7 client sent too long URI while reading client request line, client: 192.0.2.44, server: _, request: "GET /AAAA..."
 *
 * Each becomes an `http.error` event whose `detail` names the condition (see `CONDITIONS`); other
 * error-log lines are counted as ignored. Times carry no zone and are read in `--tz`.
 *
 * Who writes what: the request, paths and referers in a message are the client's text. Apache puts
 * the client in a `[client ...]` group before the message; nginx puts `, client: ADDR, server:`
 * after it, and the first such outside a quoted string is nginx's (quoted paths come before it,
 * the request after).
 */
import type { FileContext, LineParser, LogFormat, ParsedEvent } from './format.js';
import { monthNumber } from '../time/timestamps.js';
import { normalizeIp } from './normalize.js';
import { splitRequest } from './request-line.js';

/** Conditions, in the order they are tested; the first whose phrase the message holds names it. */
const CONDITIONS: ReadonlyArray<{ phrase: RegExp; condition: string }> = [
  { phrase: /exit signal ([A-Za-z ]+\(\d+\))|exited on signal (\d+)/, condition: 'handler crash' },
  { phrase: /End of script output before headers|Premature end of script headers/, condition: 'script died' },
  { phrase: /upstream prematurely closed connection|Connection reset by peer\) while reading response header from upstream|AH01075: Error dispatching request|AH01067: Failed to read FastCGI header/, condition: 'upstream died' },
  { phrase: /URI too long|client sent too long URI/, condition: 'uri too long' },
  { phrase: /Invalid URI in request/, condition: 'invalid uri' },
  { phrase: /client intended to send too large body/, condition: 'body too large' },
  { phrase: /LimitRequestFieldSize|client sent too long header line|too large request header/i, condition: 'header too long' },
];

export function conditionOf(message: string): string | undefined {
  for (const c of CONDITIONS) {
    const m = c.phrase.exec(message);
    if (m) return c.condition === 'handler crash' ? `handler crash: ${m[1] ?? `signal ${m[2]}`}` : c.condition;
  }
  return undefined;
}


/** `Sat Aug 03 04:12:09.123456 2024` inside the first brackets. */
const APACHE_TIME = /^\[[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? (\d{4})\] /;
/** `2024/08/03 04:12:09 [error] ` */
const NGINX_TIME = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) \[([a-z]+)\] /;

function readApache(s: string, ctx: FileContext): ParsedEvent | undefined {
  const t = APACHE_TIME.exec(s);
  if (!t) return undefined;
  const month = monthNumber(t[1]!);
  if (month === undefined) return undefined;
  const ms = t[6] ? Math.floor(Number(`0.${t[6]}`) * 1000) : 0;
  const ts = ctx.clock.toUtc(Number(t[7]), month, Number(t[2]), Number(t[3]), Number(t[4]), Number(t[5]), ms);
  // The server's own groups: `[module:level]`, `[pid N:tid M]`, `[client ADDR:port]`, `[remote ...]`.
  let i = t[0].length;
  let ip: string | undefined;
  for (;;) {
    // `(104)Connection reset by peer: ` (the OS error) may stand before the client group.
    if (s.charCodeAt(i) === 40) {
      const os = /^\(\d+\)[^[\]]{0,120}?: (?=\[)/.exec(s.slice(i, i + 130));
      if (os) i += os[0].length;
    }
    if (s.charCodeAt(i) !== 91) break;
    const close = s.indexOf('] ', i);
    if (close === -1 || close - i > 120) break;
    const group = s.slice(i + 1, close);
    if (group.startsWith('client ')) {
      ip = normalizeIp(group.slice(7)) ?? ip;
      i = close + 2;
      break; // the message follows the client
    }
    // `[core:error]`, `[:error]` (a module without a name, PHP's), `[pid 1:tid 2]`, `[remote ...]` (a proxy's peer).
    if (!/^(?:[a-z_0-9]*:)?[a-z0-9]+$|^pid \d+|^remote /.test(group)) break;
    i = close + 2;
  }
  const message = s.slice(i);
  const detail = conditionOf(message);
  if (!detail) return { ts, app: 'httpd', kind: 'http.error' };
  const event: ParsedEvent = { ts, app: 'httpd', kind: 'http.error', protocol: 'http', ip, detail };
  const invalid = /^AH00126: Invalid URI in request (.*)$/.exec(message);
  if (invalid) Object.assign(event, splitRequest(invalid[1]!));
  const script = /(?:End of script output before headers|Premature end of script headers): ([^,\s]+)/.exec(message);
  if (script) event.path = script[1];
  return event;
}

/** The first `, client: ADDR, server: ` outside a quoted string, and the request after it. */
function nginxContext(message: string): { ip: string | undefined; request: string | undefined } {
  let quoted = false;
  for (let i = 0; i < message.length; i++) {
    const c = message.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (!quoted && c === 44 && message.startsWith(', client: ', i)) {
      const start = i + 10;
      const end = message.indexOf(', server: ', start);
      if (end === -1) return { ip: undefined, request: undefined };
      const ip = normalizeIp(message.slice(start, end));
      const req = message.indexOf(', request: "', end);
      if (req === -1) return { ip, request: undefined };
      const tail = message.slice(req + 12);
      const close = tail.search(/", (?:upstream|host|referrer|subrequest): "|"$/);
      return { ip, request: close === -1 ? tail : tail.slice(0, close) };
    }
  }
  return { ip: undefined, request: undefined };
}

function readNginx(s: string, ctx: FileContext): ParsedEvent | undefined {
  const t = NGINX_TIME.exec(s);
  if (!t) return undefined;
  const ts = ctx.clock.toUtc(Number(t[1]), Number(t[2]), Number(t[3]), Number(t[4]), Number(t[5]), Number(t[6]));
  // `1234#1234: *5 ` (pid#tid: connection)
  const head = /^\d+#\d+: (?:\*\d+ )?/.exec(s.slice(t[0].length));
  const message = s.slice(t[0].length + (head ? head[0].length : 0));
  const detail = conditionOf(message.split(', client: ', 1)[0]!);
  if (!detail) return { ts, app: 'nginx', kind: 'http.error' };
  const { ip, request } = nginxContext(message);
  const event: ParsedEvent = { ts, app: 'nginx', kind: 'http.error', protocol: 'http', ip, detail };
  if (request !== undefined) Object.assign(event, splitRequest(request));
  return event;
}

export const webErrorLog: LogFormat = {
  id: 'web-error-log',
  title: 'Apache / nginx error log (handler crashes, scripts that died, URIs too long or invalid)',
  sniff(text: string): boolean {
    return APACHE_TIME.test(text) || NGINX_TIME.test(text);
  },
  createParser(ctx: FileContext): LineParser {
    return {
      line(text, line) {
        if (text.length === 0) {
          ctx.ignore(line);
          return;
        }
        const read = text.charCodeAt(0) === 91 ? readApache(text, ctx) : readNginx(text, ctx);
        if (!read) {
          // Apache continues some messages (CGI stderr) on lines of their own.
          ctx.ignore(line);
          return;
        }
        if (read.detail === undefined) ctx.ignore(line);
        else ctx.emit(read, line);
      },
    };
  },
};
