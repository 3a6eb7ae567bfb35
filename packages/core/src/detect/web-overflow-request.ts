/**
 * web.overflow-request: a webmail request whose target looks built to overflow a buffer.
 *
 * Each request in the window is scored on features of its decoded target (request-features.ts)
 * against absolute limits and the baseline (99th percentile of target length before --since) of
 * its endpoint, or of its site when the endpoint has too few baseline requests; a "site" is the
 * folder its log was found in (`webmail01/`), an endpoint the path without its query, digits
 * folded. Only requests in the window are reported.
 *
 * Score = content (sleds, binary bytes, runs of one character, control bytes, format strings)
 * + length (0-3). With no content signal the score is capped at 1: long text in any script (a
 * Japanese search, a tracking query, base64 state) is worth a look, never an alarm; only when a
 * CGI handler then died (5xx, 0, no status) does a long plain request reach medium.
 * Score → severity: ≥ 6 critical, ≥ 4 high, ≥ 2 medium, 1 low; then one level up when a score of
 * 2 or more hit a CGI endpoint and the handler failed (5xx, 0, 499, 400/414, no status).
 */
import type { MailEvent } from '../event.js';
import type { Finding, Severity } from '../finding.js';
import { defineDetector } from './detector.js';
import { requestFeatures, type RequestFeatures } from './request-features.js';
import { LengthHistogram, siteOf } from '../aggregate/length-histogram.js';

export interface OverflowCandidate {
  event: MailEvent;
  features: RequestFeatures;
}

export function scoreToSeverity(score: number): Severity | undefined {
  if (score >= 6) return 'critical';
  if (score >= 4) return 'high';
  if (score >= 2) return 'medium';
  if (score >= 1) return 'low';
  return undefined;
}

function raise(s: Severity): Severity {
  return s === 'low' ? 'medium' : s === 'medium' ? 'high' : 'critical';
}

/** Responses that mean the handler died, refused or never answered. */
export function isBadResponse(status: number | undefined): boolean {
  return status === undefined || status === 0 || status === 499 || status === 400 || status === 414 || status >= 500;
}

/** Responses that mean the handler died or never answered (a 400/414 is the server refusing properly). */
export function isCrashResponse(status: number | undefined): boolean {
  return status === undefined || status === 0 || status >= 500;
}

/** Distinct endpoints learned per site; past it, the site's own baseline serves. */
const MAX_ENDPOINTS_PER_SITE = 2000;

/** `/am_bin/am_main.cgi/mail_view?id=123` → `/am_bin/am_main.cgi/mail_view`; ids folded so endpoints stay few. */
export function endpointOf(target: string): string {
  const q = target.indexOf('?');
  return (q === -1 ? target : target.slice(0, q)).slice(0, 160).replace(/[0-9]+/g, '0');
}

const options = {
  minLength: { default: 2048, description: 'a target longer than this (and than 2× its endpoint baseline p99) scores 1' },
  longLength: { default: 4096, description: 'longer than this (and than 4× its endpoint baseline p99) scores 2' },
  maxRequestLine: { default: 8190, description: "longer than this scores 3: Apache's LimitRequestLine; nginx's 8k buffer" },
  runLength: { default: 256, description: 'a run of one decoded character this long scores 2 (half of it scores 1)' },
  sledCount: { default: 16, description: 'a run of this many 0x90 bytes outside valid UTF-8 (or %u9090 halves) scores 4 (half of it scores 2)' },
  binaryBytes: { default: 16, description: 'this many decoded bytes that are no valid UTF-8, Shift_JIS or EUC-JP character score 2' },
  formatSpecifiers: { default: 8, description: 'this many format specifiers (%n %x %s %p %d) in the decoded target score 2' },
  minEndpointBaseline: { default: 50, description: 'baseline requests an endpoint needs before its own length p99 is used instead of the site one' },
} as const;

