/**
 * Access logs written as one JSON object per line: nginx `log_format ... escape=json`, Caddy,
 * Traefik, and Apache or load balancers set up the same way. Field names differ by server and by
 * site, so each field is taken from the first of the usual names that is present:
 *
 *   nginx   {"time_iso8601":"2024-08-03T04:12:09+09:00","remote_addr":"203.0.113.7","request_method":"POST","request_uri":"/am_bin/amlogin/login_auth","status":302,"body_bytes_sent":512,"request_length":1830,"http_user_agent":"Mozilla/5.0","http_x_forwarded_for":"-"}
 *   Caddy   {"ts":1722625929.5,"logger":"http.log.access","request":{"remote_ip":"203.0.113.7","method":"GET","uri":"/owa/","headers":{"User-Agent":["Mozilla/5.0"]}},"status":200,"size":5120}
 *   Traefik {"StartUTC":"2024-08-02T19:12:09Z","ClientHost":"203.0.113.7","RequestMethod":"GET","RequestPath":"/","DownstreamStatus":200,"DownstreamContentSize":5120}
 *
 * Values are JSON, so the client's text cannot reach another field. A forwarded-for value is used
 * as for text access logs: only behind an internal proxy, its rightmost non-internal address.
 */
import type { FileContext, LineParser, LogFormat, ParsedEvent } from './format.js';
import { normalizeAccount, normalizeIp } from './normalize.js';
import { clientBehindProxy } from './internal-address.js';
import { readApacheTime } from '../time/timestamps.js';
import { splitRequest } from './request-line.js';

type Json = Record<string, unknown>;

/** Paths to try for each field, first match wins; `a.b` reads a nested object. */
const FIELDS = {
  time: ['time_iso8601', 'time', 'timestamp', '@timestamp', 'StartUTC', 'time_local', 'ts', 'msec'],
  ip: ['remote_addr', 'remote_ip', 'client_ip', 'clientip', 'ClientHost', 'ClientAddr', 'request.remote_ip', 'request.client_ip', 'client'],
  method: ['request_method', 'method', 'RequestMethod', 'request.method', 'verb'],
  uri: ['request_uri', 'uri', 'RequestPath', 'request.uri', 'path', 'url'],
  request: ['request'],
  status: ['status', 'DownstreamStatus', 'response', 'status_code'],
  bytesOut: ['body_bytes_sent', 'bytes_sent', 'size', 'DownstreamContentSize', 'bytes'],
  bytesIn: ['request_length', 'bytes_received', 'RequestContentSize'],
  agent: ['http_user_agent', 'user_agent', 'agent', 'request_User-Agent', 'request.headers.User-Agent'],
  referer: ['http_referer', 'referer', 'referrer', 'request_Referer', 'request.headers.Referer'],
  user: ['remote_user', 'user', 'user_id', 'ClientUsername'],
  forwarded: ['http_x_forwarded_for', 'x_forwarded_for', 'request_X-Forwarded-For', 'request.headers.X-Forwarded-For'],
  host: ['host', 'server_name', 'RequestHost', 'request.host'],
} as const;

function pick(o: Json, paths: readonly string[]): unknown {
  for (const p of paths) {
    let v: unknown = o;
    for (const key of p.split('.')) v = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json)[key] : undefined;
    // Caddy writes headers as arrays of values.
    if (Array.isArray(v)) v = v[0];
    if (v !== undefined && v !== null && v !== '' && v !== '-') return v;
  }
  return undefined;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const count = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
};

/** ISO 8601 with a zone, epoch seconds or milliseconds, or Apache's `03/Aug/2024:04:12:09 +0900`. */
function timeOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v > 1e12 ? v : v * 1000;
  if (typeof v !== 'string') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(v)) return timeOf(Number(v));
  const apache = readApacheTime(v);
  if (apache !== undefined) return apache;
  // A zone is required: a JSON log that writes none is ambiguous, and refused.
  if (!/(?:Z|[+-]\d{2}:?\d{2})$/.test(v)) return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

function parseObject(line: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

export const jsonAccessLog: LogFormat = {
  id: 'json-access-log',
  title: 'JSON access log (nginx escape=json, Caddy, Traefik)',
  sniff(line: string): boolean {
    if (line.charCodeAt(0) !== 123) return false;
    const o = parseObject(line);
    return o !== undefined && pick(o, FIELDS.ip) !== undefined && (pick(o, FIELDS.uri) !== undefined || pick(o, FIELDS.request) !== undefined) && pick(o, FIELDS.status) !== undefined;
  },
  createParser(ctx: FileContext): LineParser {
    return {
      line(line, at) {
        if (line.length === 0) {
          ctx.ignore(at);
          return;
        }
        const o = parseObject(line);
        if (!o) {
          ctx.parseError(at, 'not a JSON object');
          return;
        }
        const ts = timeOf(pick(o, FIELDS.time));
        if (ts === undefined) {
          ctx.parseError(at, 'no time with a zone');
          return;
        }
        const event: ParsedEvent = { ts, app: 'httpd', kind: 'http.request', protocol: 'http' };
        const client = clientBehindProxy(normalizeIp(text(pick(o, FIELDS.ip))), text(pick(o, FIELDS.forwarded)));
        if (client.chain) event.forwardedFor = client.chain;
        if (client.ip !== undefined) event.ip = client.ip;
        let method = text(pick(o, FIELDS.method));
        let path = text(pick(o, FIELDS.uri));
        const request = text(pick(o, FIELDS.request));
        if (path === undefined && request !== undefined) {
          // nginx `$request`: `POST /path HTTP/1.1`
          const split = splitRequest(request);
          method ??= split.method;
          path = split.path;
        }
        if (method !== undefined) event.method = method;
        if (path !== undefined) event.path = path;
        const status = count(pick(o, FIELDS.status));
        if (status !== undefined) event.status = status;
        const bytesOut = count(pick(o, FIELDS.bytesOut));
        if (bytesOut !== undefined) event.bytesOut = bytesOut;
        const bytesIn = count(pick(o, FIELDS.bytesIn));
        if (bytesIn !== undefined) event.bytesIn = bytesIn;
        const agent = text(pick(o, FIELDS.agent));
        if (agent !== undefined) event.userAgent = agent;
        const referer = text(pick(o, FIELDS.referer));
        if (referer !== undefined) event.referer = referer;
        const account = normalizeAccount(text(pick(o, FIELDS.user)));
        if (account) event.account = account;
        const host = text(pick(o, FIELDS.host));
        if (host !== undefined) event.host = host;
        ctx.emit(event, at);
      },
    };
  },
};
