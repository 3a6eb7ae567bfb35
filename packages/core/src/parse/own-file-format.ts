/**
 * Programs that write their own log file with their own timestamp (Exim's mainlog, Roundcube's
 * logs) and can also log through syslog: one message handler serves both, so each such format
 * is its handler plus these two wrappers.
 */
import type { Line } from '../ingest/line-splitter.js';
import type { FileContext, LineParser, LogFormat } from './format.js';
import type { SyslogProgram } from './syslog-program.js';
import type { Envelope } from './syslog-envelope.js';

/** Handles one message; `host` is undefined in a program's own file. Keeps per-file state. */
export type MessageHandler = (ts: number, host: string | undefined, message: string, line: Line) => void;

export interface OwnFileFormat {
  id: string;
  title: string;
  sniff(text: string): boolean;
  /** The line's time and where its message starts; undefined when the line has no stamp. */
  readStamp(text: string, ctx: FileContext): { ts: number; end: number } | undefined;
  /** What a line without a stamp is: an error, or (for multi-line entries) an ignored continuation. */
  unstamped: { error: string } | 'continuation';
  createHandler(ctx: FileContext): MessageHandler;
}

export function ownFileFormat(f: OwnFileFormat): LogFormat {
  return {
    id: f.id,
    title: f.title,
    sniff: f.sniff,
    createParser(ctx: FileContext): LineParser {
      const handle = f.createHandler(ctx);
      return {
        line(text, line) {
          const t = text.length === 0 ? undefined : f.readStamp(text, ctx);
          if (t) handle(t.ts, undefined, text.slice(t.end), line);
          else if (text.length === 0 || f.unstamped === 'continuation') ctx.ignore(line);
          else ctx.parseError(line, f.unstamped.error);
        },
      };
    },
  };
}

export function syslogProgramOf(id: string, programs: readonly string[], createHandler: (ctx: FileContext) => MessageHandler): SyslogProgram {
  return {
    id,
    matches: (program) => programs.includes(program),
    create(ctx: FileContext) {
      const handle = createHandler(ctx);
      return (env: Envelope, line: Line): void => handle(env.ts, env.host, env.message, line);
    },
  };
}
