/**
 * Timeline export for Timesketch and other timeline tools (`--timeline FILE.csv|.jsonl`): the
 * columns Timesketch requires (`message`, `datetime`, `timestamp_desc`, plus `timestamp` in
 * microseconds) and mxray's own. Rows are findings and, when asked, the window events of flagged
 * accounts and IPs from activity.jsonl.
 */
import { stringify } from 'csv-stringify/sync';
import { InvalidOptionError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { TIMESTAMP_DESC, type TimelineEntry } from './timeline.js';

export type TimelineFormat = 'csv' | 'jsonl';

export const TIMELINE_COLUMNS = [
  'message',
  'datetime',
  'timestamp_desc',
  'timestamp',
  'type',
  'rule',
  'severity',
  'account',
  'ip',
  'source_file',
  'source_line',
] as const;

export type TimelineRow = Record<(typeof TIMELINE_COLUMNS)[number], string | number>;

export function timelineFormatOf(file: string): TimelineFormat {
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  throw new InvalidOptionError(`--timeline ${file}: the name must end in .csv or .jsonl`);
}

export function timelineRow(e: TimelineEntry): TimelineRow {
  return {
    message: e.type === 'finding' ? `[${e.severity}] ${e.rule}: ${e.message}` : e.message,
    datetime: new Date(e.ts).toISOString().replace('Z', '+00:00'),
    timestamp_desc: TIMESTAMP_DESC[e.type],
    timestamp: e.ts * 1000,
    type: e.type,
    rule: e.rule ?? '',
    severity: e.severity ?? '',
    account: e.account ?? '',
    ip: e.ip ?? '',
    source_file: e.source.file,
    source_line: e.source.line,
  };
}

/**
 * A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading
 * apostrophe: attacker-written text (a request path, an account name) must not become code when
 * someone opens the CSV. JSONL keeps the text as it was.
 */
export function neutralizeFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

export function timelineCsv(entries: readonly TimelineEntry[]): string {
  const rows = entries.map((e) => {
    const r = timelineRow(e);
    return TIMELINE_COLUMNS.map((c) => (typeof r[c] === 'string' ? neutralizeFormula(r[c]) : r[c]));
  });
  return stringify(rows, { header: true, columns: [...TIMELINE_COLUMNS], record_delimiter: 'unix' });
}

export function timelineJsonl(entries: readonly TimelineEntry[]): string {
  return entries.map((e) => `${JSON.stringify(timelineRow(e))}\n`).join('');
}

/** Writes entries (already in timeline order) to `file`, whole or not at all. */
export async function writeTimeline(file: string, entries: readonly TimelineEntry[]): Promise<string> {
  const text = timelineFormatOf(file) === 'csv' ? timelineCsv(entries) : timelineJsonl(entries);
  await writeFileAtomic(file, text);
  return file;
}
