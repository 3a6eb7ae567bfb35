/**
 * Reads one evidence file exactly once: raw bytes are hashed (SHA-256) as they stream, and
 * decompressed by sniffed kind. The file is opened read-only and nothing is ever written to it.
 *
 * A decoding failure is not thrown: the bytes decoded before it are kept, the rest of the file is
 * still read so the hash covers all of it, and the failure is reported in `result.error`.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import * as zlib from 'node:zlib';
import { createGunzip } from 'node:zlib';
import type { Transform } from 'node:stream';
import { sniffCompression, gzipHeaderMtime, type Compression } from './sniff.js';
import { ZstdStreamDecoder, zstdDecoderKind } from './zstd-decoder.js';
import { MAX_NATIVE_ZSTD_WINDOW, ZstdFrameError, ZstdFrameWalker } from './zstd-frames.js';

/** 1 MiB reads: large enough for throughput, and the most zstd-codec may be fed at once. */
export const READ_BYTES = 1024 * 1024;

export interface ReadResult {
  sha256: string;
  /** Raw (compressed) size in bytes. */
  bytes: number;
  /** Decoded size in bytes. */
  decodedBytes: number;
  compression: Compression;
  /** gzip header MTIME (epoch ms), a year anchor for syslog lines. */
  gzipMtime?: number;
  /** Why decoding stopped early, or why the file could not be read. */
  error?: string;
}

