/**
 * Many files: discovery, then each file through `scanFileEvents` with a bounded number in flight
 * (p-limit). Results are put back in input order, so nothing downstream depends on which file
 * finished first.
 */
import pLimit from 'p-limit';
import type { MailEvent } from '../event.js';
import { discover, type DiscoveredFile, type SkippedEntry } from '../ingest/discover.js';
import { ScanSummaryBuilder, type ScanSummary } from '../aggregate/scan-summary.js';
import { DEFAULT_WORKERS, resolveScanOptions, type ResolvedScanOptions, type ScanOptions } from './options.js';
import { scanFileEvents } from './scan-file.js';
import { FileWorkers } from './file-workers.js';
import { INTERRUPTED, NOT_SCANNED, newFileReport, type FileReport } from '../ingest/file-report.js';
import type { CheckpointStore } from './checkpoints.js';
import { EventBatch } from '../report/event-batch.js';
import type { LoadRecord } from '../report/manifest.js';

export interface ScanProgress {
  /** What the scan is doing: reading files, then (scanToDirectory) finishing detection, then writing outputs. */
  phase: 'reading' | 'detecting' | 'writing';
  files: number;
  filesDone: number;
  /** Raw (compressed) bytes of every file, and how many have been read so far. */
  bytes: number;
  bytesRead: number;
  /** Lines and decoded bytes of the files done (counted when each file ends). */
  lines: number;
  decodedBytes: number;
}

export interface ScanHooks {
  /** Each batch of a file's events, in line order within the file. Files interleave. */
  onEvents?(events: readonly MailEvent[], fileIndex: number, file: DiscoveredFile): void | Promise<void>;
  onFileDone?(report: FileReport, fileIndex: number): void | Promise<void>;
  onProgress?(progress: ScanProgress): void;
  /**
   * The hooks store every batch (an activity spool, checkpoints): worker threads then pay, since
   * batches arrive in their compact form (`EventBatch.compact`) made in parallel.
   */
  serializesEvents?: boolean;
  /** The hooks write every event's output line (`EventBatch.outputLines`, events.jsonl): workers make them too. */
  writesEventLines?: boolean;
  /**
   * Asked before a file is read: a reason not to read it (a warehouse that already holds it)
   * leaves it unread, reported with that reason; undefined reads it.
   */
  skipFile?(file: DiscoveredFile, fileIndex: number): Promise<string | undefined>;
  /** Called once discovery is done, before any file is read. */
  onDiscovered?(files: readonly DiscoveredFile[], skipped: readonly SkippedEntry[]): void | Promise<void>;
}

export interface ScanResult {
  options: ResolvedScanOptions;
  /** False when `signal` stopped the scan before every file was read. */
  complete: boolean;
  /** Files whose events came from a checkpoint instead of being read again. */
  resumed: number;
  /** One report per scanned file, in input order (root, then path). */
  inputs: FileReport[];
  skipped: SkippedEntry[];
  summary: ScanSummary;
  /** Set by a warehouse source: which machine loaded each file, when and how. */
  loads?: LoadRecord[];
}

/** Hooks of mxray's own writers, which take each batch with the forms made of it (`EventBatch`). */
export interface BatchHooks extends ScanHooks {
  /** Each batch as an `EventBatch`, before `onEvents` gets its events. */
  onBatch?(batch: EventBatch, fileIndex: number, file: DiscoveredFile): void | Promise<void>;
}

/**
 * Where a scan's events come from: `scanBatches` reads the files; a warehouse reads back the
 * records it was loaded with (`mxray detect`). Same hooks, same result.
 */
export type BatchSource = (options: ScanOptions, hooks: BatchHooks, checkpoints?: CheckpointStore) => Promise<ScanResult>;

/** Scans every file and returns the reports and totals; events go to `hooks.onEvents`. */
export function scan(options: ScanOptions, hooks: ScanHooks = {}, checkpoints?: CheckpointStore): Promise<ScanResult> {
  return scanBatches(options, hooks, checkpoints);
}

/** A file's batches of events, as `EventBatch`es; closing it closes the file. */
async function* asBatches(gen: AsyncGenerator<MailEvent[], FileReport, undefined>, file: DiscoveredFile): AsyncGenerator<EventBatch, FileReport, undefined> {
  let finished = false;
  try {
    for (let step = await gen.next(); ; step = await gen.next()) {
      if (step.done) {
        finished = true;
        return step.value;
      }
      yield new EventBatch(file.path, step.value);
    }
  } finally {
    if (!finished) await gen.return(newFileReport(file, NOT_SCANNED));
  }
}

/** Progress before any file is read: `files` files of `bytes` raw bytes. */
export function readingProgress(files: number, bytes: number): ScanProgress {
  return { phase: 'reading', files, filesDone: 0, bytes, bytesRead: 0, lines: 0, decodedBytes: 0 };
}

