/**
 * Many files: discovery, then each file through `scanFileEvents` with a bounded number in flight
 * (p-limit). Results are put back in input order, so nothing downstream depends on which file
 * finished first.
 */
import pLimit from 'p-limit';
import type { MailEvent } from '../event.js';
import { discover, type DiscoveredFile, type SkippedEntry } from '../ingest/discover.js';
import { ScanSummaryBuilder, type ScanSummary } from '../aggregate/scan-summary.js';
import { resolveScanOptions, type ResolvedScanOptions, type ScanOptions } from './options.js';
import { scanFileEvents } from './scan-file.js';
import type { FileReport } from './file-report.js';

export interface ScanProgress {
  files: number;
  filesDone: number;
  bytes: number;
  bytesRead: number;
}

export interface ScanHooks {
  /** Each batch of a file's events, in line order within the file. Files interleave. */
  onEvents?(events: readonly MailEvent[], fileIndex: number, file: DiscoveredFile): void | Promise<void>;
  onFileDone?(report: FileReport, fileIndex: number): void | Promise<void>;
  onProgress?(progress: ScanProgress): void;
  /** Called once discovery is done, before any file is read. */
  onDiscovered?(files: readonly DiscoveredFile[], skipped: readonly SkippedEntry[]): void | Promise<void>;
}

export interface ScanResult {
  options: ResolvedScanOptions;
  /** One report per scanned file, in input order (root, then path). */
  inputs: FileReport[];
  skipped: SkippedEntry[];
  summary: ScanSummary;
}

/** Scans every file and returns the reports and totals; events go to `hooks.onEvents`. */
export async function scan(options: ScanOptions, hooks: ScanHooks = {}): Promise<ScanResult> {
  const resolved = resolveScanOptions(options);
  const { files, skipped } = await discover(resolved.paths, resolved.cwd);
  await hooks.onDiscovered?.(files, skipped);
  const progress: ScanProgress = {
    files: files.length,
    filesDone: 0,
    bytes: files.reduce((a, f) => a + f.size, 0),
    bytesRead: 0,
  };
  const onRead = hooks.onProgress
    ? (n: number): void => {
        progress.bytesRead += n;
        hooks.onProgress!(progress);
      }
    : undefined;
  const summary = new ScanSummaryBuilder();
  const limit = pLimit(resolved.concurrency);
  const inputs = await Promise.all(
    files.map((file, index) =>
      limit(async () => {
        const gen = scanFileEvents(file, resolved, onRead);
        for (let step = await gen.next(); ; step = await gen.next()) {
          if (step.done) {
            progress.filesDone++;
            hooks.onProgress?.(progress);
            await hooks.onFileDone?.(step.value, index);
            return step.value;
          }
          for (const event of step.value) summary.add(event);
          await hooks.onEvents?.(step.value, index, file);
        }
      }),
    ),
  );
  return { options: resolved, inputs, skipped, summary: summary.build(inputs, skipped.length) };
}

/**
 * Every event of the scan as an async iterable, file by file in input order and line order
 * within a file. Reads one file at a time; for a forensics script's `for await`.
 */
export async function* scanEvents(options: ScanOptions): AsyncGenerator<MailEvent, ScanResult, undefined> {
  const resolved = resolveScanOptions(options);
  const { files, skipped } = await discover(resolved.paths, resolved.cwd);
  const summary = new ScanSummaryBuilder();
  const inputs: FileReport[] = [];
  for (const file of files) {
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
  return { options: resolved, inputs, skipped, summary: summary.build(inputs, skipped.length) };
}
