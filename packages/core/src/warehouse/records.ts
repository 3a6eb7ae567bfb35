/**
 * The record table: one row per normalized event, the columns the detectors read, and the
 * exact way back to the event. A column that an event leaves unset holds its type's default and
 * its bit in `present` is clear, so a row becomes the very event it was made from (an empty
 * string, a status of 0 and an absent field stay three different things). The phase is not
 * stored: `detect` computes it from the time and its own window, so one load serves any
 * `--since`/`--until`.
 *
 * Rows travel as JSONEachRow: JSON.stringify escapes whatever text an attacker put in a path or a
 * user name, and ClickHouse 18.16 reads it back unchanged (a test sends hostile lines both ways).
 */
import type { MailEvent, Phase } from '../event.js';
import { EVENT_KINDS } from '../event.js';
import { eventFromSparse, type SparseEvent } from '../parse/event-shape.js';

/** Optional event fields and the column each is kept in, in `present` bit order (never reorder: stored rows depend on it). */
const OPTIONAL = [
  ['host', 'host', 'String'],
  ['protocol', 'protocol', 'String'],
  ['account', 'account', 'String'],
  ['ip', 'ip', 'String'],
  ['localIp', 'local_ip', 'String'],
  ['method', 'method', 'String'],
  ['path', 'path', 'String'],
  ['status', 'status', 'UInt32'],
  ['bytesIn', 'bytes_in', 'Float64'],
  ['bytesOut', 'bytes_out', 'Float64'],
  ['userAgent', 'user_agent', 'String'],
  ['referer', 'referer', 'String'],
  ['forwardedFor', 'forwarded_for', 'Array(String)'],
  ['queueId', 'queue_id', 'String'],
  ['session', 'session', 'String'],
  ['attempts', 'attempts', 'UInt32'],
  ['detail', 'detail', 'String'],
  ['from', 'from_addr', 'String'],
  ['to', 'to_addrs', 'Array(String)'],
  ['messageId', 'message_id', 'String'],
  ['receivedIps', 'received_ips', 'Array(String)'],
  ['authResults', 'auth_results', 'String'],
] as const satisfies ReadonlyArray<readonly [keyof MailEvent, string, string]>;

/** Columns of the record table, in table order. */
export const RECORD_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['load_id', 'String'],
  ['day', 'Date'],
  ['ts', 'Int64'],
  ['file', 'String'],
  ['line', 'UInt32'],
  /** The event's number in its file (a line can give more than one event): the order `detect` reads them back in. */
  ['seq', 'UInt32'],
  ['kind', `Enum8(${EVENT_KINDS.map((k, i) => `'${k}' = ${i + 1}`).join(', ')})`],
  ['app', 'String'],
  ...OPTIONAL.map(([, column, type]) => [column, type] as const),
  ['truncated', 'UInt8'],
  ['length', 'UInt64'],
  ['present', 'UInt32'],
];

/** The columns an event is read back from (the load id, day and number only place it). */
export const EVENT_COLUMNS: readonly string[] = RECORD_COLUMNS.map(([c]) => c).filter((c) => c !== 'load_id' && c !== 'day' && c !== 'seq');

const DAY_MS = 86_400_000;

/**
 * Makes the JSONEachRow lines of one file's records. Built as text, field by field, with only the
 * fields an event has (ClickHouse fills an omitted column with its default): an object per row
 * handed to the client's JSON.stringify cost more than the parsing on this path (benchmarks/RESULTS.md).
 */
export class RecordWriter {
  private readonly head: string;
  private day = Number.NaN;
  private dayText = '';

  /** `loadId` and `file` are the same for every row of a file: quoted once. */
  constructor(loadId: string, file: string) {
    this.head = `{"load_id":${JSON.stringify(loadId)},"file":${JSON.stringify(file)}`;
  }

  /** The event, the `seq`th of its file, as one line with its newline. */
  line(e: MailEvent, seq: number): string {
    const day = Math.floor(e.ts / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.dayText = new Date(day * DAY_MS).toISOString().slice(0, 10);
    }
    let out = `${this.head},"day":"${this.dayText}","ts":${e.ts},"line":${e.source.line},"seq":${seq},"kind":"${e.kind}","app":${JSON.stringify(e.app)}`;
    let present = 0;
    for (let bit = 0; bit < OPTIONAL.length; bit++) {
      const [field, column, type] = OPTIONAL[bit]!;
      const value = e[field];
      if (value === undefined) continue;
      present |= 1 << bit;
      out += `,"${column}":${type === 'String' || type === 'Array(String)' ? JSON.stringify(value) : String(value)}`;
    }
    if (e.truncated === true) out += ',"truncated":1';
    return `${out},"length":${e.length},"present":${present}}\n`;
  }
}

/** A row read back (the columns of EVENT_COLUMNS) as the event it was made from, in the window's phase. */
export function eventOfRow(row: Readonly<Record<string, unknown>>, phase: (ts: number) => Phase): MailEvent {
  const ts = Number(row.ts);
  const present = Number(row.present);
  const sparse: Record<string, unknown> = { ts, phase: phase(ts), app: row.app, kind: row.kind };
  for (let bit = 0; bit < OPTIONAL.length; bit++) {
    if ((present & (1 << bit)) === 0) continue;
    const [field, column] = OPTIONAL[bit]!;
    sparse[field] = row[column];
  }
  if (Number(row.truncated) === 1) sparse.truncated = true;
  sparse.length = Number(row.length);
  return eventFromSparse(sparse as unknown as SparseEvent, String(row.file), Number(row.line));
}