/** `scan`, with mxray's own writers' hook on every batch. */
export async function scanBatches(options: ScanOptions, hooks: BatchHooks = {}, checkpoints?: CheckpointStore): Promise<ScanResult> {
  const resolved = resolveScanOptions(options);
  const { files, skipped } = await discover(resolved.paths, resolved.cwd);
  await hooks.onDiscovered?.(files, skipped);
  const progress = readingProgress(files.length, files.reduce((a, f) => a + f.size, 0));
  const onRead = hooks.onProgress
    ? (n: number): void => {
        progress.bytesRead += n;
        hooks.onProgress!(progress);
      }
    : undefined;
  const summary = new ScanSummaryBuilder(resolved.limits, resolved.identities);
  const limit = pLimit(resolved.concurrency);
  const serializes = checkpoints !== undefined || hooks.serializesEvents === true;
  const threads = Math.min(resolved.workers ?? (serializes ? DEFAULT_WORKERS : 0), resolved.concurrency, files.length);
  // Started with the first file that is read, not taken from a checkpoint: a resume of finished
  // files starts no thread.
  let workers: FileWorkers | undefined;
  // A checkpoint's compressed member is made where there is time for it. One worker parses every file
  // while the main thread, which detects, waits for it part of the time: the main thread
  // compresses (200,000-account archive: reading 12.0 → 10.3 s). Two or more workers each parse
  // a share and the main thread becomes the slower side: they compress.
  const pool = (): FileWorkers =>
    (workers ??= new FileWorkers(threads, resolved, { json: hooks.writesEventLines === true, member: threads > 1 ? checkpoints?.codec : undefined }));
  try {
    const signal = resolved.signal;
    let resumed = 0;
    // After a fatal error no file starts: the caller must not see writes after scan() rejected.
    let failed = false;
    const settled = await Promise.allSettled(
      files.map((file, index) =>
        limit(async (): Promise<FileReport> => {
          if (signal?.aborted || failed) return newFileReport(file, NOT_SCANNED);
          const skip = await hooks.skipFile?.(file, index);
          if (skip !== undefined) {
            progress.bytesRead += file.size;
            return finishFile(newFileReport(file, skip), index);
          }
          const saved = await checkpoints?.load(file);
          if (saved) {
            for await (const events of saved.events()) {
              const batch = new EventBatch(file.path, events);
              summary.addAll(events, batch.keys(resolved.identities));
              await deliver(batch, index, file);
            }
            resumed++;
            progress.bytesRead += file.size;
            return finishFile(saved.report, index);
          }
          const checkpoint = checkpoints?.writer(file);
          let gen: AsyncGenerator<EventBatch, FileReport, undefined> | undefined;
          try {
            gen = threads > 0 ? pool().scanFile(file, onRead) : asBatches(scanFileEvents(file, resolved, onRead), file);
            for (let step = await gen.next(); ; step = await gen.next()) {
              if (step.done) {
                if (checkpoint) {
                  if (step.value.error === INTERRUPTED) await checkpoint.abort();
                  else await checkpoint.commit(step.value);
                }
                return await finishFile(step.value, index);
              }
              summary.addAll(step.value.events, step.value.keys(resolved.identities));
              await checkpoint?.write(step.value);
              await deliver(step.value, index, file);
            }
          } catch (error) {
            failed = true;
            // A caller's hook that throws leaves the file half read: close it (its reader, or its
            // worker, which waits for the next acknowledgement otherwise) before giving up.
            await gen?.return(newFileReport(file, NOT_SCANNED)).catch(() => undefined);
            await checkpoint?.abort();
            throw error;
          }
        }),
      ),
    );
    const rejected = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
    const inputs = settled.map((r) => (r as PromiseFulfilledResult<FileReport>).value);
    return {
      options: resolved,
      complete: !inputs.some((r) => r.error === NOT_SCANNED || r.error === INTERRUPTED),
      resumed,
      inputs,
      skipped,
      summary: summary.build(inputs, skipped.length),
    };
  } finally {
    await workers?.destroy();
  }

  async function deliver(batch: EventBatch, index: number, file: DiscoveredFile): Promise<void> {
    await hooks.onBatch?.(batch, index, file);
    await hooks.onEvents?.(batch.events, index, file);
  }

  async function finishFile(report: FileReport, index: number): Promise<FileReport> {
    progress.filesDone++;
    progress.lines += report.lines;
    progress.decodedBytes += report.decodedBytes;
    hooks.onProgress?.(progress);
    await hooks.onFileDone?.(report, index);
    return report;
  }
}

/**
 * Every event of the scan as an async iterable, file by file in input order and line order
 * within a file. Reads one file at a time; for a forensics script's `for await`.
 */
export async function* scanEvents(options: ScanOptions): AsyncGenerator<MailEvent, ScanResult, undefined> {
  const resolved = resolveScanOptions(options);
  const { files, skipped } = await discover(resolved.paths, resolved.cwd);
  const summary = new ScanSummaryBuilder(resolved.limits, resolved.identities);
  const inputs: FileReport[] = [];
  for (const file of files) {
    if (resolved.signal?.aborted) {
      inputs.push(newFileReport(file, NOT_SCANNED));
      continue;
    }
    const gen = scanFileEvents(file, resolved);
    for (let step = await gen.next(); ; step = await gen.next()) {
      if (step.done) {
        inputs.push(step.value);
        break;
      }
      for (const event of step.value) {
        summary.add(event);
        yield event;
      }
    }
  }
  const complete = !inputs.some((r) => r.error === NOT_SCANNED || r.error === INTERRUPTED);
  return { options: resolved, complete, resumed: 0, inputs, skipped, summary: summary.build(inputs, skipped.length) };
}
