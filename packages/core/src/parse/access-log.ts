/**
 * Web server access logs: Apache and nginx `combined`, Apache `combinedio` (`%I %O` appended),
 * nginx with `$request_length` (and `$request_time`) appended, and the common variants:
 *
 *   [%v[:%p]] %h [%l] %u [%t] "%r" %>s %b "%{Referer}i" "%{User-Agent}i" ["$http_x_forwarded_for"] [%I %O | $request_length [$request_time]]
 *
 * - a virtual host first (`vhost_combined`): it becomes the event's `host`;
 * - `%h` as an X-Forwarded-For list (`203.0.113.9, 10.0.0.1`), when a proxy's log format put the
 *   header there, or nginx's `main` format with the header quoted after the user agent;
 * - a host name instead of an address (`HostnameLookups On`): no `ip`, the name in `detail`;
 * - no ident field.
 *
 * Which address of a forwarded chain is the client: the entries are written left to right, the
 * client's own first and each proxy appending the address it saw, so only the right end is
 * written by our proxies; a client can put anything on the left. The address is the rightmost
 * one that is not internal (private, loopback, link-local, CGNAT, ULA), and the chain is kept in
 * `forwardedFor`. A quoted header after the user agent is used only when the connecting address
 * is internal (the request came through a proxy); from a public address it is the client's text.
 *
 * The request line is attacker-controlled and may be megabytes long, truncated by the line cap,
 * contain escaped quotes, or be `-`. A hand-written scanner reads it in one pass; a request whose
 * closing quote is missing is still an event (marked truncated), never a dropped line.
 */
import type { FileContext, LineParser, LogFormat, ParsedEvent } from './format.js';
import { readApacheTime } from '../time/timestamps.js';
import { normalizeAccount, normalizeIp } from './normalize.js';
import { chainClient, isInternalAddress } from './internal-address.js';
import { splitRequest } from './request-line.js';

/** Reads a `"..."` field at `at` (which must be a quote); Apache escapes `"` as `\"`. */
function readQuoted(s: string, at: number): { value: string; end: number; closed: boolean } {
  let i = at + 1;
  let hasEscape = false;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 92) {
      hasEscape = true;
      i += 2;
      continue;
    }
    if (c === 34) {
      const raw = s.slice(at + 1, i);
      return { value: hasEscape ? raw.replace(/\\"/g, '"') : raw, end: i + 1, closed: true };
    }
    i++;
  }
  return { value: s.slice(at + 1), end: s.length, closed: false };
}

function token(s: string, at: number): { value: string; end: number } {
  let end = s.indexOf(' ', at);
  if (end === -1) end = s.length;
  return { value: s.slice(at, end), end };
}

