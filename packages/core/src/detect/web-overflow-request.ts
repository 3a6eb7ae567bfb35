/**
 * web.overflow-request: a webmail request whose request line looks built to overflow a buffer.
 *
 * Each request in the window is scored on features of its target (request-features.ts) against absolute limits
 * and the site's own baseline (99th percentile of request length before --since; a "site" is
 * the folder its log was found in, e.g. `webmail01/`), and raised when it hits a CGI endpoint and
 * the server answered 5xx, 0, 499, 400/414 or nothing. Only requests in the window are reported.
 *
 * Score = content (runs, sleds, escapes, control bytes, format strings) + length (0-3); with no
 * content signal the score is capped at 1, so a long search URL or tracking query stays low.
 * Score → severity: ≥ 6 critical, ≥ 4 high, ≥ 2 medium, 1 low; then one level up when a score of
 * 2 or more hit a CGI endpoint and the handler failed (5xx, 0, 499, 400/414, no status).
 */
import type { MailEvent } from '../event.js';
import type { Finding, Severity } from './finding.js';
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

const options = {
  minLength: { default: 2048, description: 'a target longer than this (and than 2× the site baseline p99) scores 1' },
  longLength: { default: 4096, description: 'longer than this (and than 4× the site baseline p99) scores 2' },
  maxRequestLine: { default: 8190, description: "longer than this scores 3: Apache's LimitRequestLine; nginx's 8k buffer" },
  runLength: { default: 256, description: 'a run of one character this long scores 2 (128 and up scores 1)' },
  sledCount: { default: 16, description: 'this many NOP-sled escapes (%90, \\x90, %u9090) score 4 (4 and up score 2)' },
  unicodeEscapes: { default: 16, description: 'this many %uXXXX escapes score 2' },
  formatSpecifiers: { default: 8, description: 'this many format specifiers (%n %x %s %p %d) score 2' },
  hexEscapes: { default: 16, description: 'this many \\xHH escapes (binary in the request) score 1' },
} as const;

export const webOverflowRequest = defineDetector({
  id: 'web.overflow-request',
  title: 'Overflow-style request to the webmail',
  severity: 'high',
  description:
    'A request whose path or query is far beyond normal length, or carries long runs of one byte, NOP-sled escapes (%90, \\x90, %u9090), %u escapes, NUL/control bytes, format-string runs or binary. CVE-2025-42599 was one very long request to Active! mail. Score = content points (sled 4, run 2, %u 2, control 2, format 2, \\x 1) + length points (3 over maxRequestLine or cut by the line cap, 2 over longLength and 4× the site baseline p99, 1 over minLength and 2× p99); with no content points the score is capped at 1, so long search or tracking URLs stay low. Score 6+ critical, 4+ high, 2+ medium, 1 low; one level higher when a CGI endpoint answered 5xx, 0, 499, 400/414 or nothing.',
  falsePositives: [
    'Vulnerability scanners probing with long URLs (report the source, it is still hostile traffic).',
    'Very long legitimate URLs (search, tracking parameters, base64 state) score on length alone and stay low.',
  ],
  options,
  kinds: ['http.request'],
  create(o, ctx) {
    const baseline = new Map<string, LengthHistogram>();
    const candidates: OverflowCandidate[] = [];
    const shortestSignal = Math.min(o.runLength / 2, o.minLength);
    /** Score from content alone: runs, sleds, escapes, control bytes, format strings. */
    const contentScore = (f: RequestFeatures): number => {
      let s = 0;
      if (f.longestRun >= o.runLength) s += 2;
      else if (f.longestRun >= o.runLength / 2) s += 1;
      // A NOP sled has no benign explanation.
      if (f.nopSled >= o.sledCount) s += 4;
      else if (f.nopSled >= 4) s += 2;
      if (f.unicodeEscapes >= o.unicodeEscapes) s += 2;
      if (f.controlBytes > 0) s += 2;
      if (f.formatSpecifiers >= o.formatSpecifiers) s += 2;
      if (f.hexEscapes >= o.hexEscapes) s += 1;
      return s;
    };
    /** Score from length, against absolute limits and the site's baseline p99. */
    const lengthScore = (f: RequestFeatures, truncated: boolean, p99: number): number => {
      if (truncated || f.length > o.maxRequestLine) return 3;
      if (f.length > o.longLength && f.length > 4 * p99) return 2;
      if (f.length > o.minLength && f.length > 2 * p99) return 1;
      return 0;
    };
    return {
      observe(e) {
        const target = e.path ?? '';
        const site = siteOf(e.source.file);
        if (e.phase === 'baseline') {
          let h = baseline.get(site);
          if (!h) baseline.set(site, (h = new LengthHistogram()));
          h.add(e.truncated ? e.length : target.length);
        }
        if (e.phase !== 'window') return;
        // Cheap pre-filter: most requests are short and plain, shorter than the shortest scoring run.
        if (target.length < shortestSignal && !e.truncated && !/[%\\\x00-\x1f]/.test(target)) return;
        const features = requestFeatures(target);
        if (e.truncated) features.length = Math.max(features.length, e.length);
        if (e.truncated || features.length > o.minLength || contentScore(features) > 0) candidates.push({ event: e, features });
      },
      finish() {
        const out: Finding[] = [];
        for (const { event: e, features: f } of candidates) {
          const p99 = baseline.get(siteOf(e.source.file))?.quantile(0.99) ?? 0;
          const content = contentScore(f);
          const length = lengthScore(f, e.truncated === true, p99);
          // Length alone (a long search or tracking URL) is worth a look, never an alarm.
          const score = content === 0 ? Math.min(length, 1) : content + length;
          const cgi = ctx.isCgiPath(e.path ?? '');
          const bad = isBadResponse(e.status);
          let severity = scoreToSeverity(score);
          if (!severity) continue;
          // The handler died, refused or never answered: what an overflow does to it.
          if (score >= 2 && cgi && bad) severity = raise(severity);
          const reasons = [
            f.length > o.minLength || e.truncated ? `length ${f.length}` : '',
            f.longestRun >= o.runLength / 2 ? `run of ${f.longestRun} × ${JSON.stringify(f.runChar)}` : '',
            f.nopSled >= 4 ? `${f.nopSled} NOP-sled escapes` : '',
            f.unicodeEscapes >= o.unicodeEscapes ? `${f.unicodeEscapes} %u escapes` : '',
            f.controlBytes > 0 ? `${f.controlBytes} control bytes` : '',
            f.formatSpecifiers >= o.formatSpecifiers ? `${f.formatSpecifiers} format specifiers` : '',
            f.hexEscapes >= o.hexEscapes ? `${f.hexEscapes} \\x escapes` : '',
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
              method: e.method ?? null,
              target: (e.path ?? '').slice(0, 200),
              targetLength: f.length,
              lineLength: e.length,
              truncated: e.truncated === true,
              status: e.status ?? null,
              cgiEndpoint: cgi,
              longestRun: f.longestRun,
              nopSled: f.nopSled,
              unicodeEscapes: f.unicodeEscapes,
              controlBytes: f.controlBytes,
              formatSpecifiers: f.formatSpecifiers,
              hexEscapes: f.hexEscapes,
              siteBaselineP99: p99,
            },
          });
        }
        return out;
      },
    };
  },
});
