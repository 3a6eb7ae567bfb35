/** What every detector of one scan shares: the window, allow- and IOC-lists, endpoints, GeoIP. */
import type { TimeWindow } from '../time/window.js';
import type { GeoLookup } from '../enrich/geo.js';
import { NetList } from '../enrich/nets.js';
import { KeyLimits } from '../aggregate/bounded-map.js';
import { Identities } from '../aggregate/identities.js';
import { SpillArea, type SpillOptions } from '../aggregate/account-spill.js';

export interface DetectionContext {
  window: TimeWindow;
  /** Sources never flagged for access (office NAT, monitoring). */
  trustedNets: NetList;
  /** Known-bad addresses (`--ioc`). */
  iocNets: NetList;
  /** Webmail servers that log into IMAP on users' behalf (`--webmail-hosts`); more are learned. */
  webmailHosts: NetList;
  /** Request paths of webmail CGI endpoints (overflow targets). */
  isCgiPath(path: string): boolean;
  /** Request paths of the webmail login form (what a user's login POSTs to). */
  isLoginPath(path: string): boolean;
  geo?: GeoLookup;
  /** Options given per rule id, overriding defaults: `{ 'auth.spray': { minAccounts: 20 } }`. */
  ruleOptions: Record<string, Record<string, number>>;
  /** Caps on per-key state (a botnet's millions of fake accounts must not exhaust memory). */
  limits: KeyLimits;
  /** The scan's accounts and IPs, numbered: per-key state is typed columns indexed by these ids. */
  identities: Identities;
  /** Where state that grows with days of log (logins, sessions, messages) goes past its memory budget. */
  spill: SpillArea;
}

/**
 * Active! mail lives under /am_bin/ (login /am_bin/amlogin, smartphone /am_bin/slogin, feature
 * phone /am_bin/mlogin); other webmails use /cgi-bin/, *.cgi, Roundcube's ?_task=, SOGo.
 */
export const DEFAULT_CGI_PATTERNS: readonly RegExp[] = [/^\/am_bin\//i, /^\/cgi-bin\//i, /\.cgi(?:[/?]|$)/i, /^\/owa\//i];
export const DEFAULT_LOGIN_PATTERNS: readonly RegExp[] = [
  /^\/am_bin\/(?:amlogin|slogin|mlogin)\/login_auth/i,
  /^\/am_bin\/(?:slogin|mlogin)(?:[/?]|$)/i,
  /[?&]_task=login(?:&|$)/i,
  /^\/SOGo\/connect/i,
  /^\/owa\/auth\.owa/i,
];

export interface DetectionContextOptions {
  window: TimeWindow;
  trustedNets?: readonly string[];
  ioc?: readonly string[];
  webmailHosts?: readonly string[];
  cgiPatterns?: readonly RegExp[];
  loginPatterns?: readonly RegExp[];
  geo?: GeoLookup;
  ruleOptions?: Record<string, Record<string, number>>;
  limits?: KeyLimits;
  identities?: Identities;
  /** The scan's spill area, or where to make one; default the OS temp dir, made only when needed. */
  spill?: SpillArea | SpillOptions;
}

export function createDetectionContext(o: DetectionContextOptions): DetectionContext {
  const cgi = o.cgiPatterns ?? DEFAULT_CGI_PATTERNS;
  const login = o.loginPatterns ?? DEFAULT_LOGIN_PATTERNS;
  const limits = o.limits ?? new KeyLimits();
  return {
    window: o.window,
    trustedNets: NetList.parse(o.trustedNets ?? [], '--trusted-nets'),
    iocNets: NetList.parse(o.ioc ?? [], '--ioc'),
    webmailHosts: NetList.parse(o.webmailHosts ?? [], '--webmail-hosts'),
    isCgiPath: (p) => cgi.some((r) => r.test(p.slice(0, 512))),
    isLoginPath: (p) => login.some((r) => r.test(p.slice(0, 512))),
    ...(o.geo && { geo: o.geo }),
    ruleOptions: o.ruleOptions ?? {},
    limits,
    identities: o.identities ?? new Identities(limits.maxKeys),
    spill: o.spill instanceof SpillArea ? o.spill : new SpillArea(o.spill),
  };
}
