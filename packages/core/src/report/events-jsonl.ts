/**
 * events.jsonl with files scanned in parallel: each file's events go to its own part file as they
 * come, and the parts are joined in input order at the end. The result is the same for any
 * concurrency, and memory does not grow with the number of events.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, open } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import type { MailEvent } from '../event.js';
import { MxrayError } from '../errors.js';
import { eventToJson } from './json-order.js';

export class EventsJsonlWriter {
  private readonly partsDir: string;
  private readonly open = new Map<number, WriteStream>();
  private readonly written = new Set<number>();

  constructor(private readonly outDir: string) {
    this.partsDir = path.join(outDir, '.events-parts');
  }

  async start(): Promise<void> {
    await mkdir(this.partsDir, { recursive: true });
  }

  private partPath(index: number): string {
    return path.join(this.partsDir, `${String(index).padStart(8, '0')}.jsonl`);
  }

  async write(index: number, events: readonly MailEvent[]): Promise<void> {
    let stream = this.open.get(index);
    if (!stream) {
      stream = createWriteStream(this.partPath(index));
      this.open.set(index, stream);
      this.written.add(index);
    }
    let text = '';
    for (const e of events) text += `${eventToJson(e)}\n`;
    if (!stream.write(text)) await once(stream, 'drain');
  }

  async fileDone(index: number): Promise<void> {
    const stream = this.open.get(index);
    if (!stream) return;
    this.open.delete(index);
    stream.end();
    await once(stream, 'finish');
  }

  /** Joins the parts in index order into `events.jsonl` and removes them. */
  async finish(fileCount: number): Promise<string> {
    const target = path.join(this.outDir, 'events.jsonl');
    const tmp = `${target}.partial`;
    try {
      const out = createWriteStream(tmp);
      for (let i = 0; i < fileCount; i++) {
        if (!this.written.has(i)) continue;
        for await (const chunk of createReadStream(this.partPath(i))) {
          if (!out.write(chunk)) await once(out, 'drain');
        }
      }
      out.end();
      await once(out, 'finish');
      const fh = await open(tmp, 'r+');
      await fh.sync();
      await fh.close();
      await rename(tmp, target);
    } catch (error) {
      throw new MxrayError('MXRAY_WRITE_FAILED', `cannot write ${target}: ${(error as Error).message}`, { cause: error });
    } finally {
      await rm(this.partsDir, { recursive: true, force: true });
    }
    return target;
  }
}
