import { describe, expect, it, beforeAll } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { EvidenceReader } from './evidence-reader.js';

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

const text = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`).join('\n') + '\n');

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mxray-reader-'));
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

  it('reports a zstd frame with a --long window without crashing, hashing everything', async () => {
    const data = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (27 - 10) << 3]), Buffer.alloc(5000, 7)]);
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
