/** Compression is told by magic bytes, never by file name: evidence gets renamed. */

export type Compression = 'none' | 'gzip' | 'zstd' | 'bzip2' | 'xz';

/** Bytes needed to tell every supported kind apart. */
export const SNIFF_BYTES = 6;

export function sniffCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  // A zstd stream may open with a skippable frame (0x184D2A50-5F): pzstd writes one first.
  if (head.length >= 4 && (head[0]! & 0xf0) === 0x50 && head[1] === 0x2a && head[2] === 0x4d && head[3] === 0x18) return 'zstd';
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  if (
    head.length >= 6 &&
    head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58 && head[4] === 0x5a && head[5] === 0x00
  ) {
    return 'xz';
  }
  return 'none';
}

/** The MTIME field of a gzip member header (seconds), or undefined when it is 0 (unset). */
export function gzipHeaderMtime(head: Uint8Array): number | undefined {
  if (head.length < 8 || head[0] !== 0x1f || head[1] !== 0x8b) return undefined;
  const seconds = (head[4]! | (head[5]! << 8) | (head[6]! << 16) | (head[7]! << 24)) >>> 0;
  return seconds === 0 ? undefined : seconds * 1000;
}