export const webOverflowRequest = defineDetector({
  id: 'web.overflow-request',
  title: 'Overflow-style request to the webmail',
  severity: 'high',
  description:
    'A request whose target, once decoded (%HH, \\xHH, %uXXXX), is far beyond the length its endpoint takes, or carries a NOP sled (0x90 bytes outside valid UTF-8, %u9090), binary bytes that form no UTF-8, Shift_JIS or EUC-JP character, a long run of one character, NUL/control bytes or format-string runs. CVE-2025-42599 was one very long request to Active! mail. Score = content points (sled 4, binary 2, run 2, control 2, format 2; half a sled or run scores half) + length points (3 over maxRequestLine or cut by the line cap, 2 over longLength and 4× the endpoint baseline p99, 1 over minLength and 2× p99). With no content points the score is capped at 1, so long text in any script stays low; 2 (medium) when such a request made a CGI handler answer 5xx, 0 or nothing. Score 6+ critical, 4+ high, 2+ medium, 1 low; one level higher when a CGI endpoint answered 5xx, 0, 499, 400/414 or nothing.',
  falsePositives: [
    'Vulnerability scanners probing with long URLs (report the source, it is still hostile traffic).',
    'Very long legitimate URLs (search in any script, tracking parameters, base64 state) score on length alone and stay low.',
    'A legitimate long request that crashes the webmail handler (5xx) is medium: the bug is there, the sender may not be an attacker.',
  ],
  options,
  kinds: ['http.request'],
  create(o, ctx) {
    /** Baseline target lengths per site, and per site and endpoint (`site endpoint`). */
    const sites = new Map<string, LengthHistogram>();
    const endpoints = new Map<string, LengthHistogram>();
    const endpointCount = new Map<string, number>();
    const candidates: OverflowCandidate[] = [];
    /** Exploit-like requests in the 24 hours before --since: never findings, but the responder must hear of them. */
    const justBefore = new Map<string, number>();
    const DAY_MS = 86_400_000;
    const shortestSignal = Math.min(o.runLength / 2, o.minLength);
    /** Cheap pre-filter: most requests are short and plain, shorter than the shortest scoring run. */
    const worthScoring = (e: MailEvent, target: string): boolean => e.truncated === true || target.length >= shortestSignal || /[%\\\x00-\x1f]/.test(target);
    const learn = (map: Map<string, LengthHistogram>, key: string, length: number): void => {
      let h = map.get(key);
      if (!h) map.set(key, (h = new LengthHistogram()));
      h.add(length);
    };
    /** Score from content alone: sleds, binary, runs, control bytes, format strings. */
    const contentScore = (f: RequestFeatures): number => {
      let s = 0;
      // A run of 0x90 outside any valid character: no text, in any encoding, looks like that.
      if (f.sledRun >= o.sledCount) s += 4;
      else if (f.sledRun >= o.sledCount / 2) s += 2;
      if (f.binaryBytes >= o.binaryBytes) s += 2;
      if (f.longestRun >= o.runLength) s += 2;
      else if (f.longestRun >= o.runLength / 2) s += 1;
      if (f.controlBytes > 0) s += 2;
      if (f.formatSpecifiers >= o.formatSpecifiers) s += 2;
      return s;
    };
    /** Score from length, against absolute limits and the endpoint's (or site's) baseline p99. */
    const lengthScore = (f: RequestFeatures, truncated: boolean, p99: number): number => {
      if (truncated || f.length > o.maxRequestLine) return 3;
      if (f.length > o.longLength && f.length > 4 * p99) return 2;
      if (f.length > o.minLength && f.length > 2 * p99) return 1;
      return 0;
    };
    const baselineP99 = (e: MailEvent): { p99: number; scope: 'endpoint' | 'site' } => {
      const site = siteOf(e.source.file);
      const ep = endpoints.get(`${site} ${endpointOf(e.path ?? '')}`);
      if (ep && ep.total >= o.minEndpointBaseline) return { p99: ep.quantile(0.99), scope: 'endpoint' };
      return { p99: sites.get(site)?.quantile(0.99) ?? 0, scope: 'site' };
    };
    return {
      observe(e) {
        const target = e.path ?? '';
        if (e.phase === 'baseline') {
          const site = siteOf(e.source.file);
          const length = e.truncated ? e.length : target.length;
          learn(sites, site, length);
          const key = `${site} ${endpointOf(target)}`;
          if (endpoints.has(key)) learn(endpoints, key, length);
          else {
            const known = endpointCount.get(site) ?? 0;
            if (known < MAX_ENDPOINTS_PER_SITE) {
              endpointCount.set(site, known + 1);
              learn(endpoints, key, length);
            }
          }
        }
        if (e.phase === 'baseline' && e.ts >= ctx.window.since - DAY_MS && e.ip !== undefined && worthScoring(e, target)) {
          if (contentScore(requestFeatures(target)) >= 4) justBefore.set(e.ip, (justBefore.get(e.ip) ?? 0) + 1);
        }
        if (e.phase !== 'window') return;
        if (!worthScoring(e, target)) return;
        const features = requestFeatures(target);
        if (e.truncated) features.length = Math.max(features.length, e.length);
        if (e.truncated || features.length > o.minLength || contentScore(features) > 0) candidates.push({ event: e, features });
      },
      finish(fin) {
        if (justBefore.size > 0) {
          const total = [...justBefore.values()].reduce((a, b) => a + b, 0);
          const sources = [...justBefore.keys()].sort();
          fin.warn(
            `${total} exploit-like request(s) (sled, binary or long runs) from ${sources.slice(0, 5).join(', ')}${sources.length > 5 ? ` and ${sources.length - 5} more` : ''} in the 24 hours before --since; they are baseline and not reported: scan again with an earlier --since to judge them`,
          );
        }
        const out: Finding[] = [];
        for (const { event: e, features: f } of candidates) {
          const { p99, scope } = baselineP99(e);
          const content = contentScore(f);
          const length = lengthScore(f, e.truncated === true, p99);
          const cgi = ctx.isCgiPath(e.path ?? '');
          const bad = isBadResponse(e.status);
          // Length alone (a long search or tracking URL) is worth a look, never an alarm; a CGI
          // handler that died on it makes it worth a closer one.
          const score = content > 0 ? content + length : Math.min(length, length >= 2 && cgi && isCrashResponse(e.status) ? 2 : 1);
          let severity = scoreToSeverity(score);
          if (!severity) continue;
          // The handler died, refused or never answered: what an overflow does to it.
          if (content > 0 && score >= 2 && cgi && bad) severity = raise(severity);
          const reasons = [
            f.length > o.minLength || e.truncated ? `length ${f.length}` : '',
            f.sledRun >= o.sledCount / 2 ? `NOP sled of ${f.sledRun} bytes` : '',
            f.binaryBytes >= o.binaryBytes ? `${f.binaryBytes} binary bytes` : '',
            f.longestRun >= o.runLength / 2 ? `run of ${f.longestRun} × ${JSON.stringify(f.runChar)}` : '',
            f.controlBytes > 0 ? `${f.controlBytes} control bytes` : '',
            f.formatSpecifiers >= o.formatSpecifiers ? `${f.formatSpecifiers} format specifiers` : '',
            content === 0 ? 'no binary or repeated content' : '',
          ].filter(Boolean);
          out.push({
            time: e.ts,
            rule: 'web.overflow-request',
            severity,
            account: null,
            ip: e.ip ?? null,
            source: e.source,
            message: `${e.method ?? 'request'} ${(e.path ?? '').slice(0, 60)}… from ${e.ip ?? 'unknown'}: ${reasons.join(', ')}; status ${e.status ?? 'none'}`,
            evidence: {
              score,
              contentScore: content,
              lengthScore: length,
              method: e.method ?? null,
              target: (e.path ?? '').slice(0, 200),
              targetLength: f.length,
              decodedBytes: f.decodedBytes,
              lineLength: e.length,
              truncated: e.truncated === true,
              status: e.status ?? null,
              cgiEndpoint: cgi,
              sledRun: f.sledRun,
              binaryBytes: f.binaryBytes,
              longestRun: f.longestRun,
              controlBytes: f.controlBytes,
              formatSpecifiers: f.formatSpecifiers,
              escapes: f.escapes,
              unicodeEscapes: f.unicodeEscapes,
              hexEscapes: f.hexEscapes,
              baselineP99: p99,
              baselineScope: scope,
            },
          });
        }
        return out;
      },
    };
  },
});
