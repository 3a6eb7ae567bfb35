/**
 * Per-file checkpoints in `--out/.checkpoints`, so that an interrupted scan resumes without
 * reading finished files again. A finished file leaves its events (`KEY.events.jsonl.zst`, or
 * `.gz` where node:zlib has no zstd: one compact batch per line, each line its own compressed
 * member; see report/event-batch.ts and report/member-codec.ts) and then, as
 * the commit marker, its report and identity (`KEY.done.json`). Resuming replays those events
 * through the same pipeline, so detection, summaries and every output come out as an
 * uninterrupted run's. A file whose size or mtime changed since is read again.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import path from 'node:path';
import type { MailEvent } from '../event.js';
import type { DiscoveredFile } from '../ingest/discover.js';
import { MxrayError } from '../errors.js';
import { writeFileAtomic } from '../report/atomic-write.js';
import { eventsOfBatchLine, type EventBatch } from '../report/event-batch.js';
import { canRead, compressMember, memberCodec, memberDecompressor, type MemberCodec } from '../report/member-codec.js';
import type { FileReport } from '../ingest/file-report.js';

export const CHECKPOINT_DIR = '.checkpoints';
/** The events file's layout (4: batches as columns); a checkpoint of another layout (an older mxray) is not used. */
const FORMAT = 4;

interface DoneRecord {
  format?: number;
  /** How the events file's members are compressed. */
  codec?: MemberCodec;
  root: string;
  path: string;
  size: number;
  mtimeMs: number;
  report: FileReport;
}

export interface SavedFile {
  report: FileReport;
  /** The file's events in their original batches, in order. */
  events(): AsyncGenerator<MailEvent[]>;
}

/** A checkpoint's events file: one compressed member per batch (made on the worker thread that read the batch, when there is one). */
export class CheckpointWriter {
  private readonly sink: WriteStream;
  private readonly closed: Promise<void>;
  private failure: Error | undefined;
  private members = 0;
  private bytes = 0;
  private readonly path: string;

  constructor(
    private readonly store: CheckpointStore,
    private readonly file: DiscoveredFile,
  ) {
    this.path = store.eventsPath(file);
    this.sink = createWriteStream(this.path);
    this.sink.on('error', (error: Error) => {
      this.failure ??= error;
      this.sink.destroy();
    });
    this.closed = new Promise((resolve) => this.sink.once('close', () => resolve()));
  }

  private check(): void {
    if (this.failure) {
      throw new MxrayError('MXRAY_WRITE_FAILED', `cannot write checkpoint ${this.path}: ${this.failure.message}`, { cause: this.failure });
    }
  }

  async write(batch: EventBatch): Promise<void> {
    this.check();
    if (batch.events.length === 0) return;
    this.members++;
    const member = batch.member(this.store.codec);
    // The activity spool reads flagged batches back from here instead of keeping a second copy.
    batch.stored = { path: this.path, offset: this.bytes, length: member.byteLength };
    this.bytes += member.byteLength;
    if (!this.sink.write(member)) await Promise.race([once(this.sink, 'drain'), this.closed]);
    this.check();
  }

  /** Closes the events file, then writes the commit marker. */
  async commit(report: FileReport): Promise<void> {
    // A file without events still leaves one member (an empty file is not valid gzip).
    this.sink.end(this.members === 0 ? compressMember('', this.store.codec) : undefined);
    await this.closed;
    this.check();
    const record: DoneRecord = { format: FORMAT, codec: this.store.codec, root: this.file.root, path: this.file.path, size: this.file.size, mtimeMs: this.file.mtimeMs, report };
    await writeFileAtomic(this.store.donePath(this.file), JSON.stringify(record));
  }

  /**
   * An unfinished file leaves no commit marker, so `--resume` reads it again (and its events file
   * is written anew). The events written so far stay until then, or until a complete scan removes
   * the checkpoints: the activity spool of this scan points into them.
   */
  async abort(): Promise<void> {
    this.sink.end();
    await this.closed.catch(() => undefined);
  }
}

export class CheckpointStore {
  readonly dir: string;
  /** What this scan compresses its members with (a resume reads the codec each checkpoint names). */
  constructor(
    outDir: string,
    readonly codec: MemberCodec = memberCodec(),
  ) {
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

  eventsPath(file: DiscoveredFile, codec: MemberCodec = this.codec): string {
    return path.join(this.dir, `${this.key(file)}.events.jsonl.${codec === 'zstd' ? 'zst' : 'gz'}`);
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
    // A checkpoint this runtime cannot read (zstd, written under a newer Node) is read again from the evidence.
    const codec = record.codec;
    if (record.format !== FORMAT || codec === undefined || !canRead(codec) || record.root !== file.root || record.path !== file.path || record.size !== file.size || record.mtimeMs !== file.mtimeMs) return undefined;
    const eventsPath = this.eventsPath(file, codec);
    return {
      report: record.report,
      async *events() {
        const input = createReadStream(eventsPath).pipe(memberDecompressor(codec));
        const reader = createInterface({ input, crlfDelay: Infinity });
        const lines = reader[Symbol.asyncIterator]();
        try {
          for (;;) {
            let batch: MailEvent[];
            try {
              const next = await lines.next();
              if (next.done) return;
              if (next.value === '') continue;
              batch = eventsOfBatchLine(next.value);
            } catch (error) {
              // Some of its events may already be counted: starting over is the only safe answer.
              throw new MxrayError('MXRAY_NO_INPUT', `the checkpoint of ${file.path} is damaged (${(error as Error).message}); scan again without --resume`, { cause: error });
            }
            yield batch;
          }
        } finally {
          // Also when the caller stops early (an aborted resume): no file left open.
          reader.close();
          input.destroy();
        }
      },
    };
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
