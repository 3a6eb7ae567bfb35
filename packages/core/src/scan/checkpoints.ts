/**
 * Per-file checkpoints in `--out/.checkpoints`, so that an interrupted scan resumes without
 * reading finished files again. A finished file leaves its events (`KEY.events.jsonl.gz`) and
 * then, as the commit marker, its report and identity (`KEY.done.json`). Resuming replays those
 * events through the same pipeline, so detection, summaries and every output come out as an
 * uninterrupted run's. A file whose size or mtime changed since is read again.
 *
 * Events are gzip-compressed at level 1: a checkpoint is temporary, but on a large archive it is
 * as many events as the logs hold lines.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createGunzip, createGzip, constants, type Gzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import path from 'node:path';
import type { MailEvent } from '../event.js';
import type { DiscoveredFile } from '../ingest/discover.js';
import { MxrayError } from '../errors.js';
import { writeFileAtomic } from '../report/atomic-write.js';
import { batchToJson, jsonlText } from '../report/json-order.js';
import type { FileReport } from './file-report.js';

export const CHECKPOINT_DIR = '.checkpoints';
const BATCH = 1000;

interface DoneRecord {
  root: string;
  path: string;
  size: number;
  mtimeMs: number;
  report: FileReport;
}

export interface SavedFile {
  report: FileReport;
  /** The file's events in their original batches' order, re-batched. */
  events(): AsyncGenerator<MailEvent[]>;
}

export class CheckpointWriter {
  private readonly gzip: Gzip;
  private readonly sink: WriteStream;
  private readonly closed: Promise<void>;
  private failure: Error | undefined;

  constructor(
    private readonly store: CheckpointStore,
    private readonly file: DiscoveredFile,
  ) {
    this.gzip = createGzip({ level: constants.Z_BEST_SPEED });
    this.sink = createWriteStream(store.eventsPath(file));
    this.gzip.pipe(this.sink);
    const fail = (error: Error): void => {
      this.failure ??= error;
      this.gzip.unpipe(this.sink);
      this.sink.destroy();
    };
    this.sink.on('error', fail);
    this.gzip.on('error', fail);
    this.closed = new Promise((resolve) => this.sink.once('close', () => resolve()));
  }

  private check(): void {
    if (this.failure) {
      throw new MxrayError('MXRAY_WRITE_FAILED', `cannot write checkpoint ${this.store.eventsPath(this.file)}: ${this.failure.message}`, { cause: this.failure });
    }
  }

  async write(events: readonly MailEvent[]): Promise<void> {
    this.check();
    const text = jsonlText(batchToJson(events));
    if (!this.gzip.write(text)) await Promise.race([once(this.gzip, 'drain'), this.closed]);
    this.check();
  }

  /** Closes the events file, then writes the commit marker. */
  async commit(report: FileReport): Promise<void> {
    this.gzip.end();
    await this.closed;
    this.check();
    const record: DoneRecord = { root: this.file.root, path: this.file.path, size: this.file.size, mtimeMs: this.file.mtimeMs, report };
    await writeFileAtomic(this.store.donePath(this.file), JSON.stringify(record));
  }

  /** An unfinished file leaves no checkpoint. */
  async abort(): Promise<void> {
    this.gzip.end();
    await this.closed.catch(() => undefined);
    await rm(this.store.eventsPath(this.file), { force: true });
  }
}

export class CheckpointStore {
  readonly dir: string;

  constructor(outDir: string) {
    this.dir = path.join(outDir, CHECKPOINT_DIR);
  }

  async start(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
    } catch (error) {
      throw new MxrayError('MXRAY_WRITE_FAILED', `cannot create ${this.dir}: ${(error as Error).message}`, { cause: error });
    }
  }

  private key(file: DiscoveredFile): string {
    return createHash('sha256').update(`${file.root}\0${file.path}`).digest('hex').slice(0, 32);
  }

  eventsPath(file: DiscoveredFile): string {
    return path.join(this.dir, `${this.key(file)}.events.jsonl.gz`);
  }

  donePath(file: DiscoveredFile): string {
    return path.join(this.dir, `${this.key(file)}.done.json`);
  }

  writer(file: DiscoveredFile): CheckpointWriter {
    return new CheckpointWriter(this, file);
  }

  /** The checkpoint of a finished file, if it has one and the file is unchanged. */
  async load(file: DiscoveredFile): Promise<SavedFile | undefined> {
    let record: DoneRecord;
    try {
      record = JSON.parse(await readFile(this.donePath(file), 'utf8')) as DoneRecord;
    } catch {
      return undefined;
    }
    if (record.root !== file.root || record.path !== file.path || record.size !== file.size || record.mtimeMs !== file.mtimeMs) return undefined;
    const eventsPath = this.eventsPath(file);
    return {
      report: record.report,
      async *events() {
        let batch: MailEvent[] = [];
        try {
          const input = createReadStream(eventsPath).pipe(createGunzip());
          for await (const line of createInterface({ input, crlfDelay: Infinity })) {
            if (line === '') continue;
            const e = JSON.parse(line) as MailEvent & { time?: string };
            delete e.time;
            batch.push(e);
            if (batch.length >= BATCH) {
              yield batch;
              batch = [];
            }
          }
        } catch (error) {
          // Some of its events may already be counted: starting over is the only safe answer.
          throw new MxrayError('MXRAY_NO_INPUT', `the checkpoint of ${file.path} is damaged (${(error as Error).message}); scan again without --resume`, { cause: error });
        }
        if (batch.length) yield batch;
      },
    };
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
