/**
 * Timestamp readers for the shapes mail hosts write. Hand-written digit scanning: these run once
 * per line, and a regex per line costs more than the rest of the envelope parse.
 * Each returns undefined for anything malformed; none throws.
 */

const MONTHS: Record<string, number> = {
  Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12,
};

export function monthNumber(name: string): number | undefined {
  return MONTHS[name];
}

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    // Past the end charCodeAt is NaN, which no comparison rejects: test for a digit, not a non-digit.
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

export interface WallTime {
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Milliseconds from a fraction after the seconds; 0 when none. */
  ms: number;
  /** Index just after the timestamp. */
  end: number;
}

/**
 * `Aug  3 04:12:09`, `Aug 03 04:12:09` or `Sep 8 07:46:30` at `at` (BSD syslog, RFC 3164; the
 * last is what some relays and Dovecot's own `log_timestamp` write). A fraction after the seconds
 * (`04:12:09.123456`) is read into `ms`.
 */
export function readBsdTimestamp(s: string, at = 0): WallTime | undefined {
  if (s.length < at + 14) return undefined;
  const month = MONTHS[s.slice(at, at + 3)];
  if (month === undefined || s.charCodeAt(at + 3) !== 32) return undefined;
  const d1 = s.charCodeAt(at + 4);
  let day: number;
  let clockAt: number;
  if (d1 === 32) {
    day = digits(s, at + 5, 1);
    clockAt = at + 7;
    if (s.charCodeAt(at + 6) !== 32) return undefined;
  } else if (s.charCodeAt(at + 5) === 32) {
    day = digits(s, at + 4, 1);
    clockAt = at + 6;
  } else {
    day = digits(s, at + 4, 2);
    clockAt = at + 7;
    if (s.charCodeAt(at + 6) !== 32) return undefined;
  }
  if (day < 1 || day > 31) return undefined;
  const t = readClock(s, clockAt);
  if (!t) return undefined;
  const fraction = readFraction(s, clockAt + 8);
  return { month, day, hour: t.hour, minute: t.minute, second: t.second, ms: fraction.ms, end: fraction.end };
}

/** `.482113` at `at` → milliseconds (truncated) and the index after it; nothing there → 0. */
function readFraction(s: string, at: number): { ms: number; end: number } {
  if (s.charCodeAt(at) !== 46) return { ms: 0, end: at };
  let i = at + 1;
  let ms = 0;
  let scale = 100;
  while (i < s.length) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    ms += c * scale;
    scale /= 10;
    i++;
  }
  return i === at + 1 ? { ms: 0, end: at } : { ms: Math.floor(ms), end: i };
}

/**
 * A zone-less ISO date and time, `2024-08-03 04:12:09` or `2024-08-03T04:12:09.123` (Exim's
 * mainlog, Dovecot's `log_timestamp = "%Y-%m-%d %H:%M:%S "`): wall time, to be read in `--tz`.
 * Undefined when a zone follows (that is `readRfc3339`'s).
 */
export function readIsoLocalTime(s: string, at = 0): (WallTime & { year: number }) | undefined {
  const year = digits(s, at, 4);
  if (year < 0 || s.charCodeAt(at + 4) !== 45 || s.charCodeAt(at + 7) !== 45) return undefined;
  const month = digits(s, at + 5, 2);
  const day = digits(s, at + 8, 2);
  const sep = s.charCodeAt(at + 10);
  if (month < 1 || month > 12 || day < 1 || day > 31 || (sep !== 84 && sep !== 32)) return undefined;
  const t = readClock(s, at + 11);
  if (!t) return undefined;
  const fraction = readFraction(s, at + 19);
  const z = s.charCodeAt(fraction.end);
  if (z === 90 || z === 43 || z === 45) return undefined;
  return { year, month, day, hour: t.hour, minute: t.minute, second: t.second, ms: fraction.ms, end: fraction.end };
}

/**
 * journalctl's `-o short-unix` stamp, `1722625929.123456`: UTC epoch ms and the index after it.
 * Nine or ten digits of seconds (2001 to 2286), so a bare number in another format is not taken.
 */
export function readEpochSeconds(s: string, at = 0): { ms: number; end: number } | undefined {
  let i = at;
  while (i < s.length && i - at < 11) {
    const c = s.charCodeAt(i);
    if (!(c >= 48 && c <= 57)) break;
    i++;
  }
  const digitCount = i - at;
  if ((digitCount !== 9 && digitCount !== 10) || s.charCodeAt(i) !== 46) return undefined;
  const fraction = readFraction(s, i);
  if (fraction.end === i) return undefined;
  return { ms: Number(s.slice(at, i)) * 1000 + fraction.ms, end: fraction.end };
}

