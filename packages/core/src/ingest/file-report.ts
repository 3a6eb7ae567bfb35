/** What the manifest says of one input file (DESIGN §5 `inputs[]`, extended). */
import type { Compression } from './sniff.js';
import type { DiscoveredFile } from './discover.js';

export interface ParseErrorSample {
  line: number;
  reason: string;
  /** The line's start, redacted and cut to 200 characters. */
  text: string;
}

export interface FileReport {
  root: string;
  path: string;
  sha256: string;
  bytes: number;
  compression: Compression;
  /** Format id, or `unknown` when no format matched. */
  format: string;
  lines: number;
  events: number;
  parseErrors: number;
  overlongLines: number;
  /** Which rule set the year of zone-less syslog timestamps, e.g. `filename:20240804`. */
  yearRule?: string;
  /** Why the file was not read to its end, or not parsed. */
  error?: string;
  mtime: string;
  decodedBytes: number;
  invalidUtf8Lines: number;
  ignoredLines: number;
  longestLine: number;
  baselineEvents: number;
  windowEvents: number;
  afterEvents: number;
  /**
   * Events dated more than a day after the file was last modified: impossible for a log that was
   * only appended to, so a clock error, a forged line or a wrong year rule.
   */
  futureEvents: number;
  firstEvent?: string;
  lastEvent?: string;
  parseErrorSamples: ParseErrorSample[];
}

/** A report with nothing read yet; `error` set for a file the scan never got to. */
export function newFileReport(file: DiscoveredFile, error?: string): FileReport {
  return {
    root: file.root,
    path: file.path,
    sha256: '',
    bytes: file.size,
    compression: 'none',
    format: 'unknown',
    lines: 0,
    events: 0,
    parseErrors: 0,
    overlongLines: 0,
    ...(error !== undefined && { error }),
    mtime: new Date(file.mtimeMs).toISOString(),
    decodedBytes: 0,
    invalidUtf8Lines: 0,
    ignoredLines: 0,
    longestLine: 0,
    baselineEvents: 0,
    windowEvents: 0,
    afterEvents: 0,
    futureEvents: 0,
    parseErrorSamples: [],
  };
}

/** Error text of a file whose reading an interruption cut short or never started. */
export const NOT_SCANNED = 'not scanned: the scan was interrupted before this file (use --resume)';
export const INTERRUPTED = 'interrupted while reading: counts cover only the part read, no hash (use --resume)';
