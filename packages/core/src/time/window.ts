/**
 * The investigation window. Events before `since` are the baseline (how each account and IP
 * normally behaves); events in the window can become findings; events after `until` are counted
 * and kept out of detection.
 */
import type { Phase } from '../event.js';
import { InvalidOptionError } from '../errors.js';
import { readRfc3339 } from './timestamps.js';

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

/** Parses an RFC 3339 instant, or a bare date (`2024-08-03`, midnight UTC), for `--since`/`--until`. */
export function parseInstant(value: string, option: string): number {
  const v = value.trim();
  const full = readRfc3339(v, 0);
  if (full && full.end === v.length) return full.ms;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const ms = Date.parse(`${v}T00:00:00Z`);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new InvalidOptionError(
    `${option} must be an RFC 3339 time with a zone, e.g. 2024-08-03T00:00:00+09:00 (got ${JSON.stringify(value)})`,
  );
}
