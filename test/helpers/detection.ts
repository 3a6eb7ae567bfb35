/** Builds events and runs detection over them, as a scan would, for detector tests. */
import {
  AccountActivity,
  DEFAULT_SINCE,
  DetectionEngine,
  reachVerdicts,
  createDetectionContext,
  parseInstant,
  type DetectionContextOptions,
  type Finding,
  type MailEvent,
  type GeoLookup,
} from '@mxray/core/internal';

export const SINCE = parseInstant(DEFAULT_SINCE, 'since');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

let line = 0;

/** An event `offsetMs` after the cutoff (negative: baseline). */
export function ev(offsetMs: number, fields: Partial<MailEvent> & Pick<MailEvent, 'kind'>): MailEvent {
  const ts = SINCE + offsetMs;
  return {
    ts,
    phase: ts < SINCE ? 'baseline' : 'window',
    source: { file: fields.source?.file ?? 'mx01/maillog', line: ++line },
    app: 'dovecot',
    length: 100,
    ...fields,
  } as MailEvent;
}

export const login = (offset: number, account: string, ip: string, extra: Partial<MailEvent> = {}): MailEvent =>
  ev(offset, { kind: 'auth.success', protocol: 'imap', account, ip, ...extra });
export const failure = (offset: number, account: string | undefined, ip: string, extra: Partial<MailEvent> = {}): MailEvent =>
  ev(offset, { kind: 'auth.failure', protocol: 'imap', ...(account && { account }), ip, attempts: 1, ...extra });
export const logout = (offset: number, account: string, ip: string, bytesOut: number): MailEvent =>
  ev(offset, { kind: 'session.end', protocol: 'imap', account, ip, bytesOut, bytesIn: 100 });
export const request = (offset: number, ip: string, path: string, extra: Partial<MailEvent> = {}): MailEvent =>
  ev(offset, { kind: 'http.request', app: 'httpd', protocol: 'http', ip, method: 'GET', path, status: 200, source: { file: 'web/access_log', line: 0 }, ...extra });
export const submit = (offset: number, account: string, ip: string): MailEvent =>
  ev(offset, { kind: 'mail.submit', app: 'postfix/qmgr', protocol: 'smtp', account, ip, bytesIn: 2000 });

/** A month of ordinary baseline logins and downloads for an account from its home address. */
export function habits(account: string, home: string, days = 20): MailEvent[] {
  const out: MailEvent[] = [];
  for (let d = days; d >= 1; d--) {
    out.push(login(-d * DAY + 9 * HOUR, account, home));
    out.push(logout(-d * DAY + 9 * HOUR + 600_000, account, home, 2_000_000));
  }
  return out;
}

export function detect(events: readonly MailEvent[], options: Partial<DetectionContextOptions> & { geo?: GeoLookup } = {}) {
  const context = createDetectionContext({ window: { since: SINCE, until: Infinity }, ...options });
  const engine = new DetectionEngine({ context });
  const activity = new AccountActivity();
  // Arrival order must not matter: feed in reverse to prove it.
  for (const e of [...events].reverse()) {
    engine.observe(e);
    activity.observe(e);
  }
  const { findings, ledger } = engine.finish();
  return { findings, ledger, ...reachVerdicts(findings, activity, options.geo) };
}

export const byRule = (findings: readonly Finding[], rule: string): Finding[] => findings.filter((f) => f.rule === rule);
