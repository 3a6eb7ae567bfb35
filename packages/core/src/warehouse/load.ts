/**
 * `mxray load`: the scan's discovery, hashing and parsing, with every event inserted into the
 * warehouse as a record instead of being detected on here. Run it on as many machines as hold
 * evidence; each loads its own files.
 *
 * Nothing is doubled. A file is hashed before it is read; one whose SHA-256 a finished load
 * already holds (from any machine) is skipped with the reason. A file's records carry its own
 * load id, and the load row that marks them finished is written only after the last of them was
 * inserted (synchronously into every shard). Records of a load that was cut short have no load
 * row: `detect` never reads them, and loading the file again inserts it anew.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { hostname } from 'node:os';
import { finished, pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { scanBatches, type ScanProgress, type ScanResult } from '../scan/scan.js';
import { DEFAULT_WORKERS, resolveScanOptions, type ScanOptions } from '../scan/options.js';
import type { DiscoveredFile } from '../ingest/discover.js';
import { INTERRUPTED, NOT_SCANNED, type FileReport } from '../ingest/file-report.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { RecordWriter } from './records.js';
import { Warehouse, type WarehouseOptions } from './connection.js';

export interface LoadOptions extends Omit<ScanOptions, 'identities' | 'limits'>, WarehouseOptions {
  /** Name of this machine in the load table; default the host name. */
  machine?: string;
  /** Threads that read and parse files beside the one that sends records; default `DEFAULT_WORKERS`. */
  workers?: number;
  /** Records per insert; default 20,000 (more buys no speed here and costs memory: benchmarks/RESULTS.md). */
  batchRows?: number;
  onProgress?(progress: ScanProgress & { records: number }): void;
}

export type LoadStatus = 'loaded' | 'skipped' | 'unfinished';

export interface LoadedFile {
  root: string;
  path: string;
  sha256: string;
  status: LoadStatus;
  records: number;
  /** Why a file was skipped (already in the warehouse) or not finished (interrupted). */
  reason?: string;
  /** The file's manifest entry: what it held, what was bad in it. */
  report: FileReport;
}

export interface LoadResult {
  files: LoadedFile[];
  /** Records inserted by this run. */
  records: number;
  /** False when `signal` stopped the load: run it again to finish (finished files are skipped). */
  complete: boolean;
  machine: string;
  scan: ScanResult;
}

/** The SHA-256 of a file's raw bytes, as the scan's manifest gives it. */
async function hashFile(file: DiscoveredFile): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file.absolute), hash);
  return hash.digest('hex');
}

const ALREADY = 'already in the warehouse';

/** Load rows gathered before a flush is forced (archives of thousands of small rotated files). */
const MARKS_PER_FLUSH = 500;

interface LoadRow {
  sha256: string;
  load_id: string;
  machine: string;
  root: string;
  path: string;
  loaded_at: number;
  records: number;
  tool: string;
  args: string;
  report: string;
}

