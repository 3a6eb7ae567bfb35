/**
 * zstd decompression. Node 22.15+ and 24 have it in `node:zlib` (libzstd, native: 2.4× faster
 * than zstd-codec on Node 20 was measured for issue 17); older runtimes get zstd-codec's
 * WebAssembly streaming binding, fed at most 1 MiB at a time (its heap is a fixed 16 MiB). Both
 * are guarded by the frame walker, which reports truncation and refuses windows the decoder
 * cannot take. `MXRAY_ZSTD=codec` forces zstd-codec (the tests run both).
 */
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { ZstdFrameWalker } from './zstd-frames.js';

export type ZstdDecoderKind = 'node:zlib' | 'zstd-codec';

/** The decoder this process uses: `node:zlib` where the runtime has it, unless MXRAY_ZSTD=codec. */
export function zstdDecoderKind(env: NodeJS.ProcessEnv = process.env): ZstdDecoderKind {
  return typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function' && env['MXRAY_ZSTD'] !== 'codec' ? 'node:zlib' : 'zstd-codec';
}

interface DecompressBinding {
  begin(): boolean;
  transform(chunk: Uint8Array, onOutput: (out: Uint8Array) => void): boolean;
  flush(onOutput: (out: Uint8Array) => void): boolean;
  end(onOutput: (out: Uint8Array) => void): boolean;
  delete?(): void;
}
interface ZstdBinding {
  ZstdDecompressStreamBinding: new () => DecompressBinding;
}

const require = createRequire(import.meta.url);

/**
 * Each zstd-codec module owns one fixed 16 MiB heap, enough for one decoder with an 8 MiB window
 * but not two: concurrent files would abort it. So a module serves one decoder at a time, and
 * idle modules are kept for the next file (instantiating one costs a WebAssembly compile).
 */
/**
 * An Emscripten module is a thenable: a promise resolved with it (or a `then` returning it) never
 * settles. So modules only ever travel inside a box.
 */
interface ModuleBox {
  module: ZstdBinding;
}
const idleModules: ModuleBox[] = [];

function acquireModule(): Promise<ModuleBox> {
  const idle = idleModules.pop();
  if (idle) return Promise.resolve(idle);
  return new Promise<ModuleBox>((resolve) => {
    const mod = require('zstd-codec/lib/module.js') as { run(f: (b: ZstdBinding) => void): void };
    mod.run((module) => resolve({ module }));
  });
}

export const ZSTD_FEED_BYTES = 1024 * 1024;

export class ZstdStreamDecoder {
  private readonly walker = new ZstdFrameWalker();
  private readonly binding: DecompressBinding;
  private failed = false;
  private released = false;

  private constructor(private readonly box: ModuleBox) {
    this.binding = new box.module.ZstdDecompressStreamBinding();
    this.binding.begin();
  }

  static async create(): Promise<ZstdStreamDecoder> {
    return new ZstdStreamDecoder(await acquireModule());
  }

  /** Decompresses `chunk`, calling `onOutput` with copies of the output; throws on bad data. */
  push(chunk: Uint8Array, onOutput: (out: Buffer) => void): void {
    for (let i = 0; i < chunk.length; i += ZSTD_FEED_BYTES) {
      const piece = chunk.subarray(i, i + ZSTD_FEED_BYTES);
      // Validate headers first: a too-large window must never reach the codec.
      try {
        this.walker.push(piece);
      } catch (error) {
        this.failed = true;
        throw error;
      }
      // The codec hands out views into its heap, which the next call overwrites: copy.
      const ok = this.binding.transform(piece, (out) => onOutput(Buffer.from(out)));
      if (!ok) {
        this.failed = true;
        throw new Error('zstd data is corrupt');
      }
    }
  }

  /** Flushes and checks that the stream ended on a frame boundary. */
  finish(onOutput: (out: Buffer) => void): void {
    if (!this.failed) this.binding.end((out) => onOutput(Buffer.from(out)));
    this.release();
    this.walker.finish();
  }

  /** Frees the decoder and returns its module to the pool; safe to call twice. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.binding.delete?.();
    // A module whose decoder failed may hold a damaged heap: drop it rather than reuse it.
    if (!this.failed) idleModules.push(this.box);
  }
}
