import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MailEvent } from '../event.js';
import { shapeEvent } from '../parse/event-shape.js';
import type { ParsedEvent } from '../parse/format.js';
import { phaseOf } from '../time/window.js';
import { parsedEventFields } from '../../../../test/helpers/arbitrary-events.js';
import { EVENT_COLUMNS, RECORD_COLUMNS, RecordWriter, eventOfRow } from './records.js';

const window = { since: Date.parse('2024-08-02T15:00:00Z'), until: Infinity };
const phase = (ts: number): MailEvent['phase'] => phaseOf(ts, window);

/** Through JSON both ways, as JSONEachRow carries a row to ClickHouse and back. */
const roundTrip = (e: MailEvent): MailEvent => {
  const row = JSON.parse(new RecordWriter('load-1', e.source.file).line(e, 7)) as Record<string, unknown>;
  const back: Record<string, unknown> = {};
  for (const c of EVENT_COLUMNS) back[c] = row[c];
  return eventOfRow(back, phase);
};

const event = (parsed: Partial<ParsedEvent> & Pick<ParsedEvent, 'ts' | 'kind' | 'app'>, line = 3, length = 120, truncated = false): MailEvent =>
  shapeEvent(parsed as ParsedEvent, phase(parsed.ts), { file: 'mx01/maillog', line }, length, truncated);

describe('records: an event as a row and back', () => {
  it('keeps absent, empty and zero apart', () => {
    const cases: MailEvent[] = [
      event({ ts: Date.parse('2024-08-03T01:00:00Z'), kind: 'http.request', app: 'httpd', ip: '203.0.113.9', method: 'GET', path: '', status: 0 }),
      event({ ts: Date.parse('2024-08-01T01:00:00Z'), kind: 'auth.success', app: 'dovecot', account: 'taro', protocol: 'imap' }),
      event({ ts: Date.parse('2024-08-04T01:00:00Z'), kind: 'mail.submit', app: 'postfix/qmgr', account: 'hanako', from: 'hanako@example.jp', to: [] }),
      event({ ts: Date.parse('2024-08-04T01:00:00Z'), kind: 'header', app: 'headers', receivedIps: ['198.51.100.1', '2001:db8::1'], authResults: 'spf=fail' }, 9, 300_000, true),
    ];
    for (const e of cases) expect(roundTrip(e)).toStrictEqual(e);
    const [req] = cases;
    expect(roundTrip(req!).path).toBe('');
    expect(roundTrip(req!).status).toBe(0);
    expect(roundTrip(cases[1]!).path).toBeUndefined();
  });

  it('the phase is the reader\'s window, not the loader\'s', () => {
    const e = event({ ts: Date.parse('2024-08-05T00:00:00Z'), kind: 'auth.failure', app: 'dovecot', account: 'x' });
    const row = JSON.parse(new RecordWriter('l', e.source.file).line(e, 0)) as Record<string, unknown>;
    expect(eventOfRow(row, () => 'baseline').phase).toBe('baseline');
    expect(row.phase).toBeUndefined();
  });

  it('a row names only columns of the table, each once; a full event names them all', () => {
    const names = RECORD_COLUMNS.map(([c]) => c);
    expect(new Set(names).size).toBe(names.length);
    const full = event(
      { ts: 0, kind: 'http.request', app: 'httpd', host: 'h', protocol: 'http', account: 'a', ip: '192.0.2.1', localIp: '192.0.2.2', method: 'GET', path: '/', status: 200, bytesIn: 1, bytesOut: 2, userAgent: 'u', referer: 'r', forwardedFor: ['192.0.2.3'], queueId: 'q', session: 's', attempts: 1, detail: 'd', from: 'f', to: ['t'], messageId: 'm', receivedIps: ['192.0.2.4'], authResults: 'x' },
      1,
      10,
      true,
    );
    expect(Object.keys(JSON.parse(new RecordWriter('l', 'f').line(full, 0))).sort()).toEqual([...names].sort());
    const sparse = Object.keys(JSON.parse(new RecordWriter('l', 'f').line(event({ ts: 0, kind: 'session.end', app: 'dovecot' }), 0)));
    expect(sparse.every((k) => names.includes(k))).toBe(true);
    expect(sparse).not.toContain('account');
  });

  it('any text an attacker wrote comes back as it went in (property)', () => {
    fc.assert(
      fc.property(
        parsedEventFields(fc.string({ unit: 'grapheme', maxLength: 40 })),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.boolean(),
        (parsed, line, truncated) => {
          const clean = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined)) as ParsedEvent;
          const e = event(clean, line, 50, truncated);
          expect(roundTrip(e)).toStrictEqual(e);
        },
      ),
    );
  });
});
