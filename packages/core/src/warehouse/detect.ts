/**
 * `mxray detect`: the verdicts of a scan, from what `mxray load` put in the warehouse.
 *
 * The cluster does the selection: of every finished load, the earliest of each content (so a file
 * loaded twice, or from two machines, counts once), and its records through the Distributed
 * table, in each file's own order. The library does the rest exactly as `scan` does: the same
 * detection, verdicts and writers (`scanToDirectory` with the warehouse as its source), so the
 * outputs are the scan's, whatever the number of shards.
 */
import { scanToDirectory, type ScanToDirectoryOptions, type ScanToDirectoryResult } from '../scan/scan-to-directory.js';
import { readingProgress, type BatchSource, type ScanResult } from '../scan/scan.js';
import { resolveScanOptions } from '../scan/options.js';
import { ScanSummaryBuilder } from '../aggregate/scan-summary.js';
import { EventBatch } from '../report/event-batch.js';
import type { FileReport } from '../ingest/file-report.js';
import type { LoadRecord } from '../report/manifest.js';
import { INTERRUPTED, NOT_SCANNED } from '../ingest/file-report.js';
import { Warehouse, type WarehouseOptions } from './connection.js';
import { Worker } from 'node:worker_threads';
import { MxrayError } from '../errors.js';
import { Inbox } from '../scan/inbox.js';
import { eventsFromThread } from '../scan/file-workers.js';
import { workerScript } from '../scan/worker-script.js';
import type { ReadControl, ReadMessage, ReadTask } from './read-worker.js';

export interface DetectOptions extends Omit<ScanToDirectoryOptions, 'paths' | 'source' | 'checkpoints' | 'resume' | 'format' | 'year' | 'maxLineBytes' | 'workers' | 'concurrency'>, WarehouseOptions {}

interface ChosenLoad {
  load_id: string;
  sha256: string;
  machine: string;
  loaded_at: string;
  tool: string;
  args: string;
  report: string;
}

interface Load {
  loadId: string;
  report: FileReport;
  record: LoadRecord;
}

