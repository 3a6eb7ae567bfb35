/**
 * W3C extended log files: IIS, and so Outlook Web App / Exchange, the webmail of many hosted
 * mail services. The columns are declared by a `#Fields:` directive and may change inside a
 * file (a new directive after a restart); values are space-separated, `-` is empty, and IIS writes
 * `+` for a space in the user agent. Times are UTC.
 *
 *   #Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken
 *   2024-08-02 19:12:09 192.0.2.10 POST /owa/auth.owa - 443 - 203.0.113.7 Mozilla/5.0+(Windows+NT+10.0) - 302 0 0 512 1830 31
 *
 * A line is read only after a `#Fields:` directive; before one, it is a parse error (the columns
 * are unknown). The client is `c-ip`, or the first address of an `X-Forwarded-For` column when
 * `c-ip` is an internal proxy's (the same rule as access logs: the rightmost non-internal one).
 */
import type { FileContext, LineParser, LogFormat, ParsedEvent } from './format.js';
import { normalizeAccount, normalizeIp } from './normalize.js';
import { clientBehindProxy } from './internal-address.js';

const W3C_LINE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? \S/;
const W3C_REQUEST = / (?:GET|POST|HEAD|PUT|DELETE|OPTIONS|PATCH|PROPFIND|RPC_IN_DATA|RPC_OUT_DATA) \/\S* /;

interface Columns {
  date: number;
  time: number;
  method: number;
  stem: number;
  query: number;
  user: number;
  client: number;
  agent: number;
  referer: number;
  status: number;
  bytesOut: number;
  bytesIn: number;
  forwarded: number;
  host: number;
}

function columnsOf(directive: string): Columns {
  const names = directive.slice('#Fields:'.length).trim().split(/\s+/).map((n) => n.toLowerCase());
  const at = (...candidates: string[]): number => {
    for (const c of candidates) {
      const i = names.indexOf(c);
      if (i !== -1) return i;
    }
    return -1;
  };
  return {
    date: at('date'),
    time: at('time'),
    method: at('cs-method'),
    stem: at('cs-uri-stem'),
    query: at('cs-uri-query'),
    user: at('cs-username'),
    client: at('c-ip'),
    agent: at('cs(user-agent)'),
    referer: at('cs(referer)'),
    status: at('sc-status'),
    bytesOut: at('sc-bytes'),
    bytesIn: at('cs-bytes'),
    forwarded: at('x-forwarded-for', 'cs(x-forwarded-for)'),
    host: at('s-computername', 's-sitename'),
  };
}

const value = (fields: readonly string[], i: number): string | undefined => {
  if (i < 0) return undefined;
  const v = fields[i];
  return v === undefined || v === '-' ? undefined : v;
};

export const w3cLog: LogFormat = {
  id: 'w3c',
  title: 'W3C extended log (IIS, Outlook Web App / Exchange)',
  sniff(text: string): boolean {
    if (text.charCodeAt(0) === 35) return /^#(?:Fields|Software|Version|Date):/.test(text);
    // A data line: date, time, then space-separated fields with a method and a path among them.
    return W3C_LINE.test(text) && !text.includes('"') && W3C_REQUEST.test(text);
  },
  createParser(ctx: FileContext): LineParser {
    let columns: Columns | undefined;
    return {
      line(text, line) {
        if (text.length === 0) {
          ctx.ignore(line);
          return;
        }
        if (text.charCodeAt(0) === 35) {
          if (text.startsWith('#Fields:')) columns = columnsOf(text);
          ctx.ignore(line);
          return;
        }
        if (!columns) {
          ctx.parseError(line, 'W3C line before any #Fields: directive');
          return;
        }
        if (!W3C_LINE.test(text)) {
          ctx.parseError(line, 'not a W3C log line');
          return;
        }
        const fields = text.split(' ');
        const ts = Date.parse(`${fields[columns.date]}T${fields[columns.time]}Z`);
        if (!Number.isFinite(ts)) {
          ctx.parseError(line, 'unreadable date and time');
          return;
        }
        const event: ParsedEvent = { ts, app: 'iis', kind: 'http.request', protocol: 'http' };
        const client = clientBehindProxy(normalizeIp(value(fields, columns.client)), value(fields, columns.forwarded));
        if (client.chain) event.forwardedFor = client.chain;
        if (client.ip !== undefined) event.ip = client.ip;
        const host = value(fields, columns.host);
        if (host !== undefined) event.host = host;
        const method = value(fields, columns.method);
        if (method !== undefined) event.method = method;
        const stem = value(fields, columns.stem);
        const query = value(fields, columns.query);
        if (stem !== undefined) event.path = query !== undefined ? `${stem}?${query}` : stem;
        const account = normalizeAccount(value(fields, columns.user));
        if (account) event.account = account;
        const agent = value(fields, columns.agent);
        if (agent !== undefined) event.userAgent = agent.replace(/\+/g, ' ');
        const referer = value(fields, columns.referer);
        if (referer !== undefined) event.referer = referer;
        const number = (i: number): number | undefined => {
          const v = value(fields, i);
          const n = v === undefined ? Number.NaN : Number(v);
          return Number.isInteger(n) && n >= 0 ? n : undefined;
        };
        const status = number(columns.status);
        if (status !== undefined) event.status = status;
        const bytesOut = number(columns.bytesOut);
        if (bytesOut !== undefined) event.bytesOut = bytesOut;
        const bytesIn = number(columns.bytesIn);
        if (bytesIn !== undefined) event.bytesIn = bytesIn;
        ctx.emit(event, line);
      },
    };
  },
};
