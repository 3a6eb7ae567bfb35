/**
 * A worker thread's events, written as columns as they are parsed (report/event-batch.ts): each
 * parsed line goes through one scratch event, reshaped in place (`reshapeEvent`), into the
 * batch's `ColumnWriter`, and no event object is kept. The thread made an event per line, kept
 * the batch's events, then read them all again to write the columns; the main thread rebuilds the
 * events it needs from the columns anyway. Account and IP strings are not pooled here: the main
 * thread pools them as the batch arrives.
 */
import type { MailEvent, Phase } from '../event.js';
import type { Line } from '../ingest/line-splitter.js';
import type { ParsedEvent } from '../parse/format.js';
import { reshapeEvent, shapeEvent } from '../parse/event-shape.js';
import { ColumnWriter, type CompactBatch } from '../report/event-batch.js';
import type { EventSink } from './scan-file.js';

export class ColumnSink implements EventSink<CompactBatch> {
  private writer = new ColumnWriter();
  /** Every line's event, one after the other: the writer copies what it keeps. */
  private readonly scratch: MailEvent;

  constructor(file: string) {
    this.scratch = shapeEvent({ ts: 0, app: '', kind: 'auth.success' }, 'baseline', { file, line: 0 }, 0, false);
  }

  add(parsed: ParsedEvent, phase: Phase, line: Line): void {
    reshapeEvent(this.scratch, parsed, phase, line.number, line.length, line.truncated);
    this.writer.add(this.scratch, line.number);
  }

  get size(): number {
    return this.writer.count;
  }

  take(): CompactBatch {
    const batch = this.writer.finish();
    this.writer = new ColumnWriter();
    return batch;
  }
}
