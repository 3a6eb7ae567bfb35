/**
 * The `mxray` command: argument parsing, wiring and exit codes. Everything else is in @mxray/core.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_SINCE,
  DEFAULT_TZ,
  FORMATS,
  TOOL_VERSION,
  formatTerminalSummary,
  escapeForTerminal,
  scanToDirectory,
} from '@mxray/core';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { createProgress } from './progress.js';

export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    }
    return n;
  };
}

interface ScanFlags {
  out: string;
  since: string;
  until?: string;
  tz: string;
  format: string;
  year?: number;
  concurrency: number;
  events?: boolean;
  force?: boolean;
  progress: boolean;
  maxLineBytes: number;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command()
    .name('mxray')
    .description('Mail-log forensics: find webmail overflow exploits and the accounts an attacker touched.')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError();

  program
    .command('scan')
    .description('scan log files, directories or globs and write results to --out')
    .argument('<paths...>', 'files, directories (recursive) or glob patterns')
    .requiredOption('-o, --out <dir>', 'output directory (must be empty unless --force)')
    .option('--since <time>', 'start of the investigation window, RFC 3339; earlier events are baseline', DEFAULT_SINCE)
    .option('--until <time>', 'end of the investigation window, RFC 3339 (default: end of data)')
    .option('--tz <zone>', 'IANA zone of syslog timestamps that carry none', DEFAULT_TZ)
    .addOption(
      new Option('--format <id>', 'force one format instead of detecting it per file')
        .choices(['auto', ...FORMATS.map((f) => f.id)])
        .default('auto'),
    )
    .option('--year <yyyy>', 'year of zone-less syslog timestamps (overrides file name and mtime)', integer('--year', 1970, 9999))
    .option('-j, --concurrency <n>', 'files read at once (output does not depend on it)', integer('--concurrency', 1, 256), 4)
    .option('--events', 'also write every normalized event to events.jsonl')
    .option('--force', 'write into a non-empty --out (replacing earlier mxray outputs)')
    .option('--max-line-bytes <n>', 'longest line kept whole; longer lines keep a prefix', integer('--max-line-bytes', 1024, 1 << 30), 1 << 20)
    .option('--no-progress', 'no progress bar (it is shown only when stderr is a terminal)')
    .action(async (paths: string[], flags: ScanFlags) => {
      const progress = createProgress(io.stderr, flags.progress);
      try {
        const { manifest, outputs } = await scanToDirectory({
          paths,
          out: flags.out,
          since: flags.since,
          ...(flags.until !== undefined && { until: flags.until }),
          tz: flags.tz,
          format: flags.format,
          ...(flags.year !== undefined && { year: flags.year }),
          concurrency: flags.concurrency,
          maxLineBytes: flags.maxLineBytes,
          events: flags.events ?? false,
          force: flags.force ?? false,
          onProgress: (p) => progress.update(p),
        });
        progress.stop();
        io.stdout.write(formatTerminalSummary(manifest, outputs));
      } finally {
        progress.stop();
      }
    });

  program
    .command('formats')
    .description('list the log formats mxray reads')
    .action(() => {
      for (const f of FORMATS) io.stdout.write(`${f.id.padEnd(14)} ${f.title}\n`);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0 through the same path.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    code = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`mxray: ${escapeForTerminal(message)}\n`);
    if (code === EXIT.fatal && error instanceof Error && error.stack && process.env.MXRAY_DEBUG) {
      io.stderr.write(`${error.stack}\n`);
    }
  }
  return code;
}
