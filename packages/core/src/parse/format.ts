/**
 * What a log format is to the pipeline. A format reads a file's lines and emits normalized
 * events; a new format is one file implementing `LogFormat` plus a line in `registry.ts`.
 */
import type { MailEvent } from '../event.js';
import type { Line } from '../ingest/line-splitter.js';
import type { ZoneClock } from '../time/zone.js';
import type { YearAnchor } from '../time/year-inference.js';

/** An event as a parser builds it; the pipeline adds `source`, `phase`, `length`, `truncated`. */
export type ParsedEvent = Omit<MailEvent, 'source' | 'phase' | 'length' | 'truncated'>;

export interface FileContext {
  /** Path relative to its scan root, `/`-separated. */
  readonly file: string;
  /** Zone for timestamps that carry none (`--tz`). */
  readonly clock: ZoneClock;
  /** Year anchor for timestamps that carry no year; undefined until asked for. */
  yearAnchor(): YearAnchor;
  emit(event: ParsedEvent, line: Line): void;
  /** The line could not be read as this format: counted, with a few samples kept. */
  parseError(line: Line, reason: string): void;
  /** The line is well-formed but of no interest (another program, a statistics line). */
  ignore(line: Line): void;
}

export interface LineParser {
  line(text: string, line: Line): void;
  /** Called after each decoded chunk's lines, for parsers with asynchronous work. */
  drain?(): Promise<void>;
  /** Called once after the last line. */
  end?(): Promise<void>;
}

export interface LogFormat {
  /** Stable id, used by `--format` and written to the manifest. */
  readonly id: string;
  readonly title: string;
  /** Whether one sample line looks like this format (used to choose a file's format). */
  sniff(text: string): boolean;
  createParser(ctx: FileContext): LineParser;
}
