/**
 * Output of files scanned in parallel, in input order: each file's lines go to its own part file
 * as they come, and the parts are joined in input order at the end. The result is the same for
 * any concurrency, and memory does not grow with the number of lines.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, open } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { MxrayError } from '../errors.js';

/** Decides, line by line while joining, what reaches the target; may rewrite the line. */
export type LineFilter = (line: string) => string | undefined;

export class OrderedPartsWriter {
  private readonly partsDir: string;
  private readonly open = new Map<number, WriteStream>();
  private readonly written = new Set<number>();
  /** The first write error (disk full, out removed): every later call fails with it. */
  private failure: Error | undefined;

  constructor(
    private readonly outDir: string,
    partsDirName: string,
  ) {
    this.partsDir = path.join(outDir, partsDirName);
  }

  async start(): Promise<void> {
    await mkdir(this.partsDir, { recursive: true });
  }

  private partPath(index: number): string {
    return path.join(this.partsDir, `${String(index).padStart(8, '0')}.jsonl`);
  }

  /** Appends `text` (whole lines, newline-terminated) to file `index`'s part. */
  private check(): void {
    if (this.failure) {
      throw new MxrayError('MXRAY_WRITE_FAILED', `cannot write under ${this.partsDir}: ${this.failure.message}`, { cause: this.failure });
    }
  }

  async write(index: number, text: string): Promise<void> {
    this.check();
    if (text.length === 0) return;
    let stream = this.open.get(index);
    if (!stream) {
      stream = createWriteStream(this.partPath(index));
      // Without a listener a write error would crash the process instead of failing the scan.
      stream.on('error', (error) => (this.failure ??= error));
      this.open.set(index, stream);
      this.written.add(index);
    }
    if (!stream.write(text)) await once(stream, 'drain').catch(() => undefined);
    this.check();
  }

  async fileDone(index: number): Promise<void> {
    const stream = this.open.get(index);
    if (!stream) return;
    this.open.delete(index);
    stream.end();
    if (!stream.destroyed) await once(stream, 'close').catch(() => undefined);
    this.check();
  }

  /** Joins the parts in index order into `outDir/targetName`, through `filter` if given, and removes them. */
  async join(fileCount: number, targetName: string, filter?: LineFilter): Promise<string> {
    const target = path.join(this.outDir, targetName);
    const tmp = `${target}.partial`;
    try {
      for (const index of [...this.open.keys()]) await this.fileDone(index);
      const out = createWriteStream(tmp);
      for (let i = 0; i < fileCount; i++) {
        if (!this.written.has(i)) continue;
        const chunks = createReadStream(this.partPath(i));
        const pieces = filter ? filterLines(chunks, filter) : chunks;
        for await (const piece of pieces) {
          if (!out.write(piece)) await once(out, 'drain');
        }
      }
      out.end();
      await once(out, 'finish');
      const fh = await open(tmp, 'r+');
      await fh.sync();
      await fh.close();
      await rename(tmp, target);
    } catch (error) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new MxrayError('MXRAY_WRITE_FAILED', `cannot write ${target}: ${(error as Error).message}`, { cause: error });
    } finally {
      await rm(this.partsDir, { recursive: true, force: true });
    }
    return target;
  }

  /** Removes the parts without joining them (a scan that failed). */
  async discard(): Promise<void> {
    for (const index of [...this.open.keys()]) await this.fileDone(index).catch(() => undefined);
    await rm(this.partsDir, { recursive: true, force: true });
  }
}

/** Our own part files hold whole UTF-8 JSON lines, so splitting decoded text on `\n` is safe. */
async function* filterLines(chunks: AsyncIterable<Buffer | string>, filter: LineFilter): AsyncGenerator<string> {
  let carry = '';
  for await (const chunk of chunks) {
    const text = carry + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    const lines = text.split('\n');
    carry = lines.pop()!;
    let kept = '';
    for (const line of lines) {
      const out = filter(line);
      if (out !== undefined) kept += `${out}\n`;
    }
    if (kept) yield kept;
  }
  if (carry) {
    const out = filter(carry);
    if (out !== undefined) yield `${out}\n`;
  }
}