/**
 * A daemontools/multilog TAI64N label, `@400000006724a1b20c8a3f14`, at `at`: UTC epoch ms and the
 * index after it. The label counts TAI seconds from 2^62; like `tai64nlocal`, it is taken as
 * UTC + 10 s (leap seconds since 1972 are not applied).
 */
export function readTai64n(s: string, at = 0): { ms: number; end: number } | undefined {
  if (s.charCodeAt(at) !== 64 || s.length < at + 25) return undefined;
  for (let i = at + 1; i < at + 25; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return undefined;
  }
  // 2^62 + seconds is above 2^53: read the high and low 32 bits apart. The high half is
  // 0x40000000 for every date from 1970 to 2106.
  const high = Number.parseInt(s.slice(at + 1, at + 9), 16);
  const low = Number.parseInt(s.slice(at + 9, at + 17), 16);
  const nanos = Number.parseInt(s.slice(at + 17, at + 25), 16);
  if (high !== 0x40000000 || low < 10 || nanos >= 1e9) return undefined;
  return { ms: (low - 10) * 1000 + Math.floor(nanos / 1e6), end: at + 25 };
}

function readClock(s: string, at: number): { hour: number; minute: number; second: number } | undefined {
  if (s.charCodeAt(at + 2) !== 58 || s.charCodeAt(at + 5) !== 58) return undefined;
  const hour = digits(s, at, 2);
  const minute = digits(s, at + 3, 2);
  const second = digits(s, at + 6, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return undefined;
  return { hour, minute, second };
}

/**
 * RFC 3339 (`2024-08-03T04:12:09.482113+09:00`, `...Z`) at `at`; exact, zone from the text.
 * Fractions beyond milliseconds are truncated.
 */
export function readRfc3339(s: string, at = 0): { ms: number; end: number } | undefined {
  const year = digits(s, at, 4);
  if (year < 0 || s.charCodeAt(at + 4) !== 45 || s.charCodeAt(at + 7) !== 45) return undefined;
  const month = digits(s, at + 5, 2);
  const day = digits(s, at + 8, 2);
  const sep = s.charCodeAt(at + 10);
  if (month < 1 || month > 12 || day < 1 || day > 31 || (sep !== 84 && sep !== 116 && sep !== 32)) return undefined;
  const t = readClock(s, at + 11);
  if (!t) return undefined;
  const fraction = readFraction(s, at + 19);
  const i = fraction.end;
  const ms = fraction.ms;
  const local = Date.UTC(year, month - 1, day, t.hour, t.minute, t.second, ms);
  const z = s.charCodeAt(i);
  if (z === 90 || z === 122) return { ms: local, end: i + 1 };
  const offset = readZoneOffset(s, i, 'allowed');
  return offset ? { ms: local - offset.ms, end: offset.end } : undefined;
}

/**
 * A numeric zone at `at`: `+0900`, or `+09:00` when `colon` is allowed. The offset in ms (to
 * subtract from wall time) and the index after it; undefined for anything else.
 */
export function readZoneOffset(s: string, at: number, colon: 'allowed' | 'none'): { ms: number; end: number } | undefined {
  const sign = s.charCodeAt(at);
  if (sign !== 43 && sign !== 45) return undefined;
  const oh = digits(s, at + 1, 2);
  const gap = colon === 'allowed' && s.charCodeAt(at + 3) === 58 ? 1 : 0;
  const om = digits(s, at + 3 + gap, 2);
  if (oh < 0 || om < 0) return undefined;
  return { ms: (oh * 60 + om) * 60_000 * (sign === 43 ? 1 : -1), end: at + 5 + gap };
}

/**
 * Apache/nginx `03/Aug/2024:04:12:09 +0900` (inside the brackets); exact. A fraction after the
 * seconds (`04:12:09.123`, Apache's `%{msec_frac}t`) is read too.
 */
export function readApacheTime(s: string, at = 0): number | undefined {
  const day = digits(s, at, 2);
  const month = MONTHS[s.slice(at + 3, at + 6)];
  const year = digits(s, at + 7, 4);
  if (day < 1 || month === undefined || year < 0 || s.charCodeAt(at + 11) !== 58) return undefined;
  const t = readClock(s, at + 12);
  if (!t) return undefined;
  const fraction = readFraction(s, at + 20);
  if (s.charCodeAt(fraction.end) !== 32) return undefined;
  const offset = readZoneOffset(s, fraction.end + 1, 'none');
  return offset ? Date.UTC(year, month - 1, day, t.hour, t.minute, t.second, fraction.ms) - offset.ms : undefined;
}
