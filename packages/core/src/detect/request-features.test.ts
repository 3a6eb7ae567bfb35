import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { requestFeatures } from './request-features.js';

/** Percent-encodes bytes the way a browser form does (every byte, upper-case hex). */
const pct = (bytes: readonly number[]): string => bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
/** Apache's log escaping of raw non-ASCII request bytes. */
const apacheEscaped = (text: string): string => [...Buffer.from(text)].map((b) => (b >= 0x80 ? `\\x${b.toString(16)}` : String.fromCharCode(b))).join('');

describe('request features on decoded bytes', () => {
  // 請求書 in Shift_JIS (0x90BF 0x8B81 0x8F91) and EUC-JP (0xC0C1 0xB5E1 0xBDF1): both carry bytes a
  // naive counter reads as sleds or binary.
  const sjis = [0x90, 0xbf, 0x8b, 0x81, 0x8f, 0x91];
  const eucjp = [0xc0, 0xc1, 0xb5, 0xe1, 0xbd, 0xf1];
  it.each([
    ['UTF-8 Japanese, percent-encoded (名 is %E5%90%8D)', `/am_bin/am_main.cgi/mail_search?query=${encodeURIComponent('氏名 請求書 見積書 '.repeat(60))}`],
    ['UTF-8 Japanese, raw bytes as Apache logs them', `/am_bin/am_main.cgi/mail_search?query=${apacheEscaped('氏名 請求書 '.repeat(60))}`],
    ['Shift_JIS text, percent-encoded', `/am_bin/am_main.cgi/mail_search?query=${pct(sjis).repeat(80)}`],
    ['EUC-JP text, percent-encoded', `/am_bin/am_main.cgi/mail_search?query=${pct(eucjp).repeat(80)}`],
    ['%u-escaped Japanese from an old escape()', `/am_bin/am_main.cgi/mail_search?query=${'%u8ACB%u6C42%u66F8%u0020'.repeat(60)}`],
    ['emoji and Korean, percent-encoded', `/am_bin/am_main.cgi/mail_search?q=${encodeURIComponent('회의록 📎 '.repeat(80))}`],
    ['CR LF in a form field', '/am_bin/am_main.cgi/mail_send?body=line1%0D%0Aline2%09tab'],
  ])('%s: no sled, no binary, no control bytes', (_name, target) => {
    const f = requestFeatures(target);
    expect(f.sledRun).toBeLessThan(4);
    expect(f.binaryBytes).toBe(0);
    expect(f.controlBytes).toBe(0);
    expect(f.longestRun).toBeLessThan(16);
  });

  it.each([
    ['%90 × 20', `/x?a=${'%90'.repeat(20)}`, 20],
    ['\\x90 × 20 (raw bytes, escaped by Apache)', `/x?a=${'\\x90'.repeat(20)}`, 20],
    ['%u9090 × 10', `/x?a=${'%u9090'.repeat(10)}`, 20],
    ['a sled after UTF-8 text', `/x?q=${encodeURIComponent('名前')}${'%90'.repeat(12)}`, 12],
  ])('a sled: %s', (_name, target, run) => {
    expect(requestFeatures(target).sledRun).toBe(run);
  });

  it('counts binary bytes, control bytes, format specifiers, escapes and runs', () => {
    const shellcode = pct([0x31, 0xc0, 0x50, 0x68, 0x2f, 0x2f, 0x73, 0x68, 0x89, 0xe3, 0x50, 0x53, 0x89, 0xe1, 0xb0, 0x0b, 0xcd, 0x80, 0xff, 0xfe, 0x80, 0x81]);
    const f = requestFeatures(`/x?a=${shellcode}&b=%00&c=%n%n%x%s%25n&e=${'B'.repeat(300)}`);
    expect(f.binaryBytes).toBeGreaterThanOrEqual(4);
    expect(f.controlBytes).toBe(2); // 0x0b inside the shellcode, and %00
    expect(f.formatSpecifiers).toBe(5);
    expect(f.longestRun).toBe(300);
    expect(f.runChar).toBe('B');
    expect(requestFeatures('/am_bin/amlogin?%41%42')).toMatchObject({ sledRun: 0, controlBytes: 0, formatSpecifiers: 0, decodedBytes: 18, escapes: 2 });
  });

  it('names a run character printably, whatever it is', () => {
    expect(requestFeatures(`/x?${'%01'.repeat(40)}`).runChar).toBe('\\u0001');
    expect(requestFeatures(`/x?${'%FF'.repeat(40)}`).runChar).toBe('\\xff');
    expect(requestFeatures(`/x?${'%u9090'.repeat(40)}`).runChar).toBe('邐');
  });

  it('is linear on a megabyte of hostile input', () => {
    const f = requestFeatures('%u9090'.repeat(200_000));
    expect(f.unicodeEscapes).toBe(200_000);
    expect(f.sledRun).toBe(400_000);
  });
});

describe('request features, properties', () => {
  it('any text a browser percent-encodes has no sled, no binary and no control bytes it did not have', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const f = requestFeatures(`/am_bin/am_main.cgi/mail_search?query=${encodeURIComponent(text)}`);
        const controls = [...text].filter((c) => {
          const code = c.codePointAt(0)!;
          return (code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 127;
        }).length;
        expect(f.sledRun).toBe(0);
        expect(f.binaryBytes).toBe(0);
        expect(f.controlBytes).toBe(controls);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws, and its run character never carries a control character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (target) => {
        const f = requestFeatures(target);
        expect(f.decodedBytes).toBeGreaterThanOrEqual(0);
        expect(/[\x00-\x1f\x7f-\x9f]/.test(f.runChar)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
