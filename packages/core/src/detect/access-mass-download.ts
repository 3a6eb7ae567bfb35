/**
 * access.mass-download: IMAP/POP3 bytes sent to a client in the window far above the account's
 * own baseline, per session (Dovecot logout `out=` / POP3 `retr=`) and per day. The client IP
 * comes from the login line through the session id.
 */
import type { MailEvent } from '../event.js';
import { isEarlier, markOf, type Finding, type Mark } from './finding.js';
import { defineDetector } from './detector.js';
import { DayValues } from '../aggregate/day-values.js';

const DAY = 86_400_000;

/**
 * One account's bytes. Most accounts have sessions on one day per phase in a scan of a day's
 * logs, so the first day of each phase is held inline and a Map is made only for a second day
 * (`DayValues`; the window's first day as flat fields, its first session included): an account's
 * state was 480 bytes, most of it two Maps of one entry.
 */
interface AccountBytes {
  baselineMaxSession: number;
  /** Bytes per baseline day; made at the first baseline session, so it also says there is a baseline. */
  baselineDays: DayValues<number> | undefined;
  /** The first window day, inline: its bytes and its first session's time, client and line. */
  hasWindowDay: boolean;
  windowDay: number;
  windowBytes: number;
  /** Milliseconds into `windowDay`: a small integer, where an epoch time would be a boxed double. */
  windowMs: number;
  windowIp: string | undefined;
  windowFile: string;
  windowLine: number;
  windowMoreDays: Map<number, DayBytes> | undefined;
  sessions: MailEvent[] | undefined;
}

/** A day's bytes and where the day's first session was seen. */
interface DayBytes {
  bytes: number;
  first: Mark;
}

function addWindow(s: AccountBytes, day: number, e: MailEvent): void {
  if (!s.hasWindowDay || s.windowDay === day) {
    if (!s.hasWindowDay || isEarlier(e.ts, e.source, day * DAY + s.windowMs, { file: s.windowFile, line: s.windowLine })) {
      s.windowMs = e.ts - day * DAY;
      s.windowIp = e.ip;
      s.windowFile = e.source.file;
      s.windowLine = e.source.line;
    }
    s.hasWindowDay = true;
    s.windowDay = day;
    s.windowBytes += e.bytesOut!;
    return;
  }
  s.windowMoreDays ??= new Map();
  const d = s.windowMoreDays.get(day);
  if (!d) s.windowMoreDays.set(day, { bytes: e.bytesOut!, first: markOf(e) });
  else {
    d.bytes += e.bytesOut!;
    if (isEarlier(e.ts, e.source, d.first.ts, d.first.source)) d.first = markOf(e);
  }
}

function* windowDays(s: AccountBytes): Generator<[number, DayBytes]> {
  if (s.hasWindowDay) {
    yield [s.windowDay, { bytes: s.windowBytes, first: { ts: s.windowDay * DAY + s.windowMs, ip: s.windowIp, source: { file: s.windowFile, line: s.windowLine } } }];
  }
  if (s.windowMoreDays) yield* s.windowMoreDays;
}

export const accessMassDownload = defineDetector({
  id: 'access.mass-download',
  title: 'Mailbox download far above the account baseline',
  severity: 'medium',
  description:
    'An IMAP or POP3 session, or a day of sessions, in the window whose bytes sent to the client exceed both a floor and factor times the largest session (or day) of the account baseline. Accounts with no baseline are judged against noBaselineBytes.',
  falsePositives: ['A new device or mail client syncing the whole mailbox; a user exporting mail before leaving.'],
  options: {
    minBytes: { default: 50_000_000, description: 'bytes a session (or day) must exceed before it can be a mass download' },
    factor: { default: 10, description: 'how many times the baseline maximum a session (or day) must exceed' },
    noBaselineBytes: { default: 200_000_000, description: 'threshold for accounts with no baseline sessions' },
  },
  kinds: ['session.end'],
  create(o) {
    const accounts = new Map<string, AccountBytes>();
    const state = (a: string): AccountBytes => {
      let s = accounts.get(a);
      if (!s) {
        s = { baselineMaxSession: 0, baselineDays: undefined, hasWindowDay: false, windowDay: 0, windowBytes: 0, windowMs: 0, windowIp: undefined, windowFile: '', windowLine: 0, windowMoreDays: undefined, sessions: undefined };
        accounts.set(a, s);
      }
      return s;
    };
    return {
      observe(e) {
        if (e.account === undefined || e.bytesOut === undefined || (e.protocol !== 'imap' && e.protocol !== 'pop3')) return;
        const day = Math.floor(e.ts / DAY);
        if (e.phase === 'baseline') {
          const s = state(e.account);
          s.baselineMaxSession = Math.max(s.baselineMaxSession, e.bytesOut);
          s.baselineDays ??= new DayValues();
          s.baselineDays.set(day, (s.baselineDays.get(day) ?? 0) + e.bytesOut);
        } else if (e.phase === 'window') {
          const s = state(e.account);
          addWindow(s, day, e);
          if (e.bytesOut > o.minBytes) (s.sessions ??= []).push(e);
        }
      },
      finish() {
        const out: Finding[] = [];
        for (const [account, s] of accounts) {
          const hasBaseline = s.baselineDays !== undefined;
          const baselineMaxDay = Math.max(0, ...(s.baselineDays?.values() ?? []));
          const sessionLimit = hasBaseline ? Math.max(o.minBytes, o.factor * s.baselineMaxSession) : o.noBaselineBytes;
          const dayLimit = hasBaseline ? Math.max(o.minBytes, o.factor * baselineMaxDay) : o.noBaselineBytes;
          const flaggedDays = new Set<number>();
          for (const e of s.sessions ?? []) {
            if (e.bytesOut! <= sessionLimit) continue;
            flaggedDays.add(Math.floor(e.ts / DAY));
            out.push({
              time: e.ts,
              rule: 'access.mass-download',
              severity: 'medium',
              account,
              ip: e.ip ?? null,
              source: e.source,
              message: `${account} downloaded ${e.bytesOut} bytes over ${e.protocol} in one session${e.ip ? ` to ${e.ip}` : ''} (limit ${sessionLimit})`,
              evidence: { bytesOut: e.bytesOut, limit: sessionLimit, baselineMaxSession: s.baselineMaxSession, hasBaseline, session: e.session ?? null },
            });
          }
          for (const [day, d] of windowDays(s)) {
            if (d.bytes <= dayLimit || flaggedDays.has(day)) continue;
            out.push({
              time: d.first.ts,
              rule: 'access.mass-download',
              severity: 'medium',
              account,
              ip: d.first.ip ?? null,
              source: d.first.source,
              message: `${account} downloaded ${d.bytes} bytes on ${new Date(day * DAY).toISOString().slice(0, 10)} (UTC) (limit ${dayLimit})`,
              evidence: { bytesOutDay: d.bytes, limit: dayLimit, baselineMaxDay, hasBaseline },
            });
          }
        }
        return out;
      },
    };
  },
});
