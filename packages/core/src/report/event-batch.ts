/**
 * A batch of events in its compact form: the events as JSON with only the fields set and no
 * `source` (`sparseEvent`), their line numbers beside them. It is how a worker thread sends a
 * batch (JSON.stringify and JSON.parse cost ~260 ms per 100k events here where structured clone
 * cost ~400), and how checkpoints and the activity spool store it: a batch serialized once,
 * by the engine's own JSON, instead of every event in the output's key order (~575 ms per 100k),
 * which only the events that reach an output file now pay.
 */
import { constants, gzipSync } from 'node:zlib';
import type { MailEvent } from '../event.js';
import { eventFromSparse, sparseEvent, type SparseEvent } from '../parse/event-shape.js';

export interface CompactBatch {
  /** `JSON.stringify` of the batch's sparse events. */
  json: string;
  lines: Float64Array;
  /** `batchLine` and a newline as one gzip member (a checkpoint's events file is a series of them). */
  gzipped?: Uint8Array;
  /** Where that member was written (a checkpoint), for a later reader to find it there. */
  stored?: StoredMember;
}

/** A gzip member in a file: `length` bytes at `offset` of `path`. */
export interface StoredMember {
  path: string;
  offset: number;
  length: number;
}

const compact = new WeakMap<readonly MailEvent[], CompactBatch>();

/** The compact form a worker made for this batch (`compactBatch` then returns it). */
export function adoptCompactBatch(events: readonly MailEvent[], batch: CompactBatch): void {
  compact.set(events, batch);
}

/** The batch's compact form: the worker's, or made here once however many writers ask. */
export function compactBatch(events: readonly MailEvent[]): CompactBatch {
  let batch = compact.get(events);
  if (!batch) {
    batch = { json: JSON.stringify(events.map(sparseEvent)), lines: Float64Array.from(events, (e) => e.source.line) };
    compact.set(events, batch);
  }
  return batch;
}

/** Records where the batch's gzip member (`gzippedBatchLine`) was written. */
export function noteStoredMember(events: readonly MailEvent[], at: StoredMember): void {
  compactBatch(events).stored = at;
}

/** Where the batch's gzip member was written, if it was. */
export function storedMemberOf(events: readonly MailEvent[]): StoredMember | undefined {
  return compact.get(events)?.stored;
}

/** Events rebuilt from a compact batch of `file`. */
export function eventsFromCompact(json: string, lines: ArrayLike<number>, file: string): MailEvent[] {
  return rebuild(JSON.parse(json) as SparseEvent[], lines, file);
}

function rebuild(sparse: readonly SparseEvent[], lines: ArrayLike<number>, file: string): MailEvent[] {
  return sparse.map((s, i) => eventFromSparse(s, file, lines[i]!));
}

/** One line of a spool or checkpoint: `{"f":file,"l":[line numbers],"e":[sparse events]}`. */
export function batchLine(file: string, events: readonly MailEvent[]): string {
  const b = compactBatch(events);
  return `{"f":${JSON.stringify(file)},"l":${JSON.stringify(Array.from(b.lines))},"e":${b.json}}`;
}

/** The events of a `batchLine`; throws on a line that is not one. */
export function eventsOfBatchLine(line: string): MailEvent[] {
  const b = JSON.parse(line) as { f?: unknown; l?: unknown; e?: unknown };
  if (typeof b.f !== 'string' || !Array.isArray(b.l) || !Array.isArray(b.e) || b.l.length !== b.e.length) {
    throw new Error('not a batch of events');
  }
  return rebuild(b.e as SparseEvent[], b.l as number[], b.f);
}

/**
 * `batchLine` and a newline, gzip-compressed (level 1: a checkpoint is temporary, but it holds
 * as many events as the logs hold lines): the worker's, or made here once.
 */
export function gzippedBatchLine(file: string, events: readonly MailEvent[]): Uint8Array {
  const b = compactBatch(events);
  b.gzipped ??= gzipSync(`${batchLine(file, events)}\n`, { level: constants.Z_BEST_SPEED });
  return b.gzipped;
}
