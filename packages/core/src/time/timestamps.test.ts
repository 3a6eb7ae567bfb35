import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readApacheTime, readBsdTimestamp, readIsoLocalTime, readRfc3339, readTai64n } from './timestamps.js';
import { ZoneClock } from './zone.js';
import { parseInstant } from './window.js';

describe('timestamps', () => {
  it('reads BSD stamps with space- or zero-padded days', () => {
    expect(readBsdTimestamp('Aug  3 04:12:09 mx01')).toMatchObject({ month: 8, day: 3, hour: 4, minute: 12, second: 9, end: 15 });
    expect(readBsdTimestamp('Dec 31 23:59:59 x')).toMatchObject({ month: 12, day: 31 });
    expect(readBsdTimestamp('Aug 03 04:12:09 x')).toMatchObject({ day: 3 });
    expect(readBsdTimestamp('Foo  3 04:12:09 x')).toBeUndefined();
    expect(readBsdTimestamp('Aug  3 24:12:09 x')).toBeUndefined();
  });

  it('reads the other stamps mail hosts write, and refuses a stamp cut short', () => {
    expect(readBsdTimestamp('Sep 8 07:46:30 mx01')).toMatchObject({ month: 9, day: 8, hour: 7, minute: 46, second: 30, end: 14 });
    expect(readBsdTimestamp('Aug  3 04:12:09.250 x')).toMatchObject({ second: 9, ms: 250, end: 19 });
    expect(readIsoLocalTime('2024-08-03 04:12:09 imap-login:')).toMatchObject({ year: 2024, month: 8, day: 3, hour: 4, ms: 0, end: 19 });
    expect(readIsoLocalTime('2024-08-03T04:12:09.5 x')).toMatchObject({ ms: 500, end: 21 });
    expect(readIsoLocalTime('2024-08-03T04:12:09+09:00')).toBeUndefined();
    expect(readTai64n('@400000006724a1b20c8a3f14 x')).toEqual({ ms: 1730453928210, end: 25 });
    expect(readTai64n('@500000006724a1b20c8a3f14 x')).toBeUndefined();
    for (const cut of ['2024-08-03 04:21:', '2024-08-03 04:21:5', 'Aug  3 04:21:', 'Sep 8 07:46:3', '@400000006724a1b2']) {
      expect([readIsoLocalTime(cut), readBsdTimestamp(cut), readRfc3339(cut), readTai64n(cut)], cut).toEqual([undefined, undefined, undefined, undefined]);
    }
  });

  it('reads RFC 3339 exactly, with fraction and zone', () => {
    expect(readRfc3339('2024-08-03T04:12:09.482113+09:00 mx02')).toEqual({ ms: Date.UTC(2024, 7, 2, 19, 12, 9, 482), end: 32 });
    expect(readRfc3339('2024-08-02T19:12:09.003Z')?.ms).toBe(Date.UTC(2024, 7, 2, 19, 12, 9, 3));
    expect(readRfc3339('2024-08-03T04:12:09-0500')?.ms).toBe(Date.UTC(2024, 7, 3, 9, 12, 9));
    expect(readRfc3339('2024-08-03T04:12:09')).toBeUndefined();
  });

  it('reads Apache times exactly', () => {
    expect(readApacheTime('03/Aug/2024:04:12:09 +0900]')).toBe(Date.UTC(2024, 7, 2, 19, 12, 9));
    expect(readApacheTime('03/Aug/2024:04:12:09.250 +0900]')).toBe(Date.UTC(2024, 7, 2, 19, 12, 9, 250));
    expect(readApacheTime('03/Aug/2024:04:12:09 +09')).toBeUndefined();
  });

  it('converts wall time in a zone, including DST', () => {
    expect(new ZoneClock('Asia/Tokyo').toUtc(2024, 8, 3, 0, 0, 0)).toBe(Date.parse('2024-08-03T00:00:00+09:00'));
    const ny = new ZoneClock('America/New_York');
    expect(ny.toUtc(2024, 7, 1, 12, 0, 0)).toBe(Date.parse('2024-07-01T12:00:00-04:00'));
    expect(ny.toUtc(2024, 1, 1, 12, 0, 0)).toBe(Date.parse('2024-01-01T12:00:00-05:00'));
  });

  it('rejects an unknown zone and a zone-less --since', () => {
    expect(() => new ZoneClock('Mars/Olympus')).toThrow(/unknown time zone/);
    expect(() => parseInstant('2024-08-03T00:00:00', '--since')).toThrow(/RFC 3339/);
  });

  it.each([
    ['2024-08-03', 'Asia/Tokyo', '2024-08-02T15:00:00.000Z'],
    ['2024-08-03', 'UTC', '2024-08-03T00:00:00.000Z'],
    // New York midnight in summer is 04:00 UTC, in winter 05:00.
    ['2024-07-01', 'America/New_York', '2024-07-01T04:00:00.000Z'],
    ['2024-12-01', 'America/New_York', '2024-12-01T05:00:00.000Z'],
  ])('a date-only --since %s means midnight in %s', (value, tz, iso) => {
    expect(new Date(parseInstant(value, '--since', tz)).toISOString()).toBe(iso);
  });

  it('refuses dates that do not exist, and says how a date is read', () => {
    expect(() => parseInstant('2024-02-30', '--since', 'Asia/Tokyo')).toThrow(/midnight in --tz/);
    expect(() => parseInstant('2024-13-01', '--since', 'Asia/Tokyo')).toThrow(/RFC 3339/);
  });

  it('property: RFC 3339 round-trips any instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4102444800000 }), (ms) => {
        expect(readRfc3339(new Date(ms).toISOString())?.ms).toBe(ms);
      }),
    );
  });

  it('property: no reader throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.nat({ max: 10 }), (s, at) => {
        readBsdTimestamp(s, at);
        readRfc3339(s, at);
        readApacheTime(s, at);
      }),
    );
  });
});
