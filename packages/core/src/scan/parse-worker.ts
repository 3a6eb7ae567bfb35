/**
 * The worker-thread side of `FileWorkers`: one file through `scanFileBatches` (read, hash,
 * decompress, split, parse), each parsed line written straight into its batch's columns
 * (`ColumnSink`), the batches posted back on the task's port in line order as compact JSON (see
 * report/event-batch.ts). When the scan writes events.jsonl the thread makes the events and their
 * output lines too, so the main thread does not have to make them.
 *
 * Flow control: at most `IN_FLIGHT` batches are unacknowledged, so a worker that parses faster
 * than the main thread detects waits instead of filling the main thread's message queue.
 */
import type { MessagePort } from 'node:worker_threads';
import type { DiscoveredFile } from '../ingest/discover.js';
import { formatById } from '../parse/registry.js';
import { EventBatch, batchMember, type CompactBatch } from '../report/event-batch.js';
import { ZoneClock } from '../time/zone.js';
import type { TimeWindow } from '../time/window.js';
import type { FileReport } from '../ingest/file-report.js';
import { scanFileBatches, scanFileEvents, type FileScanOptions } from './scan-file.js';
import { ColumnSink } from './column-sink.js';
import { BatchCredits, type CreditMessage } from './batch-credits.js';
import type { MemberCodec } from '../report/member-codec.js';

/** The serializable part of the scan options a file's pipeline needs. */
export interface WorkerFileSettings {
  window: TimeWindow;
  tz: string;
  format?: string;
  year?: number;
  maxLineBytes: number;
  /** Also send each event's output line (events.jsonl needs them). */
  json: boolean;
  /** Also send each batch as a checkpoint's compressed member (`EventBatch.member`), in this codec. */
  member: MemberCodec | undefined;
}

export interface WorkerTask {
  file: DiscoveredFile;
  settings: WorkerFileSettings;
  port: MessagePort;
}

/** Worker → main. `read` is bytes read from the evidence since the previous message. */
export type WorkerMessage =
  /** `json`: the batch's events as columns (`EventBatch.compact`); `lines`: their output lines, when asked for. */
  | { type: 'batch'; json: string; lineNumbers: Float64Array; lines: string[] | undefined; member: Uint8Array | undefined; read: number }
  | { type: 'done'; report: FileReport; read: number };

/** Main → worker. */
export type MainMessage = CreditMessage;

const IN_FLIGHT = 4;
const identity = { account: (value: string): string => value, ip: (value: string): string => value };

/** A file's batches as events (`scanFileEvents`), with their compact form and output lines. */
async function* eventBatches(
  file: DiscoveredFile,
  options: FileScanOptions,
  onRead: (bytes: number) => void,
): AsyncGenerator<{ compact: CompactBatch; lines: string[] }, FileReport, undefined> {
  const events = scanFileEvents(file, options, onRead);
  for (let step = await events.next(); ; step = await events.next()) {
    if (step.done) return step.value;
    const batch = new EventBatch(file.path, step.value);
    yield { compact: batch.compact(), lines: batch.outputLines() };
  }
}

/** A file's batches written as columns as they are parsed (`ColumnSink`). */
async function* columnBatches(file: DiscoveredFile, options: FileScanOptions, onRead: (bytes: number) => void): AsyncGenerator<{ compact: CompactBatch; lines: undefined }, FileReport, undefined> {
  const batches = scanFileBatches(file, options, new ColumnSink(file.path), onRead);
  for (let step = await batches.next(); ; step = await batches.next()) {
    if (step.done) return step.value;
    yield { compact: step.value, lines: undefined };
  }
}

/** Compact batches of a file, and their output lines where the scan writes events.jsonl. */
type WorkerBatches = AsyncGenerator<{ compact: CompactBatch; lines: string[] | undefined }, FileReport, undefined>;

export default async function scanFileTask({ file, settings, port }: WorkerTask): Promise<void> {
  const credits = new BatchCredits(port, IN_FLIGHT);
  // The main side closes its port when it stops listening: stop reading, nobody waits for us.
  let gone = false;
  port.on('close', () => {
    gone = true;
    credits.stop();
  });

  const format = settings.format === undefined ? undefined : formatById(settings.format);
  const options: FileScanOptions = {
    window: settings.window,
    clock: new ZoneClock(settings.tz),
    maxLineBytes: settings.maxLineBytes,
    identities: identity,
    signal: credits.signal,
    ...(format && { format }),
    ...(settings.year !== undefined && { year: settings.year }),
  };
  let read = 0;
  const onRead = (n: number): void => {
    read += n;
  };
  // With events.jsonl the thread makes each event's output line, so it keeps the events; else
  // it writes each parsed line straight into the batch's columns.
  const batches: WorkerBatches = settings.json ? eventBatches(file, options, onRead) : columnBatches(file, options, onRead);
  try {
    for (let step = await batches.next(); ; step = await batches.next()) {
      if (gone) return;
      if (step.done) {
        port.postMessage({ type: 'done', report: step.value, read } satisfies WorkerMessage);
        return;
      }
      // After a stop the few batches left go without waiting: what was read is still reported, as in the main thread.
      await credits.take();
      if (gone) return;
      const { compact, lines } = step.value;
      const { json, lines: lineNumbers } = compact;
      // Made before `lineNumbers` is transferred (and so emptied) below.
      const member = settings.member === undefined ? undefined : batchMember(file.path, compact, settings.member);
      // `member` is copied, not transferred: a small Buffer can be a slice of Node's shared pool.
      port.postMessage({ type: 'batch', json, lineNumbers, lines, member, read } satisfies WorkerMessage, [lineNumbers.buffer as ArrayBuffer]);
      read = 0;
    }
  } finally {
    port.close();
  }
}
