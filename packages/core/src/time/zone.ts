/**
 * Wall-clock time in an IANA zone to UTC, without a date library: Intl knows every zone's rules.
 * Offsets are cached per zone and hour because this sits on the hot path of every syslog line.
 */
import { InvalidOptionError } from '../errors.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new InvalidOptionError(`unknown time zone: ${JSON.stringify(tz)} (use an IANA name such as Asia/Tokyo)`);
    }
    formatters.set(tz, f);
  }
  return f;
}

/** Throws InvalidOptionError for a zone Intl does not know. */
export function assertTimeZone(tz: string): void {
  formatter(tz);
}

/** The zone's offset from UTC in ms at the instant `utcMs`. */
export function zoneOffsetAt(tz: string, utcMs: number): number {
  const parts = formatter(tz).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

export class ZoneClock {
  private readonly cache = new Map<number, number>();
  constructor(readonly tz: string) {
    assertTimeZone(tz);
  }

  /**
   * UTC epoch ms of a wall-clock time in this zone. In a DST fold the earlier instant wins; in a
   * gap the time is read with the offset before the gap (as syslog daemons of that moment did).
   */
  toUtc(year: number, month: number, day: number, hour: number, minute: number, second: number, ms = 0): number {
    const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    const key = Math.floor(wall / 3_600_000);
    let offset = this.cache.get(key);
    if (offset === undefined) {
      // Two passes settle the offset around a transition.
      const first = zoneOffsetAt(this.tz, wall);
      offset = zoneOffsetAt(this.tz, wall - first);
      if (this.cache.size > 100_000) this.cache.clear();
      this.cache.set(key, offset);
    }
    return wall - offset;
  }
}

/** An instant as RFC 3339 wall-clock time in `tz`, with its offset: `2024-08-03T00:00:00+09:00`. */
export function formatInZone(utcMs: number, tz: string): string {
  const offset = zoneOffsetAt(tz, utcMs);
  const wall = new Date(utcMs + offset).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / 60_000;
  return `${wall}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
