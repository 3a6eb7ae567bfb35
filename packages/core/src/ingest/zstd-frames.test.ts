import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { ZstdFrameWalker, ZstdFrameError, MAX_ZSTD_WINDOW } from './zstd-frames.js';

const require = createRequire(import.meta.url);

async function compress(data: Buffer): Promise<Buffer> {
  const box = await new Promise<{ simple: { compress(b: Uint8Array, level: number): Uint8Array } }>((resolve) => {
    (require('zstd-codec') as { ZstdCodec: { run(f: (z: { Simple: new () => { compress(b: Uint8Array, level: number): Uint8Array } }) => void): void } }).ZstdCodec.run(
      (z) => resolve({ simple: new z.Simple() }),
    );
  });
  return Buffer.from(box.simple.compress(data, 3));
}

describe('ZstdFrameWalker', () => {
  it('accepts whole frames, fed in any chunk size, and counts them', async () => {
    const frame = await compress(Buffer.from('line\n'.repeat(50_000)));
    const two = Buffer.concat([frame, frame]);
    for (const size of [1, 7, 4096, two.length]) {
      const w = new ZstdFrameWalker();
      for (let i = 0; i < two.length; i += size) w.push(two.subarray(i, i + size));
      expect(() => w.finish()).not.toThrow();
      expect(w.frames).toBe(2);
    }
  });

  it('reports a stream cut inside a frame as truncated', async () => {
    const frame = await compress(Buffer.from('line\n'.repeat(50_000)));
    const w = new ZstdFrameWalker();
    w.push(frame.subarray(0, frame.length - 3));
    expect(() => w.finish()).toThrow(/truncated/);
  });

  it('refuses a window the codec cannot hold, before any block is read', () => {
    // Frame header: magic, descriptor (no single segment, no FCS), window descriptor 2^27 (--long=27).
    const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (27 - 10) << 3]);
    const w = new ZstdFrameWalker();
    let error: unknown;
    try {
      w.push(header);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ZstdFrameError);
    expect((error as ZstdFrameError).reason).toBe('window-too-large');
    expect(2 ** 27).toBeGreaterThan(MAX_ZSTD_WINDOW);
  });

  it('accepts an 8 MiB window and skips skippable frames', () => {
    const w = new ZstdFrameWalker();
    const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    // window 2^23, then one empty raw last block (header 0x000001)
    const frame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (23 - 10) << 3, 0x01, 0x00, 0x00]);
    w.push(Buffer.concat([skippable, frame]));
    expect(() => w.finish()).not.toThrow();
    expect(w.frames).toBe(2);
  });
});
