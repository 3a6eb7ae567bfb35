/**
 * Files read on worker threads (a tinypool pool): decompression, hashing, splitting and parsing
 * of several files run on several cores, while the main thread detects and writes. A file's
 * events come back as batches in line order, with the same content as `scanFileEvents` gives in
 * the main thread, so outputs do not depend on the number of workers.
 *
 * What crosses threads is a batch of events as columns in one JSON string (see
 * report/event-batch.ts; JSON.stringify + JSON.parse cost two thirds of a structured clone), their
 * line numbers in a transferred typed array and, when the scan writes events.jsonl, their output
 * lines made on the worker. The JSON is kept with the batch, for checkpoints and the activity
 * spool to store as it is (the `EventBatch` carries it). Events are reshaped and their
 * account and IP strings pooled here, on arrival, so the scan still has one event shape and one
 * copy of each string. A worker always ends a file with a `done` message or an error; nothing
 * else ends the loop.
 *
 * Measured and dropped (benchmarks/RESULTS.md): columns in typed arrays with a joined text of
 * strings, sent by structured clone, cost more to build than they saved in cloning.
 */
import { MessageChannel } from 'node:worker_threads';
import Tinypool from 'tinypool';
import { MxrayError } from '../errors.js';
import type { DiscoveredFile } from '../ingest/discover.js';
import type { FileReport } from '../ingest/file-report.js';
import { EventBatch, keyedEventsFromCompact } from '../report/event-batch.js';
import { Inbox } from './inbox.js';
import type { MailEvent } from '../event.js';
import type { EventKeys, Identities } from '../aggregate/identities.js';
import { workerScript } from './worker-script.js';
import type { ResolvedScanOptions } from './options.js';
import type { MemberCodec } from '../report/member-codec.js';
import type { MainMessage, WorkerFileSettings, WorkerMessage, WorkerTask } from './parse-worker.js';

/**
 * A batch another thread sent as compact JSON, as events of this thread: reshaped, with their
 * account and IP strings pooled in the scan's identity tables (one copy of each string), and
 * their ids there (`EventBatch.keys`).
 */
export function eventsFromThread(json: string, lineNumbers: ArrayLike<number>, file: string, strings: Identities): { events: MailEvent[]; keys: EventKeys } {
  const { accounts, ips } = strings;
  return keyedEventsFromCompact(json, lineNumbers, file, {
    account: accounts,
    // A string from JSON.parse is its own (flat): an IPv4 address is kept as it came.
    ip: { id: (value) => ips.id(value), kept: (id, value) => ips.kept(id, value, true) },
  });
}

export class FileWorkers {
  private readonly pool: Tinypool;

  constructor(
    threads: number,
    private readonly options: ResolvedScanOptions,
    /** What else the workers make of each batch: output lines, a checkpoint member in the given codec (carried by the `EventBatch`). */
    private readonly extras: { json: boolean; member: MemberCodec | undefined },
  ) {
    this.pool = new Tinypool({ filename: workerScript('scan/parse-worker.js'), minThreads: threads, maxThreads: threads });
  }

  async *scanFile(file: DiscoveredFile, onRead?: (bytes: number) => void): AsyncGenerator<EventBatch, FileReport, undefined> {
    const o = this.options;
    const settings: WorkerFileSettings = {
      window: o.window,
      tz: o.tz,
      maxLineBytes: o.maxLineBytes,
      json: this.extras.json,
      member: this.extras.member,
      ...(o.format && { format: o.format.id }),
      ...(o.year !== undefined && { year: o.year }),
    };
    const { port1, port2 } = new MessageChannel();
    const inbox = new Inbox<WorkerMessage>();
    port1.on('message', (message: WorkerMessage) => inbox.put(message));
    const stop = (): void => port1.postMessage('stop' satisfies MainMessage);
    o.signal?.addEventListener('abort', stop, { once: true });
    if (o.signal?.aborted) stop();
    const task: WorkerTask = { file, settings, port: port2 };
    const run = this.pool.run(task, { transferList: [port2] }).catch((error: unknown) => inbox.fail(error));
    const failed = (error: unknown): Error =>
      new MxrayError('MXRAY_WORKER_FAILED', `worker thread failed on ${file.path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    try {
      for (;;) {
        const message = await inbox.next(failed);
        if (message.read > 0) onRead?.(message.read);
        if (message.type === 'done') return message.report;
        const { lineNumbers } = message;
        const { events, keys } = eventsFromThread(message.json, lineNumbers, file.path, o.identities);
        yield new EventBatch(file.path, events, {
          keys: { identities: o.identities, keys },
          compact: { json: message.json, lines: lineNumbers },
          ...(message.lines && { lines: message.lines }),
          ...(message.member && { member: message.member }),
        });
        port1.postMessage('ack' satisfies MainMessage);
      }
    } finally {
      o.signal?.removeEventListener('abort', stop);
      port1.close();
      await run;
    }
  }

  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}
