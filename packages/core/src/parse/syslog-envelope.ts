/**
 * The syslog envelope around Postfix and Dovecot messages, in the three shapes archives hold:
 * - BSD / RFC 3164: `Aug  3 04:12:09 mx01 postfix/smtpd[21877]: msg` (no year, no zone)
 * - rsyslog RFC 3339: `2024-08-03T04:12:09.482113+09:00 mx02 dovecot[1043]: msg`
 * - RFC 5424: `<22>1 2024-08-02T19:12:09.003Z mx02 dovecot 1043 - - msg`
 * An optional `<PRI>` prefix is accepted before the first two as well. Also read:
 * - a zone-less `2024-08-03 04:12:09` (Dovecot's `log_timestamp`, some collectors), in `--tz`;
 * - a daemontools/multilog TAI64N label: `@400000006724a1b20c8a3f14 imap-login: Info: ...`;
 * - journalctl's `-o short-unix` (`1722625929.123456 mx01 dovecot[834]: ...`) and `-o short-full`
 *   (`Sat 2024-08-03 04:12:09 JST mx01 dovecot[834]: ...`; a zone name other than UTC/GMT is read
 *   as `--tz`, since abbreviations are ambiguous);
 * - a file name first, as `grep` over several files writes it (`mail.log.1:Aug  3 ...`);
 * - no host: a program's own log file (`Aug 03 04:12:09 imap-login: Info: Login: ...`) or a
 *   multilog line puts the program tag right after the time. A host never ends in `:`, so a
 *   first word that does is the tag, and `host` is empty.
 */
import type { ZoneClock } from '../time/zone.js';
import { readBsdTimestamp, readEpochSeconds, readIsoLocalTime, readRfc3339, readTai64n } from '../time/timestamps.js';

export interface Envelope {
  /** UTC epoch ms; NaN when the year could not be resolved. */
  ts: number;
  /** Undefined when the line names none (a program's own log file, multilog). */
  host: string | undefined;
  /** Program tag without pid: `postfix/submission/smtpd`, `dovecot`. */
  program: string;
  pid?: string;
  message: string;
}

export interface EnvelopeClock {
  clock: ZoneClock;
  /** Year for a zone-less month/day. */
  year(month: number, day: number): number;
}

const FULL_WEEKDAY = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) $/;

function skipPri(s: string): number {
  if (s.charCodeAt(0) !== 60) return 0;
  const close = s.indexOf('>');
  return close > 0 && close <= 4 ? close + 1 : 0;
}

/**
 * `grep` over several files writes the file name first: `/var/log/mail.log.1:Aug  3 04:12:09 ...`.
 * A name without spaces, then `:`, then a stamp (month, year or TAI64N label).
 */
const GREP_PREFIX = /^[\w./-]{1,200}:(?=[A-Z][a-z]{2} |\d{4}-|@4000)/;

/** Reads the envelope, or returns undefined when the line is not syslog. */
export function readEnvelope(s: string, time: EnvelopeClock): Envelope | undefined {
  const env = readEnvelopeAt(s, time);
  if (env !== undefined) return env;
  const prefix = GREP_PREFIX.exec(s);
  return prefix ? readEnvelopeAt(s.slice(prefix[0].length), time) : undefined;
}

function readEnvelopeAt(s: string, time: EnvelopeClock): Envelope | undefined {
  let i = skipPri(s);
  let ts: number;
  let rfc5424 = false;
  if (s.charCodeAt(i) === 49 && s.charCodeAt(i + 1) === 32 && i > 0) {
    rfc5424 = true;
    i += 2;
  }
  const c = s.charCodeAt(i);
  if (c === 64) {
    const r = readTai64n(s, i);
    if (!r) return undefined;
    ts = r.ms;
    i = r.end;
  } else if (c >= 48 && c <= 57) {
    const r = readRfc3339(s, i) ?? readEpochSeconds(s, i);
    if (r) {
      ts = r.ms;
      i = r.end;
    } else {
      const w = readIsoLocalTime(s, i);
      if (!w) return undefined;
      ts = time.clock.toUtc(w.year, w.month, w.day, w.hour, w.minute, w.second, w.ms);
      i = w.end;
    }
  } else if (FULL_WEEKDAY.test(s.slice(i, i + 4))) {
    // `Sat 2024-08-03 04:12:09 JST`
    const w = readIsoLocalTime(s, i + 4);
    if (!w || s.charCodeAt(w.end) !== 32) return undefined;
    const zoneEnd = s.indexOf(' ', w.end + 1);
    if (zoneEnd === -1 || zoneEnd - w.end > 7) return undefined;
    const zone = s.slice(w.end + 1, zoneEnd);
    const utc = zone === 'UTC' || zone === 'GMT';
    ts = utc ? Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms) : time.clock.toUtc(w.year, w.month, w.day, w.hour, w.minute, w.second, w.ms);
    i = zoneEnd;
  } else {
    const w = readBsdTimestamp(s, i);
    if (!w) return undefined;
    const year = time.year(w.month, w.day);
    ts = time.clock.toUtc(year, w.month, w.day, w.hour, w.minute, w.second, w.ms);
    i = w.end;
  }
  if (s.charCodeAt(i) !== 32) return undefined;
  i++;
  const hostEnd = s.indexOf(' ', i);
  if (hostEnd <= i) return undefined;
  let host: string | undefined;
  if (rfc5424 || s.charCodeAt(hostEnd - 1) !== 58) {
    host = s.slice(i, hostEnd);
    i = hostEnd + 1;
  }
  if (rfc5424) return read5424Tail(s, i, ts, host ?? '');

  // `program[pid]: ` or `program: `
  const colon = s.indexOf(': ', i);
  const tagEnd = colon === -1 && s.endsWith(':') ? s.length - 1 : colon;
  if (tagEnd <= i) return undefined;
  const tag = s.slice(i, tagEnd);
  if (tag.includes(' ')) return undefined;
  const message = colon === -1 ? '' : s.slice(colon + 2);
  const bracket = tag.indexOf('[');
  if (bracket === -1) return { ts, host, program: tag, message };
  const program = tag.slice(0, bracket);
  const pid = tag.slice(bracket + 1, tag.endsWith(']') ? -1 : undefined);
  return { ts, host, program, pid, message };
}

function read5424Tail(s: string, i: number, ts: number, host: string): Envelope | undefined {
  const fields: string[] = [];
  for (let k = 0; k < 3; k++) {
    const sp = s.indexOf(' ', i);
    if (sp === -1) return undefined;
    fields.push(s.slice(i, sp));
    i = sp + 1;
  }
  // Structured data: `-` or one or more `[...]` groups.
  if (s.charCodeAt(i) === 45) i += 2;
  else if (s.charCodeAt(i) === 91) {
    const end = s.indexOf('] ', i);
    i = end === -1 ? s.length : end + 2;
  }
  const [app, procid] = fields as [string, string, string];
  const message = s.slice(i).replace(/^\uFEFF/, '');
  return procid === '-' ? { ts, host, program: app, message } : { ts, host, program: app, pid: procid, message };
}
