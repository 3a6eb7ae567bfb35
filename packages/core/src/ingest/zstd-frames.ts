/**
 * Walks the zstd frame layout (RFC 8878) alongside decompression, without decoding anything.
 *
 * zstd-codec has two traps that a forensic tool cannot accept:
 * - a truncated stream ends without any error, so lost data would go unnoticed;
 * - a frame whose window does not fit its fixed 16 MiB WebAssembly heap (e.g. `zstd --long`)
 *   aborts the whole module with an unhandled rejection, which kills the process.
 * Reading the frame and block headers ourselves tells us both before the codec sees the bytes.
 */

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

/**
 * 8 MiB: the largest window zstd-codec decodes in its 16 MiB heap (measured: 2^23 works, 2^24
 * aborts). It is also zstd's own default maximum for levels up to 19, so ordinary logrotate
 * output always fits; only `--long` or `--ultra` archives exceed it.
 */
export const MAX_ZSTD_WINDOW = 8 * 1024 * 1024;

/** 128 MiB (2^27): libzstd's own default limit, which `node:zlib` keeps; `zstd --long` (2^27) fits. */
export const MAX_NATIVE_ZSTD_WINDOW = 128 * 1024 * 1024;

export class ZstdFrameError extends Error {
  constructor(
    readonly reason: 'window-too-large' | 'bad-magic' | 'reserved-block' | 'truncated',
    message: string,
  ) {
    super(message);
    this.name = 'ZstdFrameError';
  }
}

type State =
  | { at: 'magic' }
  | { at: 'frame-header' }
  | { at: 'block-header' }
  | { at: 'skip'; remaining: number; then: 'block-header' | 'magic' | 'checksum' }
  | { at: 'checksum' }
  | { at: 'skippable-size' };

export class ZstdFrameWalker {
  /** `maxWindow`: the largest window the decoder behind this walker can take. */
  constructor(private readonly maxWindow: number = MAX_ZSTD_WINDOW) {}

  private state: State = { at: 'magic' };
  /** Header bytes collected across chunk boundaries. */
  private head: number[] = [];
  private needed = 4;
  private lastBlock = false;
  private hasChecksum = false;
  frames = 0;

  /** Whether the stream so far ends exactly at a frame boundary. */
  get atFrameBoundary(): boolean {
    return this.state.at === 'magic' && this.head.length === 0 && this.frames > 0;
  }

  /**
   * Checks `chunk`; throws ZstdFrameError before a frame the codec cannot handle.
   * Returns how many bytes of the chunk may be fed to the codec: all of them, unless an error
   * is thrown.
   */
  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      const s = this.state;
      if (s.at === 'skip') {
        const n = Math.min(s.remaining, chunk.length - i);
        s.remaining -= n;
        i += n;
        if (s.remaining === 0) this.afterSkip(s.then);
        continue;
      }
      this.head.push(chunk[i++]!);
      if (s.at === 'frame-header' && this.head.length === 1) {
        this.needed = frameHeaderSize(this.head[0]!);
      }
      if (this.head.length < this.needed) continue;
      const h = this.head;
      this.head = [];
      this.onHeader(s, h);
    }
  }

  private onHeader(s: State, h: number[]): void {
    switch (s.at) {
      case 'magic': {
        const magic = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
        if (magic === ZSTD_MAGIC) {
          this.state = { at: 'frame-header' };
          this.needed = 1;
        } else if (((magic & SKIPPABLE_MASK) >>> 0) === SKIPPABLE_MAGIC) {
          this.state = { at: 'skippable-size' };
          this.needed = 4;
        } else {
          throw new ZstdFrameError('bad-magic', `not a zstd frame at frame ${this.frames + 1}`);
        }
        return;
      }
      case 'skippable-size': {
        const size = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
        this.goSkip(size, 'magic');
        return;
      }
      case 'frame-header': {
        const window = frameWindowSize(h);
        if (window > this.maxWindow) {
          throw new ZstdFrameError(
            'window-too-large',
            `zstd frame needs a ${window}-byte window; at most ${this.maxWindow} is supported here (archive made with --long?): decompress it with \`zstd -d --long=31\` and scan the copy`,
          );
        }
        this.hasChecksum = (h[0]! & 0x04) !== 0;
        this.toBlockHeader();
        return;
      }
      case 'block-header': {
        const v = h[0]! | (h[1]! << 8) | (h[2]! << 16);
        this.lastBlock = (v & 1) === 1;
        const type = (v >> 1) & 3;
        const size = v >>> 3;
        if (type === 3) throw new ZstdFrameError('reserved-block', 'corrupt zstd block header');
        const then = this.lastBlock ? (this.hasChecksum ? 'checksum' : 'magic') : 'block-header';
        this.goSkip(type === 1 ? 1 : size, then);
        return;
      }
      case 'checksum':
        this.endFrame();
        return;
      case 'skip':
        return;
    }
  }

  private goSkip(remaining: number, then: 'block-header' | 'magic' | 'checksum'): void {
    if (remaining === 0) this.afterSkip(then);
    else this.state = { at: 'skip', remaining, then };
  }

  private afterSkip(then: 'block-header' | 'magic' | 'checksum'): void {
    if (then === 'block-header') this.toBlockHeader();
    else if (then === 'checksum') {
      this.state = { at: 'checksum' };
      this.needed = 4;
    } else this.endFrame();
  }

  private toBlockHeader(): void {
    this.state = { at: 'block-header' };
    this.needed = 3;
  }

  private endFrame(): void {
    this.frames++;
    this.state = { at: 'magic' };
    this.needed = 4;
  }

  /** Throws when the stream ended inside a frame. */
  finish(): void {
    if (!this.atFrameBoundary) {
      throw new ZstdFrameError('truncated', 'zstd stream is truncated: it ends inside a frame');
    }
  }
}

function frameHeaderSize(descriptor: number): number {
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictFlag = descriptor & 3;
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]!;
  return 1 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][dictFlag]! + fcsBytes;
}

function frameWindowSize(h: number[]): number {
  const descriptor = h[0]!;
  const singleSegment = (descriptor >> 5) & 1;
  if (!singleSegment) {
    const wd = h[1]!;
    const exponent = wd >> 3;
    const mantissa = wd & 7;
    const base = 2 ** (10 + exponent);
    return base + (base / 8) * mantissa;
  }
  // Single segment: the window is the whole frame content size.
  const fcsFlag = descriptor >> 6;
  const dictBytes = [0, 1, 2, 4][descriptor & 3]!;
  const at = 1 + dictBytes;
  switch (fcsFlag) {
    case 0:
      return h[at]!;
    case 1:
      return (h[at]! | (h[at + 1]! << 8)) + 256;
    case 2:
      return (h[at]! | (h[at + 1]! << 8) | (h[at + 2]! << 16) | (h[at + 3]! << 24)) >>> 0;
    default: {
      let v = 0;
      for (let k = 7; k >= 0; k--) v = v * 256 + h[at + k]!;
      return v;
    }
  }
}
