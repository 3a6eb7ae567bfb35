/** What the manifest says of one input file (DESIGN §5 `inputs[]`, extended). */
import type { Compression } from '../ingest/sniff.js';

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
  firstEvent?: string;
  lastEvent?: string;
  parseErrorSamples: ParseErrorSample[];
}
