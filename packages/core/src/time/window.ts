/**
 * The investigation window. Events before `since` are the baseline (how each account and IP
 * normally behaves); events in the window can become findings; events after `until` are counted
 * and kept out of detection.
 */
import type { Phase } from '../event.js';
import { InvalidOptionError } from '../errors.js';
import { readRfc3339 } from './timestamps.js';
import { ZoneClock } from './zone.js';

/** 2024-08-03 00:00 Asia/Tokyo: malicious code ran on the webmail servers from that day. */
export const DEFAULT_SINCE = '2024-08-03T00:00:00+09:00';

export interface TimeWindow {
  since: number;
  until: number;
}

export function phaseOf(ts: number, window: TimeWindow): Phase {
  if (ts < window.since) return 'baseline';
  if (ts > window.until) return 'after';
  return 'window';
}

/**
 * Parses an RFC 3339 instant, or a bare date for `--since`/`--until`. A bare date is midnight in
 * `tz` (the zone of the logs, `--tz`): a responder who types `--since 2024-08-03` for a Tokyo
 * incident means Tokyo's midnight, not 09:00 there (UTC midnight silently dropped the first nine
 * hours of the window). Without a zone it is UTC midnight, for callers that have none.
 */
export function parseInstant(value: string, option: string, tz?: string): number {
  const v = value.trim();
  const full = readRfc3339(v, 0);
  if (full && full.end === v.length) return full.ms;
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const check = new Date(Date.UTC(y, m - 1, d));
    if (check.getUTCFullYear() === y && check.getUTCMonth() === m - 1 && check.getUTCDate() === d) {
      return tz === undefined ? check.getTime() : new ZoneClock(tz).toUtc(y, m, d, 0, 0, 0);
    }
  }
  throw new InvalidOptionError(
    `${option} must be an RFC 3339 time with a zone (2024-08-03T00:00:00+09:00) or a date, read as midnight in --tz (2024-08-03) (got ${JSON.stringify(value)})`,
  );
}
