/**
 * web.handler-crash: the webmail's handler crashed (a CGI that died before its headers, an
 * upstream that closed mid-request, a server child killed by a signal) right after an
 * overflow-style request from the same address.
 *
 * A stack overflow that is being exploited crashes the handler until it works: the error log's
 * crash beside the access log's overflow-style request is the strongest sign a request did what
 * it was built for. Crashes are read from `http.error` events (Apache/nginx error logs); requests
 * from the findings of web.overflow-request and web.overflow-post (medium or above), so this rule
 * runs after them.
 *
 * Ties: a crash that names its client ties to that address's flagged requests from `tieSeconds`
 * before it to 2 s after (access logs stamp the request's start, nginx its end). A crash that
 * names no client (a child killed by a signal) ties to the flagged requests within
 * `anonymousTieSeconds`, and is charged to an address only when they all came from one.
 *
 * Severity per address: critical when a tied request was already high or above (its content was
 * built to overflow); high when at least `repeatCrashes` crashes that name the client tie to
 * length-only (medium) requests: one crash after a long request can be a user's bad luck, an
 * address that keeps crashing the handler with oversized requests is probing it (crashes that
 * name no client are tied by time alone and never make that case); medium for one such crash;
 * low for crashes that tie to no flagged request.
 */
import type { MailEvent } from '../event.js';
import { cmp, maxSeverity, severityRank, type Finding, type Severity } from '../finding.js';
import { defineDetector } from './detector.js';

const options = {
  tieSeconds: { default: 30, description: 'a crash naming a client ties to its flagged requests up to this many seconds before it (and 2 s after)' },
  anonymousTieSeconds: { default: 5, description: 'a crash naming no client ties to flagged requests this close to it' },
  repeatCrashes: { default: 2, description: 'crashes tied to length-only (medium) requests from one address that make it high' },
  maxCrashes: { default: 100000, description: 'crash lines kept in the window; more are counted, not tied' },
} as const;

/** Conditions from the error-log parser that mean the handler died (not the server refusing a request). */
const CRASH_CONDITIONS = ['handler crash', 'script died', 'upstream died'];

const OVERFLOW_RULES = new Set(['web.overflow-request', 'web.overflow-post']);
const AFTER_MS = 2000;

interface Crash {
  event: MailEvent;
  /** Flagged requests tied to it. */
  tied: Finding[];
  /** The address it is charged to (its own, or the one address of its tied requests). */
  ip: string | null;
}

function byTimeAndSource(a: { ts: number; source: MailEvent['source'] }, b: { ts: number; source: MailEvent['source'] }): number {
  return a.ts - b.ts || cmp(a.source.file, b.source.file) || a.source.line - b.source.line;
}

export const webHandlerCrash = defineDetector({
  id: 'web.handler-crash',
  title: 'Webmail handler crashed right after an overflow-style request',
  severity: 'high',
  description:
    'An error-log crash (CGI died before its headers, upstream closed mid-request, a server child killed by a signal) tied by address and time to an overflow-style request that web.overflow-request or web.overflow-post flagged. Critical when a tied request was high or above; high when an address crashed the handler repeatedly with length-only requests; medium for one such crash; low for crashes tied to no flagged request.',
  falsePositives: [
    'A webmail bug that a long but legitimate request triggers once (medium; the bug is real, the sender may not be an attacker).',
    'Crashes from overload or deployment (tied to no flagged request: low).',
  ],
  options,
  kinds: ['http.error'],
  create(o) {
    const crashes: MailEvent[] = [];
    let uncounted = 0;
    return {
      observe(e) {
        if (e.phase !== 'window' || !CRASH_CONDITIONS.some((c) => e.detail?.startsWith(c))) return;
        if (crashes.length < o.maxCrashes) crashes.push(e);
        else uncounted++;
      },
      finish(ctx) {
        const flagged = ctx.findings.filter((f) => OVERFLOW_RULES.has(f.rule) && severityRank(f.severity) >= severityRank('medium'));
        const byIp = new Map<string, Finding[]>();
        for (const f of flagged) if (f.ip !== null) (byIp.get(f.ip) ?? byIp.set(f.ip, []).get(f.ip)!).push(f);
        const ordered = [...flagged].sort((a, b) => a.time - b.time);
        const within = (list: readonly Finding[], ts: number, beforeMs: number): Finding[] => list.filter((f) => f.time >= ts - beforeMs && f.time <= ts + AFTER_MS);

        const tiedCrashes: Crash[] = [...crashes].sort(byTimeAndSource).map((event) => {
          if (event.ip !== undefined) return { event, tied: within(byIp.get(event.ip) ?? [], event.ts, o.tieSeconds * 1000), ip: event.ip };
          const tied = within(ordered, event.ts, o.anonymousTieSeconds * 1000);
          const ips = new Set(tied.map((f) => f.ip));
          return { event, tied, ip: ips.size === 1 ? [...ips][0]! : null };
        });

        const groups = new Map<string, Crash[]>();
        for (const c of tiedCrashes) {
          const key = c.ip ?? '';
          (groups.get(key) ?? groups.set(key, []).get(key)!).push(c);
        }
        const out: Finding[] = [];
        for (const [key, group] of [...groups].sort(([a], [b]) => cmp(a, b))) {
          const tied = group.filter((c) => c.tied.length > 0);
          const first = (tied[0] ?? group[0])!.event;
          let strongest: Severity = 'info';
          for (const c of tied) for (const f of c.tied) strongest = maxSeverity(strongest, f.severity);
          // Repeats count only crashes that name the client: one that names none is tied by time
          // alone, which on a busy server can be chance.
          const namedRepeats = tied.filter((c) => c.event.ip !== undefined).length;
          const severity: Severity =
            tied.length === 0 ? 'low' : severityRank(strongest) >= severityRank('high') ? 'critical' : namedRepeats >= o.repeatCrashes ? 'high' : 'medium';
          const conditions = [...new Set(group.map((c) => c.event.detail!))].sort();
          const requests = [...new Map(tied.flatMap((c) => c.tied).map((f) => [`${f.source.file}:${f.source.line}`, f])).values()].sort((a, b) => a.time - b.time).slice(0, 10);
          const ip = key === '' ? null : key;
          out.push({
            time: first.ts,
            rule: 'web.handler-crash',
            severity,
            account: null,
            ip,
            source: first.source,
            message:
              tied.length > 0
                ? `${tied.length} handler crash${tied.length === 1 ? '' : 'es'} (${conditions.join(', ')}) right after overflow-style requests from ${ip ?? 'several addresses'}`
                : `${group.length} handler crash${group.length === 1 ? '' : 'es'} (${conditions.join(', ')})${ip ? ` for requests from ${ip}` : ''}, tied to no flagged request`,
            evidence: {
              crashes: group.length,
              tiedCrashes: tied.length,
              conditions,
              strongestTiedRequest: tied.length > 0 ? strongest : null,
              tiedRequests: requests.map((f) => ({ rule: f.rule, severity: f.severity, time: new Date(f.time).toISOString(), file: f.source.file, line: f.source.line })),
              tieSeconds: o.tieSeconds,
              ...(uncounted > 0 && { crashesNotKept: uncounted }),
            },
          });
        }
        return out;
      },
    };
  },
});
