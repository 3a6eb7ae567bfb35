/**
 * How a batch is compressed where it is stored (checkpoints, and the activity spool that points
 * into them): zstd at level 1 where node:zlib has it (Node 22.15 and later), gzip at level 1
 * where it does not. A checkpoint is temporary, but it holds as many events as the logs hold
 * lines: measured on 36 MB of one server's batches, zstd took 84–89 ms and 5.5 MB where gzip took
 * 198–235 ms and 6.3 MB, and read back in 46–50 ms against 68–90 ms.
 *
 * Each member says what it is by its magic number, so a reader needs no other record of it.
 */
import * as zlib from 'node:zlib';
import type { Transform } from 'node:stream';

export type MemberCodec = 'zstd' | 'gzip';

/** node:zlib's zstd (Node 22.15+), which the Node 20 types this project builds against lack. */
interface ZlibZstd {
  zstdCompressSync?(bytes: Uint8Array, options: { params: Record<number, number> }): Buffer;
  zstdDecompressSync?(bytes: Uint8Array): Buffer;
  createZstdDecompress?(): Transform;
  constants: { ZSTD_c_compressionLevel?: number };
}
const zstd = zlib as unknown as ZlibZstd;
/** libzstd's parameter number for the compression level (ZSTD_c_compressionLevel). */
const ZSTD_LEVEL_PARAM = zstd.constants.ZSTD_c_compressionLevel ?? 100;

/** zstd, unless this runtime's node:zlib lacks it (Node 20) or `MXRAY_MEMBERS=gzip` asks for gzip (the tests run both). */
export function memberCodec(env: NodeJS.ProcessEnv = process.env): MemberCodec {
  return typeof zstd.zstdCompressSync === 'function' && env['MXRAY_MEMBERS'] !== 'gzip' ? 'zstd' : 'gzip';
}

/**
 * The UTF-8 of a member's text, in a buffer kept for the next member. Handing node:zlib the
 * string made it allocate a fresh buffer per member, and those allocations, not the
 * compression, were most of the cost: on one 665,000-event file, 1.27–1.34 s to compress the
 * strings against 0.30 s to encode into a kept buffer and compress that (benchmarks/RESULTS.md).
 * The compressors run synchronously, so the buffer is free again when they return.
 */
let scratch = Buffer.allocUnsafeSlow(1 << 20);
/** A kept buffer larger than this (a batch of very long lines) is let go after use. */
const SCRATCH_KEPT = 16 << 20;

function encodeParts(parts: readonly string[]): Buffer {
  let most = 0;
  for (const part of parts) most += part.length * 3;
  if (most > scratch.length) scratch = Buffer.allocUnsafeSlow(Math.max(most, scratch.length * 2));
  let at = 0;
  for (const part of parts) at += scratch.write(part, at);
  return scratch.subarray(0, at);
}

/** One member of the text that `parts` make together (parts spare the caller joining a large string). */
export function compressMember(parts: string | readonly string[], codec: MemberCodec): Uint8Array {
  const bytes = encodeParts(typeof parts === 'string' ? [parts] : parts);
  try {
    if (codec === 'zstd' && zstd.zstdCompressSync) return zstd.zstdCompressSync(bytes, { params: { [ZSTD_LEVEL_PARAM]: 1 } });
    return zlib.gzipSync(bytes, { level: zlib.constants.Z_BEST_SPEED });
  } finally {
    if (scratch.length > SCRATCH_KEPT) scratch = Buffer.allocUnsafeSlow(1 << 20);
  }
}

/** The codec of a member (or of a file of members), by its first bytes; undefined for neither. */
export function codecOf(head: Uint8Array): MemberCodec | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return undefined;
}

/** A member's text. Throws on bytes that are neither codec, or a zstd member on a runtime without zstd. */
export function decompressMember(bytes: Uint8Array): Buffer {
  const codec = codecOf(bytes);
  if (codec === 'gzip') return zlib.gunzipSync(bytes);
  if (codec === 'zstd') {
    if (!zstd.zstdDecompressSync) throw new Error('a zstd member, and this runtime has no zstd in node:zlib');
    return zstd.zstdDecompressSync(bytes);
  }
  throw new Error('not a compressed member');
}

/** A stream that decompresses a file of concatenated members of `codec`. */
export function memberDecompressor(codec: MemberCodec): Transform {
  if (codec === 'zstd' && zstd.createZstdDecompress) return zstd.createZstdDecompress();
  if (codec === 'zstd') throw new Error('this runtime has no zstd in node:zlib');
  return zlib.createGunzip();
}

/** Whether this runtime can read members of `codec`. */
export function canRead(codec: MemberCodec): boolean {
  return codec === 'gzip' || typeof zstd.createZstdDecompress === 'function';
}
