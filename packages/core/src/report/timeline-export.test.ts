import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { neutralizeFormula, timelineCsv, timelineFormatOf } from './timeline-export.js';
import type { TimelineEntry } from './timeline.js';

const entry = (message: string, account: string | null = null): TimelineEntry => ({
  ts: Date.parse('2024-08-03T01:02:03.004Z'),
  type: 'http.request',
  account,
  ip: '203.0.113.66',
  message,
  source: { file: 'webmail/access_log', line: 7 },
});

describe('timeline CSV', () => {
  it('neutralizes cells a spreadsheet would run as formulas', () => {
    expect(neutralizeFormula('=HYPERLINK("http://x")')).toBe(`'=HYPERLINK("http://x")`);
    for (const c of ['+1', '-2', '@SUM(A1)', '\tx', '\rx']) expect(neutralizeFormula(c).startsWith("'")).toBe(true);
    expect(neutralizeFormula('GET /am_bin/')).toBe('GET /am_bin/');
  });

  it('quotes commas, quotes and newlines so every row parses back to its fields', () => {
    const hostile = 'GET /x?a="1",b=2\nInjected,row';
    const rows = parse(timelineCsv([entry(hostile, '=cmd|calc@example.jp')]), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.message).toBe(hostile);
    expect(rows[0]!.account).toBe(`'=cmd|calc@example.jp`);
    expect(rows[0]!.datetime).toBe('2024-08-03T01:02:03.004+00:00');
    expect(rows[0]!.timestamp).toBe(String(Date.parse('2024-08-03T01:02:03.004Z') * 1000));
    expect(rows[0]!.timestamp_desc).toBe('Request time');
  });

  it('takes the format from the file name', () => {
    expect(timelineFormatOf('case/t.CSV')).toBe('csv');
    expect(timelineFormatOf('t.jsonl')).toBe('jsonl');
    expect(() => timelineFormatOf('t.xlsx')).toThrow(/\.csv or \.jsonl/);
  });
});
