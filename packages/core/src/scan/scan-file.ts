/**
 * One file through the pipeline: read (hash + decompress) → lines → format → parse → time → window.
 * Yields events in batches, one per decoded chunk, in line order; returns the file's report.
 */
import { isUtf8 } from 'node:buffer';
import type { MailEvent } from '../event.js';
import type { DiscoveredFile } from '../ingest/discover.js';
import { EvidenceReader } from '../ingest/evidence-reader.js';
import { LineSplitter, type Line } from '../ingest/line-splitter.js';
import type { FileContext, LineParser, LogFormat, ParsedEvent } from '../parse/format.js';
import { detectFormat, SNIFF_LINES } from '../parse/registry.js';
import { redactSecrets } from '../parse/redact.js';
import { shapeEvent } from '../parse/event-shape.js';
import { chooseYearAnchor, type YearAnchor } from '../time/year-inference.js';
import { phaseOf } from '../time/window.js';
import type { ResolvedScanOptions } from './options.js';
import { INTERRUPTED, newFileReport, type FileReport } from '../ingest/file-report.js';

const MAX_ERROR_SAMPLES = 3;
const SAMPLE_CHARS = 200;

/** What one file's pipeline needs of the scan options; a worker thread rebuilds it from settings. */
export type FileScanOptions = Pick<ResolvedScanOptions, 'window' | 'clock' | 'format' | 'year' | 'maxLineBytes' | 'signal'> & {
  /** Where account and IP strings are copied once; the identity where a later stage pools them. */
  identities: { account(value: string): string; ip(value: string): string };
};

export async function* scanFileEvents(
  file: DiscoveredFile,
  options: FileScanOptions,
  onRead?: (bytes: number) => void,
): AsyncGenerator<MailEvent[], FileReport, undefined> {
  const reader = new EvidenceReader(file.absolute, onRead, file.size);
  const splitter = new LineSplitter(options.maxLineBytes);
  const report: FileReport = newFileReport(file);
  const futureAfter = file.mtimeMs + 86_400_000;
  const strings = options.identities;
  let first = Infinity;
  let last = -Infinity;
  let batch: MailEvent[] = [];
  let anchor: YearAnchor | undefined;

  const ctx: FileContext = {
    file: file.path,
    clock: options.clock,
    yearAnchor() {
      anchor ??= chooseYearAnchor({
        fileName: file.path,
        gzipMtime: reader.result.gzipMtime,
        mtime: file.mtimeMs,
        override: options.year,
      });
      report.yearRule = anchor.evidence;
      return anchor;
    },
    emit(parsed: ParsedEvent, line: Line) {
      if (!Number.isFinite(parsed.ts)) {
        ctx.parseError(line, 'time could not be resolved');
        return;
      }
      const phase = phaseOf(parsed.ts, options.window);
      const event = shapeEvent(parsed, phase, { file: file.path, line: line.number }, line.length, line.truncated);
      if (event.account !== undefined) event.account = strings.account(event.account);
      if (event.ip !== undefined) event.ip = strings.ip(event.ip);
      report.events++;
      if (phase === 'baseline') report.baselineEvents++;
      else if (phase === 'window') report.windowEvents++;
      else report.afterEvents++;
      if (parsed.ts > futureAfter) report.futureEvents++;
      if (parsed.ts < first) first = parsed.ts;
      if (parsed.ts > last) last = parsed.ts;
      batch.push(event);
    },
    parseError(line: Line, reason: string) {
      report.parseErrors++;
      if (report.parseErrorSamples.length < MAX_ERROR_SAMPLES) {
        const text = line.bytes.subarray(0, SAMPLE_CHARS * 4).toString('utf8').slice(0, SAMPLE_CHARS);
        report.parseErrorSamples.push({ line: line.number, reason, text: redactSecrets(text) });
      }
    },
    ignore() {
      report.ignoredLines++;
    },
  };

  let format: LogFormat | undefined = options.format;
  let parser: LineParser | undefined = format?.createParser(ctx);
  if (format) report.format = format.id;
  /** Lines held back until the format is chosen from the first non-empty ones. */
  let held: Array<{ text: string; line: Line }> | undefined = parser ? undefined : [];
  let heldNonEmpty = 0;
  let formatless = false;

  const decide = (): void => {
    if (!held) return;
    const sample = held.filter((h) => h.text.length > 0).map((h) => h.text);
    format = sample.length > 0 ? detectFormat(sample) : undefined;
    const pending = held;
    held = undefined;
    if (!format) {
      formatless = true;
      if (sample.length > 0) {
        report.error = `no known format in the first ${Math.min(sample.length, SNIFF_LINES)} non-empty lines`;
      }
      return;
    }
    report.format = format.id;
    parser = format.createParser(ctx);
    for (const h of pending) parser.line(h.text, h.line);
  };

  const onLine = (line: Line): void => {
    report.lines++;
    if (line.length > report.longestLine) report.longestLine = line.length;
    if (line.truncated) report.overlongLines++;
    if (!isUtf8(line.bytes)) report.invalidUtf8Lines++;
    if (formatless) return;
    // Invalid UTF-8 decodes to U+FFFD; it never throws.
    const text = line.bytes.toString('utf8');
    if (held) {
      // Held lines are views into their chunk; keep a copy so the chunk is not pinned.
      held.push({ text, line: { ...line, bytes: Buffer.from(line.bytes) } });
      if (text.length > 0 && ++heldNonEmpty >= SNIFF_LINES) decide();
      return;
    }
    parser!.line(text, line);
  };

  let interrupted = false;
  for await (const chunk of reader.chunks()) {
    if (options.signal?.aborted) {
      // Leaving the loop closes the file; what was read so far is still parsed and reported.
      interrupted = true;
      break;
    }
    splitter.push(chunk, onLine);
    if (parser?.drain) await parser.drain();
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  splitter.end(onLine);
  decide();
  if (parser?.end) await parser.end();
  if (batch.length > 0) yield batch;

  const r = reader.result;
  if (interrupted) {
    // A hash of part of a file would look like the file's hash: leave it empty.
    report.error = INTERRUPTED;
    report.compression = r.compression;
    report.decodedBytes = r.decodedBytes;
    if (report.events > 0) {
      report.firstEvent = new Date(first).toISOString();
      report.lastEvent = new Date(last).toISOString();
    }
    return report;
  }
  report.sha256 = r.sha256;
  report.bytes = r.bytes || report.bytes;
  report.compression = r.compression;
  report.decodedBytes = r.decodedBytes;
  if (r.error) report.error = report.error ? `${r.error}; ${report.error}` : r.error;
  if (report.bytes === 0 && report.error === undefined) report.error = 'empty file';
  if (report.events > 0) {
    report.firstEvent = new Date(first).toISOString();
    report.lastEvent = new Date(last).toISOString();
  }
  return report;
}
