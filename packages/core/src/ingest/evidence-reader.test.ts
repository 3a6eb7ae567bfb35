import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { EvidenceReader } from './evidence-reader.js';
import * as zlib from 'node:zlib';
import { zstdDecoderKind } from './zstd-decoder.js';

const require = createRequire(import.meta.url);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
let dir: string;

async function zstd(data: Buffer): Promise<Buffer> {
  const box = await new Promise<{ s: { compress(b: Uint8Array, l: number): Uint8Array } }>((resolve) =>
    (require('zstd-codec') as { ZstdCodec: { run(f: (z: { Simple: new () => { compress(b: Uint8Array, l: number): Uint8Array } }) => void): void } }).ZstdCodec.run((z) =>
      resolve({ s: new z.Simple() }),
    ),
  );
  return Buffer.from(box.s.compress(data, 3));
}

async function read(name: string, data: Buffer) {
  const file = path.join(dir, name);
  await writeFile(file, data);
  const reader = new EvidenceReader(file);
  const chunks: Buffer[] = [];
  for await (const c of reader.chunks()) chunks.push(c);
  return { out: Buffer.concat(chunks), result: reader.result };
}

const text = Buffer.from(`${Array.from({ length: 40_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`).join('\n')}\n`);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mxray-reader-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('EvidenceReader', () => {
  it('reads plain text and hashes the raw bytes', async () => {
    const { out, result } = await read('plain', text);
    expect(out.equals(text)).toBe(true);
    expect(result).toMatchObject({ compression: 'none', bytes: text.length, sha256: sha(text) });
    expect(result.error).toBeUndefined();
  });

  it('reads multi-member gzip as one stream', async () => {
    const gz = Buffer.concat([gzipSync(text), gzipSync(text)]);
    const { out, result } = await read('multi.gz', gz);
    expect(out.equals(Buffer.concat([text, text]))).toBe(true);
    expect(result).toMatchObject({ compression: 'gzip', sha256: sha(gz), bytes: gz.length });
  });

  it('keeps everything that decodes before a gzip truncation, reports it, and hashes the whole file', async () => {
    const gz = gzipSync(text).subarray(0, 20_000);
    // All that zlib can decode from the cut file, whatever the reader's speed.
    const decodable = gunzipSync(gz, { finishFlush: constants.Z_SYNC_FLUSH });
    const { out, result } = await read('cut.gz', gz);
    expect(out.length).toBe(decodable.length);
    expect(text.subarray(0, out.length).equals(out)).toBe(true);
    expect(result.decodedBytes).toBe(decodable.length);
    expect(result.error).toMatch(/truncated gzip/);
    expect(result.sha256).toBe(sha(gz));
  });

  it('a slow reader of a truncated gzip gets the same bytes as a fast one', async () => {
    const gz = gzipSync(text).subarray(0, 60_000);
    const file = path.join(dir, 'slow.gz');
    await writeFile(file, gz);
    const reader = new EvidenceReader(file);
    let n = 0;
    for await (const c of reader.chunks()) {
      n += c.length;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(n).toBe(gunzipSync(gz, { finishFlush: constants.Z_SYNC_FLUSH }).length);
    expect(reader.result.error).toMatch(/truncated gzip/);
  });

  it('reads zstd and reports a truncated zstd stream with the data before the cut', async () => {
    const z = await zstd(text);
    expect((await read('ok.zst', z)).out.equals(text)).toBe(true);
    const cutZ = z.subarray(0, Math.floor(z.length / 2));
    const { out, result } = await read('cut.zst', cutZ);
    expect(result.error).toMatch(/truncated zstd/);
    expect(text.subarray(0, out.length).equals(out)).toBe(true);
    expect(result.sha256).toBe(sha(cutZ));
  });

  it('reports a zstd frame with a window beyond any decoder here (2^28) without crashing, hashing everything', async () => {
    const data = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (28 - 10) << 3]), Buffer.alloc(5000, 7)]);
    const { result } = await read('long.zst', data);
    expect(result.error).toMatch(/window/);
    expect(result.sha256).toBe(sha(data));
  });

  it('reports bzip2 and xz as unsupported, still hashing them', async () => {
    const bz = Buffer.from('BZh91AY&SY junk');
    expect((await read('x.bz2', bz)).result).toMatchObject({ compression: 'bzip2', sha256: sha(bz), error: expect.stringMatching(/unsupported/) });
    const xz = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2]);
    expect((await read('x.xz', xz)).result).toMatchObject({ compression: 'xz', sha256: sha(xz) });
  });

  it('reads a zero-byte file', async () => {
    const { out, result } = await read('empty', Buffer.alloc(0));
    expect(out.length).toBe(0);
    expect(result).toMatchObject({ bytes: 0, sha256: sha(Buffer.alloc(0)) });
  });
});

describe('zstd: node:zlib where the runtime has it, zstd-codec otherwise', () => {
  /** Runs `fn` with MXRAY_ZSTD set as given (undefined: the runtime's choice). */
  async function withDecoder<T>(choice: 'codec' | undefined, fn: () => Promise<T>): Promise<T> {
    const before = process.env.MXRAY_ZSTD;
    if (choice) process.env.MXRAY_ZSTD = choice;
    else delete process.env.MXRAY_ZSTD;
    try {
      return await fn();
    } finally {
      if (before === undefined) delete process.env.MXRAY_ZSTD;
      else process.env.MXRAY_ZSTD = before;
    }
  }
  const lines = Buffer.from(`${Array.from({ length: 40_000 }, (_, i) => `Aug  4 10:00:${String(i % 60).padStart(2, '0')} mx01 dovecot: imap-login: Login: user=<u${i}@example.jp>, rip=192.0.2.${i % 250}`).join('\n')}\n`);

  it('MXRAY_ZSTD=codec forces the fallback', () => {
    expect(zstdDecoderKind({ MXRAY_ZSTD: 'codec' })).toBe('zstd-codec');
    expect(zstdDecoderKind({})).toBe(typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function' ? 'node:zlib' : 'zstd-codec');
  });

  it('both decoders give the same bytes and the same diagnosis: whole, multi-frame, skippable frame, truncated, corrupt', async () => {
    const one = await zstd(lines);
    const half = Math.floor(lines.length / 2);
    const multi = Buffer.concat([await zstd(lines.subarray(0, half)), await zstd(lines.subarray(half))]);
    const skippable = Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4]), one]);
    const cut = one.subarray(0, Math.floor(one.length * 0.6));
    const corrupt = Buffer.from(one);
    for (let i = Math.floor(corrupt.length * 0.5); i < Math.floor(corrupt.length * 0.5) + 64; i++) corrupt[i] = 0xff;
    const cases = { one, multi, skippable, cut, corrupt };
    for (const [name, data] of Object.entries(cases)) {
      const native = await withDecoder(undefined, () => read(`${name}-a.zst`, data));
      const codec = await withDecoder('codec', () => read(`${name}-b.zst`, data));
      expect(native.result.sha256, name).toBe(codec.result.sha256);
      if (name === 'corrupt') {
        // Where in a damaged block each decoder gives up may differ; both say so and keep only true bytes.
        for (const r of [native, codec]) {
          expect(r.result.error, name).toMatch(/^corrupt zstd/);
          expect(lines.subarray(0, r.out.length).equals(r.out), name).toBe(true);
        }
        continue;
      }
      expect(native.result.error, name).toBe(codec.result.error);
      expect(native.result.compression, name).toBe('zstd');
      if (name !== 'cut') expect(native.out.equals(lines), name).toBe(true);
      expect(native.out.equals(codec.out), name).toBe(true);
      expect(lines.subarray(0, native.out.length).equals(native.out), name).toBe(true);
    }
  });

  it('a big file corrupt early is corrupt, not truncated, with either decoder', async () => {
    // Log lines in 1 MB frames (entropy-coded, so damage is detected; several frames, so the file
    // spans many 1 MiB reads and the damage comes while most of the stream is still unread).
    const frames: Buffer[] = [];
    for (let f = 0; f < 14; f++) {
      const text = Array.from({ length: 9000 }, (_, i) => `Aug  4 10:${String(i % 60).padStart(2, '0')}:00 mx01 dovecot: imap-login: Login: user=<u${f * 9000 + i}@example.jp>, rip=198.51.${i % 250}.${(i * 7) % 250}, session=<${createHash('sha256').update(`${f}.${i}`).digest('base64').slice(0, 16)}>`).join('\n');
      frames.push(await zstd(Buffer.from(`${text}\n`)));
    }
    const big = Buffer.concat(frames);
    expect(big.length).toBeGreaterThan(1.5 * (1 << 20));
    const damaged = Buffer.from(big);
    // The second frame's header sets a reserved bit: libzstd refuses it (the walker does not look),
    // while the walker has read ahead to the end of the first 1 MiB. (Flipped bytes inside raw
    // literals would go unnoticed by any decoder, `zstd -t` included: these frames carry no checksum.)
    damaged[frames[0]!.length + 4]! |= 0x08;
    for (const choice of [undefined, 'codec'] as const) {
      const r = await withDecoder(choice, () => read(`early-${choice ?? 'runtime'}.zst`, damaged));
      expect(r.result.error, choice ?? 'runtime').toMatch(/^corrupt zstd/);
    }
  });

  it.runIf(zstdDecoderKind() === 'node:zlib')('decodes a --long=27 archive natively; zstd-codec refuses it with the command that decodes it', async () => {
    // Streamed, so the size is not known up front and the frame keeps its 2^27 window (a one-shot
    // compress of a known size shrinks the window to the content).
    const constants = zlib.constants as unknown as Record<string, number>;
    const stream = (zlib as unknown as { createZstdCompress(o: object): import('node:stream').Transform }).createZstdCompress({
      params: { [constants.ZSTD_c_windowLog!]: 27, [constants.ZSTD_c_enableLongDistanceMatching!]: 1 },
    });
    const parts: Buffer[] = [];
    stream.on('data', (d: Buffer) => parts.push(d));
    await new Promise<void>((resolve) => stream.end(lines, () => resolve()));
    await new Promise<void>((resolve) => (stream.readableEnded ? resolve() : stream.once('end', () => resolve())));
    const long = Buffer.concat(parts);
    expect(long[4]! & 0x20).toBe(0); // not single-segment: the window descriptor is there
    const native = await read('long27.zst', long);
    expect(native.result.error).toBeUndefined();
    expect(native.out.equals(lines)).toBe(true);
    const codec = await withDecoder('codec', () => read('long27-codec.zst', long));
    expect(codec.result.error).toMatch(/window.*zstd -d --long=31/);
  });
});
