/** events.jsonl: every normalized event, in input order whatever the concurrency. */
import type { EventBatch } from './event-batch.js';
import { jsonlText } from './json-order.js';
import { OrderedPartsWriter } from './ordered-parts.js';

export class EventsJsonlWriter {
  private readonly parts: OrderedPartsWriter;

  constructor(outDir: string) {
    this.parts = new OrderedPartsWriter(outDir, '.events-parts');
  }

  start(): Promise<void> {
    return this.parts.start();
  }

  write(index: number, batch: EventBatch): Promise<void> {
    const text = jsonlText(batch.outputLines());
    return this.parts.write(index, text);
  }

  fileDone(index: number): Promise<void> {
    return this.parts.fileDone(index);
  }

  finish(fileCount: number): Promise<string> {
    return this.parts.join(fileCount, 'events.jsonl');
  }

  discard(): Promise<void> {
    return this.parts.discard();
  }
}
