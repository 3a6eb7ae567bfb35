/**
 * The worker-thread side of `detect`'s reading: the query for the records, each row made back
 * into its event, and the events posted to the main thread in batches of one file as compact JSON
 * (report/event-batch.ts), the form a scan's file workers send. The main thread then only
 * detects: reading the rows cost it a fifth of its time (benchmarks/RESULTS.md).
 *
 * Flow control as in scan/parse-worker.ts: at most `IN_FLIGHT` batches unacknowledged, so a
 * cluster that sends faster than detection runs waits instead of filling memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MailEvent } from '../event.js';
import { MxrayError } from '../errors.js';
import { EventBatch } from '../report/event-batch.js';
import { phaseOf, type TimeWindow } from '../time/window.js';
import { BatchCredits, type CreditMessage } from '../scan/batch-credits.js';
import { EVENT_COLUMNS, eventOfRow } from './records.js';
import { Warehouse, type WarehouseOptions } from './connection.js';

export interface ReadTask {
  warehouse: WarehouseOptions;
  /** The chosen load of each file, by file index. */
  loadIds: readonly string[];
  /** Each file's path, by file index (the events' `source.file`). */
  paths: readonly string[];
  window: TimeWindow;
}

/** Worker → main. */
export type ReadMessage =
  | { type: 'batch'; index: number; json: string; lineNumbers: Float64Array }
  | { type: 'end' }
  | { type: 'error'; code: MxrayError['code']; message: string };

/** Main → worker. */
export type ReadControl = CreditMessage;

/** Events a batch holds at most. */
const BATCH = 8192;
const IN_FLIGHT = 4;

async function read(task: ReadTask, port: NonNullable<typeof parentPort>): Promise<void> {
  const credits = new BatchCredits(port, IN_FLIGHT);
  const index = new Map(task.loadIds.map((id, i) => [id, i]));
  const phase = (ts: number): MailEvent['phase'] => phaseOf(ts, task.window);
  const w = await Warehouse.open(task.warehouse);
  let current = -1;
  let events: MailEvent[] = [];
  const send = async (): Promise<void> => {
    if (events.length === 0) return;
    await credits.take();
    const { json, lines } = new EventBatch(task.paths[current]!, events).compact();
    events = [];
    port.postMessage({ type: 'batch', index: current, json, lineNumbers: lines } satisfies ReadMessage, [lines.buffer as ArrayBuffer]);
  };
  try {
    // Records of every finished load; those of a content's later loads are dropped here, by the
    // choice the main thread made: a load that finishes meanwhile cannot change what is read.
    const finished = `SELECT load_id FROM ${w.table('loads_all')}`;
    await w.on(0, 'reading the records', async (c) => {
      const result = await c.query({
        query: `SELECT load_id, ${EVENT_COLUMNS.join(', ')} FROM ${w.table('records_all')} WHERE load_id GLOBAL IN (${finished}) ORDER BY load_id, seq`,
        format: 'JSONEachRow',
        // Int64 as numbers; a sort larger than memory goes to disk.
        clickhouse_settings: { output_format_json_quote_64bit_integers: 0, max_bytes_before_external_sort: '2000000000' },
        abort_signal: credits.signal,
      });
      for await (const rows of result.stream()) {
        for (const row of rows) {
          const r = row.json<Record<string, unknown>>();
          const i = index.get(r.load_id as string);
          if (i === undefined) continue;
          if (i !== current) {
            await send();
            current = i;
          }
          events.push(eventOfRow(r, phase));
          if (events.length >= BATCH) await send();
        }
      }
      await send();
    });
    port.postMessage({ type: 'end' } satisfies ReadMessage);
  } catch (error) {
    if (credits.signal.aborted) {
      port.postMessage({ type: 'end' } satisfies ReadMessage);
      return;
    }
    const e = error instanceof MxrayError ? error : new MxrayError('MXRAY_WAREHOUSE', error instanceof Error ? error.message : String(error));
    port.postMessage({ type: 'error', code: e.code, message: e.message } satisfies ReadMessage);
  } finally {
    await w.close();
  }
}

if (parentPort) void read(workerData as ReadTask, parentPort);
