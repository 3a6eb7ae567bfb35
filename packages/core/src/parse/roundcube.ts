
import type { FileContext } from './format.js';
import { ownFileFormat, syslogProgramOf, type MessageHandler } from './own-file-format.js';
import { monthNumber, readZoneOffset } from '../time/timestamps.js';
import { normalizeAccount, normalizeIp } from './normalize.js';

/** `03-Aug-2024 04:12:09 +0900` (Roundcube's default `log_date_format`, `d-M-Y H:i:s O`). */
const STAMP = /^\[(\d{2})-([A-Z][a-z]{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?: ([+-]\d{2}:?\d{2}))?\]:? ?/;

/** ` [against HOST] from ADDR` ending in `. ` (an IMAP response follows) or at the end (old versions write none). */
const ERROR_FAILURE = /(?: against \S+)? from ([0-9A-Fa-f:.]*[0-9A-Fa-f])(\. |\.?$)/g;

/** Unpaired failures kept per log kind; past it the oldest are forgotten (they then count twice). */
const MAX_REMEMBERED = 10_000;

/**
 * One failed login is written once to each log (errors, userlogins): a line of one kind is paired
 * with an unpaired line of the other kind for the same session and name, and the pair counts
 * once. Two lines of the same kind are two attempts, and both count.
 */
class FailurePairs {
  private readonly unpaired = { errors: new Set<string>(), userlogins: new Set<string>() };

  /** True when the failure is new; false when it pairs with the other log's line (already counted). */
  take(kind: 'errors' | 'userlogins', key: string): boolean {
    const other = this.unpaired[kind === 'errors' ? 'userlogins' : 'errors'];
    if (other.delete(key)) return false;
    const mine = this.unpaired[kind];
    if (mine.size >= MAX_REMEMBERED) mine.delete(mine.values().next().value!);
    mine.add(key);
    return true;
  }
}

function createRoundcubeHandler(ctx: FileContext): MessageHandler {
  const pairs = new FailurePairs();
  return (ts, host, message, line) => {
    let msg = message;
    let tag: string | undefined;
    if (msg.charCodeAt(0) === 60) {
      const close = msg.indexOf('> ');
      if (close > 0 && close < 80) {
        tag = msg.slice(1, close);
        msg = msg.slice(close + 2);
      }
    }
    const base = { ts, host, app: 'roundcube', protocol: 'http' as const };
    const success = msg.startsWith('Successful login for ');
    // `FAILED login for` in Roundcube before 1.0.
    if (success || msg.startsWith('Failed login for ') || msg.startsWith('FAILED login for ')) {
      const sessionAt = msg.lastIndexOf(' in session ');
      const fromAt = sessionAt === -1 ? msg.lastIndexOf(' from ') : msg.lastIndexOf(' from ', sessionAt);
      if (fromAt === -1) {
        ctx.parseError(line, 'Roundcube login without a client address');
        return;
      }
      const ip = normalizeIp(msg.slice(fromAt + 6, sessionAt === -1 ? undefined : sessionAt).trim());
      let name = msg.slice(success ? 21 : 17, fromAt);
      // `alice (ID: 7)`: the user's row id, written by Roundcube after the name.
      const idAt = name.lastIndexOf(' (ID: ');
      if (idAt !== -1 && name.endsWith(')')) name = name.slice(0, idAt);
      const account = normalizeAccount(name);
      const session = sessionAt === -1 ? tag : msg.slice(sessionAt + 12).split(' ', 1)[0] || tag;
      if (success) {
        ctx.emit({ ...base, kind: 'auth.success', account, ip, session }, line);
        return;
      }
      // Roundcube's line tag is the first 8 characters of the session id.
      const sessionKey = tag ?? session?.slice(0, 8);
      if (sessionKey !== undefined && !pairs.take('userlogins', `${sessionKey} ${account ?? ''}`)) {
        ctx.ignore(line);
        return;
      }
      ctx.emit({ ...base, kind: 'auth.failure', account, ip, session, attempts: 1 }, line);
      return;
    }
    const failedAt = msg.indexOf('Login failed for ');
    if (msg.startsWith('IMAP Error: ') && failedAt !== -1) {
      // The PHP location ends Roundcube's own text; the request after it is the client's.
      const location = msg.lastIndexOf(' in /');
      const head = location === -1 ? msg : msg.slice(0, location);
      // The last address Roundcube wrote: a user name carrying ` from ADDR. ` comes before it. With
      // an IMAP response (which may echo the name), the address ends in `. `, never at the end.
      let match: RegExpMatchArray | undefined;
      for (const m of head.matchAll(ERROR_FAILURE)) if (m[2] === '. ' || location === -1) match = m;
      const ip = match ? normalizeIp(match[1]) : undefined;
      const account = normalizeAccount(head.slice(failedAt + 17, match?.index));
      if (tag !== undefined && !pairs.take('errors', `${tag} ${account ?? ''}`)) {
        ctx.ignore(line);
        return;
      }
      ctx.emit({ ...base, kind: 'auth.failure', account, ip, session: tag, attempts: 1, detail: 'imap error' }, line);
      return;
    }
    ctx.ignore(line);
  };
}

function readStamp(s: string, ctx: FileContext): { ts: number; end: number } | undefined {
  const m = STAMP.exec(s);
  if (!m) return undefined;
  const month = monthNumber(m[2]!);
  if (month === undefined) return undefined;
  const [day, year, hour, minute, second] = [m[1], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  const zone = m[7] === undefined ? undefined : readZoneOffset(m[7], 0, 'allowed');
  if (zone === undefined) return { ts: ctx.clock.toUtc(year, month, day, hour, minute, second), end: m[0].length };
  return { ts: Date.UTC(year, month - 1, day, hour, minute, second) - zone.ms, end: m[0].length };
}

export const roundcubeLog = ownFileFormat({
  id: 'roundcube',
  title: 'Roundcube userlogins and errors logs (logins, failed logins, IMAP login failures)',
  sniff: (text) => STAMP.test(text),
  readStamp,
  // PHP warnings and stack traces continue an errors-log entry on their own lines.
  unstamped: 'continuation',
  createHandler: createRoundcubeHandler,
});

export const roundcubeSyslog = syslogProgramOf('roundcube', ['roundcube', 'roundcubemail'], createRoundcubeHandler);
