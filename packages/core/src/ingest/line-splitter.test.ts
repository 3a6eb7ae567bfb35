import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LineSplitter, type Line } from './line-splitter.js';

function split(chunks: Buffer[], max = 1024): Array<{ text: string; length: number; truncated: boolean; number: number }> {
  const out: Array<{ text: string; length: number; truncated: boolean; number: number }> = [];
  const s = new LineSplitter(max);
  const on = (l: Line) => out.push({ text: l.bytes.toString('latin1'), length: l.length, truncated: l.truncated, number: l.number });
  for (const c of chunks) s.push(c, on);
  s.end(on);
  return out;
}

/** Every way of cutting `data` at the given points. */
function cut(data: Buffer, points: number[]): Buffer[] {
  const sorted = [...new Set(points.map((p) => p % (data.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of sorted) {
    out.push(data.subarray(at, p));
    at = p;
  }
  out.push(data.subarray(at));
  return out;
}

describe('LineSplitter', () => {
  it.each([
    ['LF', 'a\nb\n', ['a', 'b']],
    ['CRLF', 'a\r\nb\r\n', ['a', 'b']],
    ['mixed endings, no final newline', 'a\r\nb\nc', ['a', 'b', 'c']],
    ['empty lines kept', '\n\nx\n', ['', '', 'x']],
    ['lone CR inside a line is data', 'a\rb\n', ['a\rb']],
  ])('%s', (_name, input, expected) => {
    expect(split([Buffer.from(input)]).map((l) => l.text)).toEqual(expected);
  });

  it('keeps an overlong line as a prefix with its true length, and counts on', () => {
    const long = 'X'.repeat(5000);
    const lines = split([Buffer.from(`short\n${long}\nafter\n`)], 1024);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatchObject({ length: 5000, truncated: true, number: 2 });
    expect(lines[1]!.text).toBe('X'.repeat(1024));
    expect(lines[2]).toMatchObject({ text: 'after', number: 3, truncated: false });
  });

  it('gives the same lines fed whole or one byte at a time', () => {
    const data = Buffer.from(`Aug  3 x\r\n\nyy\n${'Z'.repeat(3000)}\nlast`);
    const bytes = [...data].map((b) => Buffer.from([b]));
    expect(split(bytes)).toEqual(split([data]));
  });

  it('property: any chunking gives the same lines', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.integer({ min: 1, max: 300 }),
        (data, points, max) => {
          expect(split(cut(data, points), max)).toEqual(split([data], max));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: no byte is lost — line lengths plus line endings add up to the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)), fc.integer({ min: 1, max: 200 }), (data, max) => {
        const lines = split([data], max);
        // Walk the input: each line is `length` bytes, then CRLF or LF (or nothing at the end).
        let at = 0;
        for (const l of lines) {
          at += l.length;
          if (data[at] === 13 && data[at + 1] === 10) at += 2;
          else if (data[at] === 10) at += 1;
        }
        expect(at).toBe(data.length);
        expect(lines.every((l) => l.text.length <= max)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