function numberOrZero(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (v === '-') return 0;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** A file name (with a letter in it), `:`, then an IPv4 address. */
const GREP_PREFIXED_IPV4 = /^[\w./-]*[A-Za-z_][\w./-]*:(\d{1,3}(?:\.\d{1,3}){3})$/;

/** Where the client part of a line ends: the ` [` of the time field, looked for near the start. */
const HEAD_LIMIT = 600;

interface Client {
  ip: string | undefined;
  /** The forwarded chain, when the client field was a list. */
  chain: string[] | undefined;
  /** A host name logged instead of an address. */
  name: string | undefined;
  vhost: string | undefined;
  user: string | undefined;
}

/** `203.0.113.9, 10.0.0.1` → normalized addresses; undefined when any entry is not an address. */
function addressList(text: string): string[] | undefined {
  const parts = text.split(',');
  const out: string[] = [];
  for (const part of parts) {
    const ip = normalizeIp(part.trim());
    if (ip === undefined) return undefined;
    out.push(ip);
  }
  return out;
}

/**
 * The fields before `[time]`: `[vhost] client [ident] user`. A forwarded list is one field (its
 * `, ` separators joined first).
 */
function readClient(head: string): Client | undefined {
  const tokens = (head.includes(',') ? head.replace(/, +/g, ',') : head).split(' ').filter((t) => t !== '');
  // `grep` over several files writes the file name first: `access_log.1:203.0.113.7 - - [...]`.
  if (tokens.length === 0) return undefined;
  const grepped = GREP_PREFIXED_IPV4.exec(tokens[0]!);
  if (grepped) tokens[0] = grepped[1]!;
  const isAddressField = (t: string | undefined) => t !== undefined && (normalizeIp(t) !== undefined || (t.includes(',') && addressList(t) !== undefined));
  // A first field that is no address, followed by one that is (or by three more fields), is a virtual host.
  const at = !isAddressField(tokens[0]) && (tokens.length >= 4 || isAddressField(tokens[1])) ? 1 : 0;
  const field = tokens[at]!;
  const user = tokens.length - at >= 2 ? tokens[tokens.length - 1] : undefined;
  const vhost = at === 1 ? tokens[0]!.replace(/:\d+$/, '') : undefined;
  const single = normalizeIp(field);
  if (single !== undefined) return { ip: single, chain: undefined, name: undefined, vhost, user };
  const chain = field.includes(',') ? addressList(field) : undefined;
  if (chain) return { ip: chainClient(chain), chain, name: undefined, vhost, user };
  // A host name (HostnameLookups) or `-` (a header that was absent).
  const name = field === '-' ? undefined : field;
  return { ip: undefined, chain: undefined, name, vhost, user };
}

/** Where the time field opens: the first ` [` near the start. */
function timeOpen(s: string): number {
  const open = s.indexOf(' [');
  return open === -1 || open > HEAD_LIMIT ? -1 : open + 1;
}

export const accessLog: LogFormat = {
  id: 'access-log',
  title: 'Apache / nginx access log (combined, combinedio, vhost_combined, X-Forwarded-For, $request_length)',
  sniff(text: string): boolean {
    const open = timeOpen(text);
    if (open === -1 || readApacheTime(text, open + 1) === undefined) return false;
    const close = text.indexOf(']', open);
    if (close === -1 || text.charCodeAt(close + 1) !== 32 || text.charCodeAt(close + 2) !== 34) return false;
    const client = readClient(text.slice(0, open - 1));
    return client !== undefined && (client.ip !== undefined || client.name !== undefined);
  },
  createParser(ctx: FileContext): LineParser {
    return {
      line(s, line) {
        if (s.length === 0) {
          ctx.ignore(line);
          return;
        }
        const open = timeOpen(s);
        if (open === -1) {
          ctx.parseError(line, 'no [time] field');
          return;
        }
        // A `-` client (a forwarded-for header that was absent) still makes a request event, without `ip`.
        const client = readClient(s.slice(0, open - 1));
        if (!client) {
          ctx.parseError(line, 'no client address');
          return;
        }
        const ts = readApacheTime(s, open + 1);
        const close = s.indexOf(']', open);
        if (ts === undefined || close === -1) {
          ctx.parseError(line, 'unreadable [time] field');
          return;
        }
        const account = client.user === undefined || client.user === '-' ? undefined : normalizeAccount(client.user);
        const event: ParsedEvent = { ts, app: 'httpd', kind: 'http.request', protocol: 'http' };
        if (client.vhost) event.host = client.vhost;
        if (account) event.account = account;
        if (client.ip) event.ip = client.ip;
        if (client.chain) event.forwardedFor = client.chain;
        if (client.name) event.detail = `client host ${client.name}`;
        let i = close + 2;
        if (s.charCodeAt(i) !== 34) {
          ctx.parseError(line, 'no "request" field');
          return;
        }
        const req = readQuoted(s, i);
        Object.assign(event, splitRequest(req.value));
        if (!req.closed) {
          // Cut inside the request line (line cap): everything after it is lost with the cut.
          ctx.emit(event, line);
          return;
        }
        i = req.end + 1;
        const status = token(s, i);
        const statusNum = numberOrZero(status.value);
        if (statusNum !== undefined) event.status = statusNum;
        const bytes = token(s, status.end + 1);
        const bytesOut = numberOrZero(bytes.value);
        if (bytesOut !== undefined) event.bytesOut = bytesOut;
        i = bytes.end + 1;
        if (s.charCodeAt(i) === 34) {
          const ref = readQuoted(s, i);
          if (ref.value !== '-') event.referer = ref.value;
          i = ref.end + 1;
          if (s.charCodeAt(i) === 34) {
            const ua = readQuoted(s, i);
            if (ua.value !== '-') event.userAgent = ua.value;
            i = ua.end + 1;
          }
          // nginx `main`: `"$http_x_forwarded_for"` after the user agent.
          if (s.charCodeAt(i) === 34) {
            const xff = readQuoted(s, i);
            i = xff.end + 1;
            const chain = xff.value === '-' ? undefined : addressList(xff.value);
            if (chain && !client.chain) {
              event.forwardedFor = chain;
              if (event.ip !== undefined && isInternalAddress(event.ip)) event.ip = chainClient(chain);
            }
          }
        }
        // Trailing numbers: `%I %O` (combinedio), `$request_length` or `$request_length $request_time` (nginx).
        const extra = i < s.length ? s.slice(i).trim().split(' ') : [];
        if (extra.length >= 2) {
          const inBytes = numberOrZero(extra[0]);
          const outBytes = numberOrZero(extra[1]);
          if (inBytes !== undefined) event.bytesIn = inBytes;
          if (outBytes !== undefined) event.bytesOut = outBytes;
        } else if (extra.length === 1 && extra[0]) {
          const inBytes = numberOrZero(extra[0]);
          if (inBytes !== undefined) event.bytesIn = inBytes;
        }
        ctx.emit(event, line);
      },
    };
  },
};