export async function loadToWarehouse(options: LoadOptions): Promise<LoadResult> {
  // Bad options fail here, before any connection; and the load rows say how records were shaped, defaults included.
  const effective = resolveScanOptions(options);
  const warehouse = await Warehouse.open(options);
  const machine = options.machine ?? hostname();
  const batchRows = options.batchRows ?? 20_000;
  try {
    await warehouse.createTables();
    await warehouse.shards();
    const args = JSON.stringify({ tz: effective.tz, year: effective.year ?? null, format: effective.format?.id ?? 'auto', maxLineBytes: effective.maxLineBytes });
    const loadIds = new Map<number, string>();
    const counts = new Map<number, number>();
    const writers = new Map<number, RecordWriter>();
    /** Content hashes this run is reading, by the first file that had them. */
    const reading = new Map<string, string>();
    let buffer: string[] = [];
    let buffered = 0;
    /** Load rows of files whose records are all buffered or sent: written after those records, in the same flush. */
    let finishedFiles: LoadRow[] = [];
    let inFlight: Promise<void> = Promise.resolve();
    let records = 0;
    // Into every shard before the insert returns: a load row must never precede its records.
    const settings = { insert_distributed_sync: 1 } as const;
    const send = async (rows: string[], marks: LoadRow[]): Promise<void> => {
      if (rows.length > 0) {
        await warehouse.on(0, 'inserting records', async (c) => {
          // Lines made as text (RecordWriter): sent as they are, not as objects the client would stringify.
          const result = await c.exec({ query: `INSERT INTO ${warehouse.table('records_all')} FORMAT JSONEachRow`, values: Readable.from(rows, { objectMode: false }), clickhouse_settings: settings });
          result.stream.resume();
          await finished(result.stream);
        });
      }
      if (marks.length > 0) {
        await warehouse.on(0, 'marking files loaded', (c) => c.insert({ table: warehouse.table('loads_all'), values: marks, format: 'JSONEachRow', clickhouse_settings: settings }));
      }
    };
    /**
     * Starts inserting what is buffered, then the load rows of the files it finishes, after the
     * flush before it: one in flight, so parsing goes on meanwhile, and never a load row first.
     */
    const flush = (): Promise<void> => {
      if (buffer.length === 0 && finishedFiles.length === 0) return inFlight;
      const rows = buffer;
      const marks = finishedFiles;
      buffer = [];
      buffered = 0;
      finishedFiles = [];
      inFlight = inFlight.then(() => send(rows, marks));
      return inFlight;
    };
    /** Waits for the flush before the one this starts: backpressure without stalling the parser on its own insert. */
    const flushBehind = async (): Promise<void> => {
      const before = inFlight;
      void flush().catch(() => undefined);
      await before;
    };
    /** Sortable by time, unique by the UUID: `detect` takes the earliest finished load of a content. */
    const loadIdOf = (index: number): string => {
      let id = loadIds.get(index);
      if (id === undefined) loadIds.set(index, (id = `${new Date().toISOString()}-${randomUUID()}`));
      return id;
    };
    const reported: LoadedFile[] = [];
    const skipped = new Map<number, { sha256: string; reason: string }>();
    const scan = await scanBatches(
      // A thread parses while this one makes and sends the records (the scan's default only when it stores events).
      { ...options, workers: options.workers ?? DEFAULT_WORKERS },
      {
        serializesEvents: false,
        ...(options.onProgress && { onProgress: (p: ScanProgress) => options.onProgress!({ ...p, records }) }),
        skipFile: async (file, index) => {
          // A file that cannot be read is read anyway, for the scan to report why in its entry.
          const sha256 = await hashFile(file).catch(() => undefined);
          if (sha256 === undefined) return undefined;
          const first = reading.get(sha256);
          if (first !== undefined) {
            skipped.set(index, { sha256, reason: `same content as ${first}` });
            return `same content as ${first}`;
          }
          const held = await warehouse.on(0, 'looking up loaded files', async (c) =>
            (await c.query({ query: `SELECT machine, root, path, toString(loaded_at) AS at FROM ${warehouse.table('loads_all')} WHERE sha256 = '${sha256}' ORDER BY load_id LIMIT 1`, format: 'JSONEachRow' })).json<{ machine: string; root: string; path: string; at: string }>(),
          );
          if (held.length > 0) {
            const h = held[0]!;
            const reason = `${ALREADY}: loaded by ${h.machine} at ${h.at} UTC from ${h.root}/${h.path}`;
            skipped.set(index, { sha256, reason });
            return reason;
          }
          reading.set(sha256, `${file.root}/${file.path}`);
          return undefined;
        },
        onEvents: async (events, index, file) => {
          let writer = writers.get(index);
          if (!writer) writers.set(index, (writer = new RecordWriter(loadIdOf(index), file.path)));
          let seq = counts.get(index) ?? 0;
          let text = '';
          for (const e of events) text += writer.line(e, seq++);
          buffer.push(text);
          counts.set(index, seq);
          records += events.length;
          buffered += events.length;
          if (buffered >= batchRows) await flushBehind();
        },
        onFileDone: async (report, index) => {
          const skip = skipped.get(index);
          writers.delete(index);
          if (skip) {
            reported.push({ root: report.root, path: report.path, sha256: skip.sha256, status: 'skipped', records: 0, reason: skip.reason, report });
            return;
          }
          const n = counts.get(index) ?? 0;
          if (report.error === NOT_SCANNED || report.error === INTERRUPTED || report.sha256 === '') {
            reported.push({ root: report.root, path: report.path, sha256: report.sha256, status: 'unfinished', records: n, reason: report.error ?? 'not read', report });
            return;
          }
          finishedFiles.push({
            sha256: report.sha256,
            load_id: loadIdOf(index),
            machine,
            root: report.root,
            path: report.path,
            loaded_at: Math.floor(Date.now() / 1000),
            records: n,
            tool: `${TOOL_NAME} ${TOOL_VERSION}`,
            args,
            report: JSON.stringify(report),
          });
          // Many small files: their load rows go in groups, not one insert each.
          if (finishedFiles.length >= MARKS_PER_FLUSH) await flushBehind();
          reported.push({ root: report.root, path: report.path, sha256: report.sha256, status: 'loaded', records: n, report });
        },
      },
    );
    await flush();
    const order = new Map(scan.inputs.map((r, i) => [`${r.root}\u0000${r.path}`, i]));
    reported.sort((a, b) => order.get(`${a.root}\u0000${a.path}`)! - order.get(`${b.root}\u0000${b.path}`)!);
    return { files: reported, records, complete: scan.complete, machine, scan };
  } finally {
    await warehouse.close();
  }
}
