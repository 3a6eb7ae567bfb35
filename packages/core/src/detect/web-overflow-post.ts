/**
 * web.overflow-post: oversized or malformed requests to webmail CGI endpoints, seen through the
 * request size the server logged (Apache `%I`, nginx `$request_length`), and storms of 413/400.
 *
 * The public mitigation for CVE-2025-42599 was to block multipart/form-data requests whose
 * headers exceed a size threshold; the exploit was one very long request. A login form has no
 * business receiving more than a few kilobytes, so a large request to a login endpoint is high
 * (critical when the handler then failed); elsewhere (attachment uploads are large) it takes the
 * site's own baseline to call a request oversized, and it stays low unless the handler failed.
 */
import type { MailEvent } from '../event.js';
import { isEarlier, type Finding, type Severity } from '../finding.js';
import { defineDetector } from './detector.js';
import { isBadResponse } from './web-overflow-request.js';
import { LengthHistogram, siteOf } from '../aggregate/length-histogram.js';

const options = {
  maxLoginRequest: { default: 65536, description: 'bytes a request to a login endpoint may carry (OWASP CRS total-argument limit is 64,000)' },
  maxRequest: { default: 1048576, description: 'bytes a request to another CGI endpoint may carry before it is checked against the baseline' },
  baselineFactor: { default: 4, description: 'an oversized request must also exceed this many times the site baseline p99' },
  stormCount: { default: 20, description: '413/400 answers to CGI endpoints from one IP in the window that make a storm' },
} as const;

export const webOverflowPost = defineDetector({
  id: 'web.overflow-post',
  title: 'Oversized request body or header to a webmail CGI endpoint',
  severity: 'high',
  description:
    'Requests to webmail CGI endpoints whose logged request size (Apache %I, nginx $request_length) is far beyond what the endpoint takes, above all on the login form, and storms of 413/400 answers from one source.',
  falsePositives: ['Large attachment uploads to non-login endpoints (judged against the site baseline; low unless the handler failed).'],
  options,
  kinds: ['http.request'],
  create(o, ctx) {
    const baseline = new Map<string, LengthHistogram>();
    const big: MailEvent[] = [];
    const storms = ctx.limits.map<string, { count: number; first: MailEvent }>('web.overflow-post sources', (s) => s.count);
    return {
      observe(e) {
        const path = e.path ?? '';
        if (!ctx.isCgiPath(path)) return;
        const site = `${siteOf(e.source.file)} ${ctx.isLoginPath(path) ? 'login' : 'cgi'}`;
        if (e.phase === 'baseline' && e.bytesIn !== undefined) {
          let h = baseline.get(site);
          if (!h) baseline.set(site, (h = new LengthHistogram()));
          h.add(e.bytesIn);
        }
        if (e.phase !== 'window') return;
        if (e.bytesIn !== undefined && e.bytesIn > Math.min(o.maxLoginRequest, o.maxRequest)) big.push(e);
        if ((e.status === 413 || e.status === 400) && e.ip !== undefined) {
          const s = storms.get(e.ip);
          if (!s) storms.set(e.ip, { count: 1, first: e });
          else {
            s.count++;
            if (isEarlier(e.ts, e.source, s.first.ts, s.first.source)) s.first = e;
          }
        }
      },
      finish() {
        const out: Finding[] = [];
        for (const e of big) {
          const login = ctx.isLoginPath(e.path ?? '');
          const p99 = baseline.get(`${siteOf(e.source.file)} ${login ? 'login' : 'cgi'}`)?.quantile(0.99) ?? 0;
          const limit = Math.max(login ? o.maxLoginRequest : o.maxRequest, o.baselineFactor * p99);
          if (e.bytesIn! <= limit) continue;
          const bad = isBadResponse(e.status);
          const severity: Severity = login ? (bad ? 'critical' : 'high') : bad ? 'medium' : 'low';
          out.push({
            time: e.ts,
            rule: 'web.overflow-post',
            severity,
            account: null,
            ip: e.ip ?? null,
            source: e.source,
            message: `${e.method ?? 'request'} of ${e.bytesIn} bytes to ${(e.path ?? '').slice(0, 80)} from ${e.ip ?? 'unknown'} (limit ${limit}); status ${e.status ?? 'none'}`,
            evidence: { bytesIn: e.bytesIn, limit, siteBaselineP99: p99, loginEndpoint: login, status: e.status ?? null, target: (e.path ?? '').slice(0, 200) },
          });
        }
        for (const [ip, s] of storms) {
          if (s.count < o.stormCount) continue;
          out.push({
            time: s.first.ts,
            rule: 'web.overflow-post',
            severity: 'medium',
            account: null,
            ip,
            source: s.first.source,
            message: `${s.count} requests from ${ip} to webmail CGI endpoints answered 413/400`,
            evidence: { rejected: s.count, threshold: o.stormCount },
          });
        }
        return out;
      },
    };
  },
});
