/** Runs one format's parser over lines, as the pipeline would, and collects what it says. */
import {
  chooseYearAnchor,
  ZoneClock,
  type FileContext,
  type Line,
  type LogFormat,
  type ParsedEvent,
} from '@mxray/core/internal';

export interface ParseOutcome {
  events: Array<ParsedEvent & { line: number }>;
  errors: Array<{ line: number; reason: string }>;
  ignored: number[];
}

export async function parseLines(
  format: LogFormat,
  lines: readonly string[],
  { file = 'maillog-20240804', tz = 'Asia/Tokyo', mtime = Date.UTC(2024, 7, 4) } = {},
): Promise<ParseOutcome> {
  const outcome: ParseOutcome = { events: [], errors: [], ignored: [] };
  const ctx: FileContext = {
    file,
    clock: new ZoneClock(tz),
    yearAnchor: () => chooseYearAnchor({ fileName: file, mtime }),
    emit: (event, line) => void outcome.events.push({ ...event, line: line.number }),
    parseError: (line, reason) => void outcome.errors.push({ line: line.number, reason }),
    ignore: (line) => void outcome.ignored.push(line.number),
  };
  const parser = format.createParser(ctx);
  lines.forEach((text, i) => {
    const bytes = Buffer.from(text);
    const line: Line = { bytes, number: i + 1, length: bytes.length, truncated: false };
    parser.line(text, line);
  });
  await parser.drain?.();
  await parser.end?.();
  return outcome;
}
