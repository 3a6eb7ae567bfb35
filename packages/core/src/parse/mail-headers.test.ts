import { describe, expect, it } from 'vitest';
import { formatById } from '../internal.js';
import { parseLines } from '../../../../test/helpers/parse-lines.js';
import { headerDump } from '../../../../test/fixtures/lines.js';

const headers = formatById('mail-headers')!;

describe('mail-headers', () => {
  it('reads Received chain, X-Originating-IP, Message-ID, Date, From and Authentication-Results', async () => {
    const { events, errors } = await parseLines(headers, [...headerDump, '', 'body text'], { file: 'msg.eml' });
    expect(errors).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'header',
      ts: Date.parse('2024-08-03T04:12:13+09:00'),
      ip: '203.0.113.7',
      receivedIps: ['192.0.2.30'],
      messageId: '<20240803041214.AB12@example.jp>',
      from: 'hanako@example.jp',
      authResults: 'mx.example.net; spf=pass smtp.mailfrom=example.jp; dkim=pass header.d=example.jp',
      line: 1,
    });
  });

  it('takes time from Received, not "now", when Date does not parse, and says so', async () => {
    const lines = headerDump.map((l) => (l.startsWith('Date:') ? 'Date: sometime last week' : l));
    const { events } = await parseLines(headers, [...lines], { file: 'msg.eml' });
    expect(events[0]!.ts).toBe(Date.parse('2024-08-03T04:12:14+09:00'));
    expect(events[0]!.detail).toContain('unparseable Date');
  });

  it('reports a repeated From header instead of silently keeping the last', async () => {
    const { events } = await parseLines(headers, [...headerDump, 'From: Mallory <mallory@example.org>'], { file: 'msg.eml' });
    expect(events[0]!.detail).toContain('duplicate from');
  });

  it('reads every message of an mbox and of a header-only dump', async () => {
    const mbox = ['From hanako@example.jp Sat Aug  3 04:12:13 2024', ...headerDump, '', 'body', 'From x@example.org Sat Aug  3 05:00:00 2024', ...headerDump, '', 'body2'];
    expect((await parseLines(headers, mbox, { file: 'inbox.mbox' })).events).toHaveLength(2);
    const dump = [...headerDump, '', ...headerDump, ''];
    expect((await parseLines(headers, dump, { file: 'dump.txt' })).events.map((e) => e.line)).toEqual([1, headerDump.length + 2]);
  });
});
