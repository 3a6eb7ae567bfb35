import { describe, expect, it } from 'vitest';
import { chooseYearAnchor, inferYear, rotationDateFromName } from './year-inference.js';

describe('year inference', () => {
  it.each([
    ['maillog-20240804', { year: 2024, month: 8, day: 4 }],
    ['mx01/maillog-20240804.gz', { year: 2024, month: 8, day: 4 }],
    ['mail.log-2024-08-04.zst', { year: 2024, month: 8, day: 4 }],
    ['maillog.20250101', { year: 2025, month: 1, day: 1 }],
    ['maillog-2024080412', { year: 2024, month: 8, day: 4 }],
    ['maillog', undefined],
    ['maillog.1.gz', undefined],
    ['maillog-20241399', undefined],
  ])('rotation date of %s', (name, expected) => {
    expect(rotationDateFromName(name)).toEqual(expected);
  });

  it('puts December lines of a January-rotated file in the previous year (rollover)', () => {
    const anchor = chooseYearAnchor({ fileName: 'maillog-20250105', mtime: 0 });
    expect(anchor.rule).toBe('filename');
    expect(inferYear(anchor.at, 12, 30)).toBe(2024);
    expect(inferYear(anchor.at, 12, 31)).toBe(2024);
    expect(inferYear(anchor.at, 1, 1)).toBe(2025);
    expect(inferYear(anchor.at, 1, 5)).toBe(2025);
  });

  it('tolerates lines a day or two after the anchor (late rotation, zone skew)', () => {
    const anchor = chooseYearAnchor({ fileName: 'maillog-20240804', mtime: 0 });
    expect(inferYear(anchor.at, 8, 5)).toBe(2024);
    expect(inferYear(anchor.at, 8, 20)).toBe(2023);
  });

  it('falls back to gzip MTIME, then file mtime, and says which', () => {
    const gz = chooseYearAnchor({ fileName: 'maillog.1.gz', gzipMtime: Date.UTC(2024, 7, 4), mtime: Date.UTC(2026, 0, 1) });
    expect(gz.rule).toBe('gzip-mtime');
    expect(inferYear(gz.at, 8, 3)).toBe(2024);
    const m = chooseYearAnchor({ fileName: 'maillog', mtime: Date.UTC(2024, 7, 4) });
    expect(m.evidence).toBe('mtime:2024-08-04T00:00:00.000Z');
    expect(chooseYearAnchor({ fileName: 'maillog-20240804', mtime: 0, override: 2023 }).rule).toBe('option');
  });
});
