import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canRead, codecOf, compressMember, decompressMember, memberCodec, type MemberCodec } from './member-codec.js';

const codecs: MemberCodec[] = canRead('zstd') ? ['gzip', 'zstd'] : ['gzip'];

describe('compressed members of checkpoints and the spool', () => {
  it.each(codecs)('%s: any text comes back as it went in, and says its codec (property)', (codec) => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        const member = compressMember(text, codec);
        expect(codecOf(member)).toBe(codec);
        expect(decompressMember(member).toString('utf8')).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it.each(codecs)('%s: text in parts is the parts joined, whatever their sizes and the members made before (property)', (codec) => {
    // Parts are encoded one after another into a buffer that is kept between members and grows.
    const part = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.nat({ max: 3 }).map((k) => ['a', 'é', '日本', '🙂'][k]!.repeat(200_000 + k)));
    fc.assert(
      fc.property(fc.array(fc.array(part, { maxLength: 4 }), { minLength: 1, maxLength: 4 }), (texts) => {
        const members = texts.map((parts) => compressMember(parts, codec));
        for (const [i, member] of members.entries()) expect(decompressMember(member).toString('utf8')).toBe(texts[i]!.join(''));
      }),
      { numRuns: 40 },
    );
  });

  it('refuses bytes that are no member, and a member cut short', () => {
    expect(() => decompressMember(Buffer.from('{"f":"x"}\n'))).toThrow(/not a compressed member/);
    for (const codec of codecs) {
      const member = compressMember('x'.repeat(10_000) + 'y'.repeat(10_000), codec);
      expect(() => decompressMember(member.subarray(0, member.length - 6))).toThrow();
    }
  });

  it('is zstd where node:zlib has it, gzip where it does not or MXRAY_MEMBERS=gzip', () => {
    expect(memberCodec({})).toBe(canRead('zstd') ? 'zstd' : 'gzip');
    expect(memberCodec({ MXRAY_MEMBERS: 'gzip' })).toBe('gzip');
  });
});