/** The warehouse's finished loads, one per content, as the files of a scan: sorted as discovery sorts them (root, then path). */
async function chosenLoads(w: Warehouse): Promise<Load[]> {
  const rows = await w.on(0, 'reading the loads', async (c) =>
    (
      await c.query({
        query: `SELECT load_id, sha256, machine, toString(loaded_at) AS loaded_at, tool, args, report FROM ${w.table('loads_all')} WHERE load_id GLOBAL IN (SELECT min(load_id) FROM ${w.table('loads_all')} GROUP BY sha256)`,
        format: 'JSONEachRow',
      })
    ).json<ChosenLoad>(),
  );
  const loads = rows.map((r): Load => {
    const report = JSON.parse(r.report) as FileReport;
    const record: LoadRecord = { root: report.root, path: report.path, sha256: r.sha256, loadId: r.load_id, machine: r.machine, loadedAt: r.loaded_at, tool: r.tool, args: JSON.parse(r.args) as Record<string, unknown> };
    return { loadId: r.load_id, report, record };
  });
  loads.sort((a, b) => compare(a.report.root, b.report.root) || compare(a.report.path, b.report.path) || compare(a.loadId, b.loadId));
  return loads;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A `BatchSource` reading the warehouse's records back, file by file, in each file's order. */
export function warehouseSource(w: Warehouse): BatchSource {
  return async (options, hooks) => {
    const resolved = resolveScanOptions(options);
    await w.checkShards();
    const loads = await chosenLoads(w);
    const summary = new ScanSummaryBuilder(resolved.limits, resolved.identities);
    const inputs: FileReport[] = loads.map((l) => l.report);
    const progress = readingProgress(loads.length, inputs.reduce((a, r) => a + r.bytes, 0));
    const done = new Set<number>();
    const finishFile = async (i: number): Promise<void> => {
      done.add(i);
      const report = inputs[i]!;
      progress.filesDone++;
      progress.bytesRead += report.bytes;
      progress.lines += report.lines;
      progress.decodedBytes += report.decodedBytes;
      hooks.onProgress?.(progress);
      await hooks.onFileDone?.(report, i);
    };
    // Each file's counts by phase are this window's, not the loader's (`--since` may differ).
    for (const report of inputs) {
      report.baselineEvents = 0;
      report.windowEvents = 0;
      report.afterEvents = 0;
    }
    const PHASE_COUNT = { baseline: 'baselineEvents', window: 'windowEvents', after: 'afterEvents' } as const;
    const deliver = async (i: number, json: string, lineNumbers: Float64Array): Promise<void> => {
      const report = inputs[i]!;
      const { events, keys } = eventsFromThread(json, lineNumbers, report.path, resolved.identities);
      for (const e of events) report[PHASE_COUNT[e.phase]]++;
      const batch = new EventBatch(report.path, events, { compact: { json, lines: lineNumbers }, keys: { identities: resolved.identities, keys } });
      summary.addAll(events, batch.keys(resolved.identities));
      // The file as the loading machine found it; it is not on this one.
      const file = { root: report.root, path: report.path, absolute: '', size: report.bytes, mtimeMs: Date.parse(report.mtime) };
      await hooks.onBatch?.(batch, i, file);
      await hooks.onEvents?.(batch.events, i, file);
    };
    let current = -1;
    let interrupted = false;
    if (loads.length > 0 && resolved.signal?.aborted) interrupted = true;
    else if (loads.length > 0) {
      // A thread of its own reads the rows and makes the events; this one detects.
      const { urls, database, cluster, checkSeconds } = w.options;
      const task: ReadTask = { warehouse: { urls, database, cluster, checkSeconds }, loadIds: loads.map((l) => l.loadId), paths: inputs.map((r) => r.path), window: resolved.window };
      const reader = new Worker(workerScript('warehouse/read-worker.js'), { workerData: task });
      const inbox = new Inbox<ReadMessage>();
      reader.on('message', (m: ReadMessage) => inbox.put(m));
      reader.on('error', (error) => inbox.fail(error));
      reader.on('exit', () => inbox.fail(new Error('the reader thread ended before its last message')));
      const failed = (error: unknown): Error =>
        new MxrayError('MXRAY_WORKER_FAILED', `reading the warehouse failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      const stop = (): void => reader.postMessage('stop' satisfies ReadControl);
      resolved.signal?.addEventListener('abort', stop, { once: true });
      try {
        for (;;) {
          const m = await inbox.next(failed);
          if (m.type === 'end') break;
          if (m.type === 'error') throw new MxrayError(m.code, m.message);
          if (m.index !== current) {
            if (current >= 0) await finishFile(current);
            current = m.index;
          }
          await deliver(m.index, m.json, m.lineNumbers);
          reader.postMessage('ack' satisfies ReadControl);
        }
        interrupted = resolved.signal?.aborted === true;
      } finally {
        resolved.signal?.removeEventListener('abort', stop);
        await reader.terminate();
      }
    }
    // Stopped (Ctrl-C): the file being read is cut, those after it were never reached, as in a scan.
    if (interrupted && current >= 0 && !done.has(current)) inputs[current] = { ...inputs[current]!, error: INTERRUPTED };
    if (current >= 0 && !done.has(current)) await finishFile(current);
    for (let i = 0; i < inputs.length; i++) {
      if (done.has(i)) continue;
      if (interrupted) inputs[i] = { ...inputs[i]!, error: NOT_SCANNED };
      await finishFile(i);
    }
    const result: ScanResult = {
      options: resolved,
      complete: !interrupted,
      resumed: 0,
      inputs,
      skipped: [],
      summary: summary.build(inputs, 0),
      loads: loads.map((l) => l.record),
    };
    return result;
  };
}

/** Detection over the warehouse, writing the output contract into `out` as `scanToDirectory` does. */
export async function detectFromWarehouse(options: DetectOptions): Promise<ScanToDirectoryResult> {
  const warehouse = await Warehouse.open(options);
  try {
    await warehouse.shards();
    const where = `clickhouse://${warehouse.nodeName(0)}/${warehouse.database}`;
    return await scanToDirectory({ ...options, paths: [where], checkpoints: false, source: warehouseSource(warehouse) });
  } finally {
    await warehouse.close();
  }
}
