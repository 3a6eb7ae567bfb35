import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectFormat, formatById } from '../internal.js';
import { parseLines } from '../../../../test/helpers/parse-lines.js';

// IIS W3C extended lines written for these tests after the W3C and IIS field documentation;
// documentation ranges.
const w3c = formatById('w3c')!;
const HEAD = [
  '#Software: Microsoft Internet Information Services 10.0',
  '#Version: 1.0',
  '#Date: 2024-08-02 19:00:00',
  '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken',
];

describe('W3C extended (IIS, OWA)', () => {
  it('reads a request by the #Fields columns: UTC time, client, user, agent, status, bytes', async () => {
    const { events, errors, ignored } = await parseLines(w3c, [
      ...HEAD,
      '2024-08-02 19:12:09 192.0.2.10 POST /owa/auth.owa - 443 Taro@Example.co.jp 203.0.113.7 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) https://mail.example.jp/owa/ 302 0 0 512 1830 31',
      '2024-08-02 19:12:10 192.0.2.10 GET /owa/service.svc action=GetItem&id=1 443 - 203.0.113.8 - - 200 0 0 18231 920 12',
    ]);
    expect(errors).toEqual([]);
    expect(ignored).toEqual([1, 2, 3, 4]);
    expect(events[0]).toMatchObject({
      kind: 'http.request',
      ts: Date.UTC(2024, 7, 2, 19, 12, 9),
      ip: '203.0.113.7',
      account: 'taro@example.co.jp',
      method: 'POST',
      path: '/owa/auth.owa',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
      referer: 'https://mail.example.jp/owa/',
      status: 302,
      bytesOut: 512,
      bytesIn: 1830,
    });
    expect(events[1]).toMatchObject({ path: '/owa/service.svc?action=GetItem&id=1', status: 200, ip: '203.0.113.8' });
    expect(events[1]!.account).toBeUndefined();
  });

  it('follows a new #Fields directive, and takes the client from X-Forwarded-For behind an internal proxy', async () => {
    const { events } = await parseLines(w3c, [
      ...HEAD,
      '#Fields: date time cs-method cs-uri-stem cs-uri-query c-ip sc-status X-Forwarded-For',
      '2024-08-02 19:13:00 GET /owa/ - 10.0.0.5 200 198.51.100.99,203.0.113.9',
    ]);
    expect(events).toMatchObject([{ ip: '203.0.113.9', forwardedFor: ['198.51.100.99', '203.0.113.9'], status: 200 }]);
  });

  it('says why a data line before any #Fields cannot be read, and is chosen for IIS logs', async () => {
    const line = '2024-08-02 19:12:09 192.0.2.10 POST /owa/auth.owa - 443 - 203.0.113.7 - - 302 0 0 512 1830 31';
    const { errors } = await parseLines(w3c, [line]);
    expect(errors.map((e) => e.reason)).toEqual(['W3C line before any #Fields: directive']);
    expect(detectFormat([...HEAD, ...Array.from({ length: 16 }, () => line)])?.id).toBe('w3c');
  });

  it('property: no line after a #Fields directive throws, and each is an event, an error or ignored', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ maxLength: 120 }), { maxLength: 10 }), async (lines) => {
        const input = [...HEAD, ...lines.map((l) => `2024-08-02 19:12:09 ${l}`)];
        const { events, errors, ignored } = await parseLines(w3c, input);
        expect(new Set([...events.map((e) => e.line), ...errors.map((e) => e.line), ...ignored]).size).toBe(input.length);
      }),
      { numRuns: 200 },
    );
  });
});
