import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { discover } from '../ingest/discover.js';
import { EventBatch } from '../report/event-batch.js';
import { ColumnSink } from './column-sink.js';
import { resolveScanOptions } from './options.js';
import { scanFileBatches, scanFileEvents } from './scan-file.js';

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../samples');

describe('ColumnSink', () => {
  it('writes every file of the samples as the same columns, line numbers and report as its events give', async () => {
    const { files } = await discover([SAMPLES]);
    expect(files.length).toBeGreaterThan(5);
    const options = resolveScanOptions({ paths: [SAMPLES] });
    // The worker's strings are not pooled; neither are these (another thread pools them).
    const unpooled = { ...options, identities: { account: (v: string) => v, ip: (v: string) => v } };
    let events = 0;
    for (const file of files) {
      const fromEvents: string[] = [];
      const byEvents = scanFileEvents(file, unpooled);
      let step = await byEvents.next();
      for (; !step.done; step = await byEvents.next()) {
        const { json, lines } = new EventBatch(file.path, step.value).compact();
        fromEvents.push(JSON.stringify([json, Array.from(lines)]));
        events += step.value.length;
      }
      const fromColumns: string[] = [];
      const byColumns = scanFileBatches(file, unpooled, new ColumnSink(file.path));
      let columns = await byColumns.next();
      for (; !columns.done; columns = await byColumns.next()) fromColumns.push(JSON.stringify([columns.value.json, Array.from(columns.value.lines)]));
      expect(fromColumns).toEqual(fromEvents);
      expect(columns.value).toEqual(step.value);
    }
    // The samples are not a handful of lines: the comparison saw every kind of event they hold.
    expect(events).toBeGreaterThan(1000);
  });
});