/** Raw reading with the hash; `rest()` finishes hashing after a decoder gave up. */
class RawReader {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;
  private eof = false;
  /** Reads are chained: a piped decoder that was torn down may still have one in flight. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly fh: FileHandle,
    private readonly onRead?: (bytes: number) => void,
    /** The file's size when opened: small files get small buffers (100,000 tiny logs must not mean 100 GB of garbage). */
    private readonly sizeHint = Infinity,
  ) {}

  read(): Promise<Buffer | undefined> {
    const next = this.tail.then(() => this.readNext());
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async readNext(): Promise<Buffer | undefined> {
    if (this.eof) return undefined;
    // One byte more than expected, so that a file read whole is known to be at its end.
    const size = Math.min(READ_BYTES, Math.max(4096, this.sizeHint - this.bytes + 1));
    const buf = Buffer.allocUnsafe(size);
    const { bytesRead } = await this.fh.read(buf, 0, size, this.bytes);
    if (bytesRead === 0) {
      this.eof = true;
      return undefined;
    }
    const chunk = bytesRead === size ? buf : buf.subarray(0, bytesRead);
    this.hash.update(chunk);
    this.bytes += bytesRead;
    this.onRead?.(bytesRead);
    return chunk;
  }

  async *chunks(): AsyncGenerator<Buffer> {
    for (let c = await this.read(); c; c = await this.read()) yield c;
  }

  async rest(): Promise<void> {
    while (await this.read());
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * Streams the decoded bytes of `path`. Iterate `chunks()` to the end, then read `result`.
 */
export class EvidenceReader {
  readonly result: ReadResult = { sha256: '', bytes: 0, decodedBytes: 0, compression: 'none' };

  /** `onRead` is told of every raw read, for progress displays. */
  constructor(
    readonly path: string,
    private readonly onRead?: (bytes: number) => void,
    /** Size from discovery, to size read buffers; reading still goes to the real end of file. */
    private readonly sizeHint?: number,
  ) {}

  async *chunks(): AsyncGenerator<Buffer, void, undefined> {
    let fh: FileHandle;
    try {
      // O_NOFOLLOW is not used: discovery already resolved links. O_RDONLY is the point.
      fh = await open(this.path, fsConstants.O_RDONLY);
    } catch (error) {
      this.result.error = `cannot open: ${describe(error)}`;
      this.result.sha256 = '';
      return;
    }
    const raw = new RawReader(fh, this.onRead, this.sizeHint);
    try {
      const first = await raw.read();
      if (!first) {
        this.result.sha256 = raw.digest();
        return;
      }
      const kind = sniffCompression(first);
      this.result.compression = kind;
      if (kind === 'gzip') {
        const mtime = gzipHeaderMtime(first);
        if (mtime !== undefined) this.result.gzipMtime = mtime;
      }
      try {
        if (kind === 'none') {
          yield* this.count(first);
          yield* this.countAll(raw.chunks());
        } else if (kind === 'gzip') {
          yield* this.countAll(gunzip(prepend(first, raw.chunks())));
        } else if (kind === 'zstd') {
          yield* this.countAll(unzstd(prepend(first, raw.chunks())));
        } else {
          this.result.error = `unsupported compression: ${kind} (decompress it and scan the copy)`;
        }
      } catch (error) {
        this.result.error = decodeError(kind, error);
      }
      await raw.rest();
      this.result.sha256 = raw.digest();
      this.result.bytes = raw.bytes;
    } catch (error) {
      this.result.error = `read failed: ${describe(error)}`;
      this.result.bytes = raw.bytes;
    } finally {
      await fh.close();
    }
  }

  private *count(chunk: Buffer): Generator<Buffer> {
    this.result.decodedBytes += chunk.length;
    yield chunk;
  }

  private async *countAll(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      this.result.decodedBytes += chunk.length;
      yield chunk;
    }
  }
}

async function* prepend(first: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  yield* rest;
}

/**
 * Decoded chunks of 256 KiB, not zlib's default 16 KiB: every chunk costs the line splitter,
 * the batches and the threads downstream something, and at 16 KiB a native zstd decode that was
 * faster than zstd-codec made the whole scan 1.6× slower (measured on the 200,000-account
 * archive); gzip had paid the same.
 */
const ZLIB_CHUNK = 256 * 1024;

/** Multi-member gzip (concatenated members, as `cat a.gz b.gz` makes) is one stream. */
function gunzip(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  return throughZlib(createGunzip({ chunkSize: ZLIB_CHUNK }), source);
}

/**
 * A zlib transform (gunzip, zstd) over `source`.
 *
 * Output is taken from 'data' events as zlib produces it, not through the stream's async
 * iterator: on a truncated or corrupt file the iterator drops what was decoded but not yet read
 * when the error comes, so how much of the file was scanned depended on how fast the reader
 * was. Here every byte zlib decoded before the error is handed on.
 */
async function* throughZlib(z: Transform, source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const out: Buffer[] = [];
  let failure: Error | undefined;
  const failed = new Promise<void>((resolve) =>
    z.once('error', (error) => {
      failure = error;
      resolve();
    }),
  );
  const ended = new Promise<void>((resolve) => z.once('end', resolve));
  z.on('data', (chunk: Buffer) => out.push(chunk));
  try {
    for await (const chunk of source) {
      await Promise.race([new Promise<void>((resolve) => z.write(chunk, () => resolve())), failed]);
      yield* out.splice(0);
      if (failure) throw failure;
    }
    z.end();
    await Promise.race([ended, failed]);
    yield* out.splice(0);
    if (failure) throw failure;
  } finally {
    z.destroy();
  }
}

/** zstd through the runtime's libzstd where it has one (node:zlib), else zstd-codec. */
function unzstd(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  return zstdDecoderKind() === 'node:zlib' ? unzstdNative(source) : unzstdCodec(source);
}

/**
 * node:zlib's zstd, behind the frame walker: libzstd reports a stream cut inside a frame only as
 * a vague error at the end, the walker says "truncated" and where; and a frame whose window is
 * beyond libzstd's default limit is refused with the command that decodes it.
 */
async function* unzstdNative(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const walker = new ZstdFrameWalker(MAX_NATIVE_ZSTD_WINDOW);
  /** Whether every byte was read when libzstd failed: only then can the failure be a truncation. */
  let allRead = false;
  async function* walked(): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      walker.push(chunk);
      yield chunk;
    }
    allRead = true;
  }
  const createZstdDecompress = (zlib as unknown as { createZstdDecompress(o: zlib.ZlibOptions): Transform }).createZstdDecompress;
  try {
    yield* throughZlib(createZstdDecompress({ chunkSize: ZLIB_CHUNK }), walked());
  } catch (error) {
    // At the end of the input the walker's diagnosis (cut inside a frame) is the precise one;
    // mid-stream it has read ahead of the decoder, and the damage is libzstd's to name.
    if (!(error instanceof ZstdFrameError) && allRead) walker.finish();
    throw error;
  }
  walker.finish();
}

async function* unzstdCodec(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const decoder = await ZstdStreamDecoder.create();
  try {
    const out: Buffer[] = [];
    const collect = (b: Buffer): void => void out.push(b);
    for await (const chunk of source) {
      try {
        decoder.push(chunk, collect);
      } finally {
        // Whatever decoded before an error is still handed on.
        yield* out.splice(0);
      }
    }
    try {
      decoder.finish(collect);
    } finally {
      yield* out.splice(0);
    }
  } finally {
    decoder.release();
  }
}

function decodeError(kind: Compression, error: unknown): string {
  const message = describe(error);
  if (kind === 'gzip' && /unexpected end of file/i.test(message)) return 'truncated gzip: unexpected end of file';
  if (kind === 'gzip') return `corrupt gzip: ${message}`;
  if (kind === 'zstd' && /truncated/.test(message)) return `truncated zstd: ${message}`;
  if (kind === 'zstd') return `corrupt zstd: ${message}`;
  return message;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
