import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FORMATS, detectFormat, readKeyValues, normalizeIp, redactSecrets } from '../internal.js';
import { parseLines } from '../../../../test/helpers/parse-lines.js';
import { accessLines, dovecotLines, postfixLines, headerDump, otherFormatLines } from '../../../../test/fixtures/lines.js';

const realLines: string[] = [
  ...Object.values(postfixLines),
  ...Object.values(dovecotLines),
  ...Object.values(accessLines),
  ...Object.values(otherFormatLines),
  ...headerDump,
];

/** A real line with random edits: the shapes attackers and broken disks produce. */
const mutatedLine = fc
  .tuple(fc.constantFrom(...realLines), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.string({ unit: 'binary', maxLength: 12 })), { maxLength: 4 }))
  .map(([line, edits]): string => edits.reduce<string>((s, [at, del, ins]) => s.slice(0, at % (s.length + 1)) + ins + s.slice((at % (s.length + 1)) + del), line));

describe('parsers under arbitrary input', () => {
  for (const format of FORMATS) {
    it(`${format.id}: never throws, and every line is an event, an error or ignored`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.oneof(mutatedLine, fc.string({ unit: 'binary', maxLength: 300 })), { maxLength: 30 }), async (lines) => {
          const { events, errors, ignored } = await parseLines(format, lines, { file: 'x.eml' });
          if (format.id !== 'mail-headers') {
            // Line formats account for each line exactly once.
            const seen = new Set([...events.map((e) => e.line), ...errors.map((e) => e.line), ...ignored]);
            expect(seen.size).toBe(lines.length);
          }
          for (const e of events) expect(Number.isFinite(e.ts)).toBe(true);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('every shape in the fixtures is read by the format chosen for it, without a parse error', async () => {
    for (const line of Object.values(otherFormatLines)) {
      const format = detectFormat([line]);
      expect(format, line).toBeDefined();
      const { events, errors } = await parseLines(format!, [line]);
      expect(errors, line).toEqual([]);
      expect(events.length, line).toBeGreaterThan(0);
    }
  });

  it('key=value reader, IP normalizer and redactor never throw', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        readKeyValues(s);
        normalizeIp(s);
        // Whatever the password holds, nothing of it survives.
        expect(redactSecrets(`x (given password: ${s})`)).toBe('x (given password: [REDACTED])');
      }),
    );
  });
});
