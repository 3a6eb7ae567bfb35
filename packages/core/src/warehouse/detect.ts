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
import type { MailEvent } from '../event.js';
import { phaseOf } from '../time/window.js';
import { EVENT_COLUMNS, eventOfRow } from './records.js';
import { Warehouse, type WarehouseOptions } from './connection.js';

export interface DetectOptions extends Omit<ScanToDirectoryOptions, 'paths' | 'source' | 'checkpoints' | 'resume' | 'format' | 'year' | 'maxLineBytes' | 'workers' | 'concurrency'>, WarehouseOptions {}

/** Events handed to the detection at a time. */
const BATCH = 8192;

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
    const index = new Map(loads.map((l, i) => [l.loadId, i]));
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
    const phase = (ts: number): MailEvent['phase'] => phaseOf(ts, resolved.window);
    // Each file's counts by phase are this window's, not the loader's (`--since` may differ).
    for (const report of inputs) {
      report.baselineEvents = 0;
      report.windowEvents = 0;
      report.afterEvents = 0;
    }
    const PHASE_COUNT = { baseline: 'baselineEvents', window: 'windowEvents', after: 'afterEvents' } as const;
    let current = -1;
    let events: MailEvent[] = [];
    const deliver = async (): Promise<void> => {
      if (events.length === 0) return;
      const report = inputs[current]!;
      const batch = new EventBatch(report.path, events);
      events = [];
      // The file as the loading machine found it; it is not on this one.
      const file = { root: report.root, path: report.path, absolute: '', size: report.bytes, mtimeMs: Date.parse(report.mtime) };
      await hooks.onBatch?.(batch, current, file);
      await hooks.onEvents?.(batch.events, current, file);
    };
    let interrupted = false;
    if (loads.length > 0 && resolved.signal?.aborted) interrupted = true;
    else if (loads.length > 0) {
      // Records of every finished load; those of a content's later loads are dropped here, by
      // the choice made above: a load that finishes meanwhile cannot change what is read.
      const finished = `SELECT load_id FROM ${w.table('loads_all')}`;
      await w.on(0, 'reading the records', async (c) => {
        const result = await c.query({
          query: `SELECT load_id, ${EVENT_COLUMNS.join(', ')} FROM ${w.table('records_all')} WHERE load_id GLOBAL IN (${finished}) ORDER BY load_id, seq`,
          format: 'JSONEachRow',
          // Int64 as numbers; a sort larger than memory goes to disk.
          clickhouse_settings: { output_format_json_quote_64bit_integers: 0, max_bytes_before_external_sort: '2000000000' },
          ...(resolved.signal && { abort_signal: resolved.signal }),
        });
        try {
          for await (const rows of result.stream()) {
            for (const row of rows) {
              const r = row.json<Record<string, unknown>>();
              const i = index.get(r.load_id as string);
              if (i === undefined) continue;
              if (i !== current) {
                await deliver();
                if (current >= 0) await finishFile(current);
                current = i;
              }
              const e = eventOfRow(r, phase);
              inputs[i]![PHASE_COUNT[e.phase]]++;
              summary.add(e);
              events.push(e);
              if (events.length >= BATCH) await deliver();
            }
          }
        } catch (error) {
          if (resolved.signal?.aborted) interrupted = true;
          else throw error;
        }
      });
    }
    await deliver();
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
  const warehouse = new Warehouse(options);
  try {
    await warehouse.shards();
    const where = `clickhouse://${warehouse.nodeName(0)}/${warehouse.database}`;
    return await scanToDirectory({ ...options, paths: [where], checkpoints: false, source: warehouseSource(warehouse) });
  } finally {
    await warehouse.close();
  }
}
