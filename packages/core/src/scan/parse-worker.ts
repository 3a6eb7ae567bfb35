/**
 * The worker-thread side of `FileWorkers`: one file through `scanFileEvents` (read, hash,
 * decompress, split, parse, shape), its event batches posted back on the task's port in line
 * order as compact JSON (see report/event-batch.ts), and with their output lines when the scan
 * writes events.jsonl, so the main thread does not have to make them.
 *
 * Flow control: at most `IN_FLIGHT` batches are unacknowledged, so a worker that parses faster
 * than the main thread detects waits instead of filling the main thread's message queue.
 */
import type { MessagePort } from 'node:worker_threads';
import type { DiscoveredFile } from '../ingest/discover.js';
import { formatById } from '../parse/registry.js';
import { EventBatch } from '../report/event-batch.js';
import { ZoneClock } from '../time/zone.js';
import type { TimeWindow } from '../time/window.js';
import type { FileReport } from '../ingest/file-report.js';
import { scanFileEvents, type FileScanOptions } from './scan-file.js';
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
  try {
    const gen = scanFileEvents(file, options, (n) => (read += n));
    for (let step = await gen.next(); ; step = await gen.next()) {
      if (gone) return;
      if (step.done) {
        port.postMessage({ type: 'done', report: step.value, read } satisfies WorkerMessage);
        return;
      }
      // After a stop the few batches left go without waiting: what was read is still reported, as in the main thread.
      await credits.take();
      if (gone) return;
      const batch = new EventBatch(file.path, step.value);
      const lines = settings.json ? batch.outputLines() : undefined;
      const { json, lines: lineNumbers } = batch.compact();
      // Made before `lineNumbers` is transferred (and so emptied) below.
      const member = settings.member === undefined ? undefined : batch.member(settings.member);
      // `member` is copied, not transferred: a small Buffer can be a slice of Node's shared pool.
      port.postMessage({ type: 'batch', json, lineNumbers, lines, member, read } satisfies WorkerMessage, [lineNumbers.buffer as ArrayBuffer]);
      read = 0;
    }
  } finally {
    port.close();
  }
}
