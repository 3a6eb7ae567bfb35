/** Scan options as callers give them, validated up front (as p-limit does) into resolved form. */
import { availableParallelism } from 'node:os';
import { InvalidOptionError, MxrayError } from '../errors.js';
import { DEFAULT_MAX_LINE_BYTES } from '../ingest/line-splitter.js';
import type { LogFormat } from '../parse/format.js';
import { FORMATS, formatById } from '../parse/registry.js';
import { ZoneClock } from '../time/zone.js';
import { DEFAULT_SINCE, parseInstant, type TimeWindow } from '../time/window.js';
import { DEFAULT_MAX_KEYS, KeyLimits } from '../aggregate/bounded-map.js';
import { Identities } from '../aggregate/identities.js';

export const DEFAULT_TZ = 'Asia/Tokyo';

/**
 * Reader threads beside the main thread when the scan writes its events (checkpoints, activity,
 * events.jsonl, as `scanToDirectory` and the CLI do): one per spare core, at most two. A worker
 * then also makes the JSON. A caller that only reads events gets them faster on one thread:
 * moving events between threads costs about what parsing them does (benchmarks/RESULTS.md).
 */
export const DEFAULT_WORKERS = Math.min(2, Math.max(1, availableParallelism() - 1));

export interface ScanOptions {
  /** Files, directories and glob patterns. */
  paths: readonly string[];
  /** Start of the investigation window (RFC 3339); earlier events are baseline. */
  since?: string;
  /** End of the window (RFC 3339); default: end of data. */
  until?: string;
  /** IANA zone for timestamps that carry none (BSD syslog). Default Asia/Tokyo. */
  tz?: string;
  /** Force one format for every file instead of detecting it: a `FORMATS` id (`syslog`, `exim`, `access-log`, ...). */
  format?: string;
  /** Year for zone-less syslog timestamps, overriding file name and mtime. */
  year?: number;
  /** Files read at once. Default 4. Output does not depend on it. */
  concurrency?: number;
  /**
   * Worker threads that read and parse files beside the main thread, which detects and writes;
   * 0 does everything on the calling thread. Default: `DEFAULT_WORKERS` when the scan serializes
   * its events (checkpoints, `ScanHooks.serializesEvents`), else 0. Output does not depend on it.
   */
  workers?: number;
  /** Longest line kept whole; longer ones keep this prefix and their true length. Default 1 MiB. */
  maxLineBytes?: number;
  /** Directory relative paths are resolved against. Default `process.cwd()`. */
  cwd?: string;
  /**
   * Stops the scan early (Ctrl-C): files not started are reported as not scanned, files being
   * read stop at the next chunk and are reported as interrupted; the result says `complete: false`.
   */
  signal?: AbortSignal;
  /**
   * Most keys (accounts, IPs) any one per-key structure holds; past it the least useful keys are
   * evicted and the manifest says so. Default 2,000,000.
   */
  maxKeys?: number;
  /** Shared caps, when a caller runs detection beside the scan (scanToDirectory does). */
  limits?: KeyLimits;
  /** The tables accounts and IPs are pooled and numbered in; pass the detection's, so both share ids. */
  identities?: Identities;
}

export interface ResolvedScanOptions {
  paths: readonly string[];
  since: string;
  until?: string;
  tz: string;
  window: TimeWindow;
  clock: ZoneClock;
  format?: LogFormat;
  year?: number;
  concurrency: number;
  /** Undefined: decided by the scan (see `ScanOptions.workers`). */
  workers?: number;
  maxLineBytes: number;
  cwd: string;
  signal?: AbortSignal;
  limits: KeyLimits;
  /** The scan's one copy of each account and IP string, numbered for the state built on them. */
  identities: Identities;
}

export function resolveScanOptions(options: ScanOptions): ResolvedScanOptions {
  if (!options || !Array.isArray(options.paths) || options.paths.length === 0) {
    throw new MxrayError('MXRAY_NO_INPUT', 'no input paths given');
  }
  const since = options.since ?? DEFAULT_SINCE;
  const tz = options.tz ?? DEFAULT_TZ;
  const clock = new ZoneClock(tz);
  const sinceMs = parseInstant(since, '--since', tz);
  const untilMs = options.until === undefined ? Infinity : parseInstant(options.until, '--until', tz);
  if (untilMs < sinceMs) throw new InvalidOptionError('--until is before --since');
  let format: LogFormat | undefined;
  if (options.format !== undefined && options.format !== 'auto') {
    format = formatById(options.format);
    if (!format) {
      throw new InvalidOptionError(
        `unknown format ${JSON.stringify(options.format)}; known: auto, ${FORMATS.map((f) => f.id).join(', ')}`,
      );
    }
  }
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new InvalidOptionError('Expected `concurrency` to be an integer from 1 to 256');
  }
  const workers = options.workers;
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0 || workers > 64)) {
    throw new InvalidOptionError('Expected `workers` to be an integer from 0 to 64');
  }
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1024) {
    throw new InvalidOptionError('Expected `maxLineBytes` to be an integer of at least 1024');
  }
  const maxKeys = options.limits?.maxKeys ?? options.maxKeys ?? DEFAULT_MAX_KEYS;
  if (!Number.isInteger(maxKeys) || maxKeys < 100) throw new InvalidOptionError('Expected `maxKeys` to be an integer of at least 100');
  if (options.year !== undefined && (!Number.isInteger(options.year) || options.year < 1970 || options.year > 9999)) {
    throw new InvalidOptionError('Expected `year` to be a four-digit year');
  }
  return {
    paths: options.paths,
    since,
    ...(options.until !== undefined && { until: options.until }),
    tz,
    window: { since: sinceMs, until: untilMs },
    clock,
    ...(format && { format }),
    ...(options.year !== undefined && { year: options.year }),
    concurrency,
    ...(workers !== undefined && { workers }),
    maxLineBytes,
    cwd: options.cwd ?? process.cwd(),
    ...(options.signal && { signal: options.signal }),
    limits: options.limits ?? new KeyLimits(maxKeys),
    identities: options.identities ?? new Identities(maxKeys),
  };
}
