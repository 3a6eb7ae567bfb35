/**
 * Web server access logs: Apache and nginx `combined`, Apache `combinedio` (`%I %O` appended)
 * and nginx with `$request_length` appended.
 *
 *   %h %l %u [%t] "%r" %>s %b "%{Referer}i" "%{User-Agent}i" [%I %O | $request_length]
 *
 * The request line is attacker-controlled and may be megabytes long, truncated by the line cap,
 * contain escaped quotes, or be `-`. A hand-written scanner reads it in one pass; a request whose
 * closing quote is missing is still an event (marked truncated), never a dropped line.
 */
import type { FileContext, LineParser, LogFormat, ParsedEvent } from './format.js';
import { readApacheTime } from '../time/timestamps.js';
import { normalizeAccount, normalizeIp } from './normalize.js';

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

/** The request line `METHOD TARGET PROTO`; a bare or garbage request keeps its text as path. */
function splitRequest(request: string): { method?: string; path?: string } {
  if (request === '-' || request === '') return {};
  const sp1 = request.indexOf(' ');
  if (sp1 === -1) return { path: request };
  const method = request.slice(0, sp1);
  const sp2 = request.lastIndexOf(' ');
  const path = sp2 > sp1 && request.startsWith('HTTP/', sp2 + 1) ? request.slice(sp1 + 1, sp2) : request.slice(sp1 + 1);
  return /^[A-Z][A-Z_-]{0,19}$/.test(method) ? { method, path } : { path: request };
}

export const accessLog: LogFormat = {
  id: 'access-log',
  title: 'Apache / nginx access log (combined, combinedio, $request_length)',
  sniff(text: string): boolean {
    const sp = text.indexOf(' ');
    if (sp < 2 || normalizeIp(text.slice(0, sp)) === undefined) return false;
    const open = text.indexOf(' [', sp);
    return open !== -1 && open < sp + 200 && readApacheTime(text, open + 2) !== undefined;
  },
  createParser(ctx: FileContext): LineParser {
    return {
      line(s, line) {
        if (s.length === 0) {
          ctx.ignore(line);
          return;
        }
        const host = token(s, 0);
        const ip = normalizeIp(host.value);
        if (!ip) {
          ctx.parseError(line, 'no client address');
          return;
        }
        const ident = token(s, host.end + 1);
        const user = token(s, ident.end + 1);
        const open = user.end + 1;
        if (s.charCodeAt(open) !== 91) {
          ctx.parseError(line, 'no [time] field');
          return;
        }
        const ts = readApacheTime(s, open + 1);
        const close = s.indexOf(']', open);
        if (ts === undefined || close === -1) {
          ctx.parseError(line, 'unreadable [time] field');
          return;
        }
        const account = user.value === '-' ? undefined : normalizeAccount(user.value);
        const event: ParsedEvent = { ts, app: 'httpd', kind: 'http.request', protocol: 'http', ip };
        if (account) event.account = account;
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
        }
        // Trailing numbers: `%I %O` (combinedio) or `$request_length` (nginx).
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
