/**
 * The `mxray` command: argument parsing, wiring and exit codes. Everything else is in @mxray/core.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_SINCE,
  DEFAULT_TZ,
  DEFAULT_WORKERS,
  DETECTORS,
  FORMATS,
  SEVERITIES,
  TOOL_VERSION,
  InvalidOptionError,
  formatTerminalSummary,
  formatExplanation,
  explainEntity,
  summaryJson,
  escapeForTerminal,
  readListFile,
  rulesMarkdown,
  scanToDirectory,
  loadToWarehouse,
  detectFromWarehouse,
  formatLoadSummary,
  severityRank,
  assessEvidence,
  readConfigFile,
  CONFIG_SCHEMA,
  type ConfigFile,
  type ScanProgress,
  type ScanToDirectoryOptions,
  type ScanToDirectoryResult,
  type Severity,
} from '@mxray/core';
import { stat } from 'node:fs/promises';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { createProgress, type ProgressDisplay } from './progress.js';

export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Observes scan progress (for programs that embed the CLI; tests interrupt at a known point with it). */
  onProgress?: (progress: ScanProgress) => void;
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
  workers: number;
  events?: boolean;
  force?: boolean;
  progress: boolean;
  maxLineBytes: number;
  trustedNets: string[];
  ioc: string[];
  webmailHosts: string[];
  rule: string[];
  failOn: Severity | 'none';
  geo: boolean;
  geoip: string[];
  report: boolean;
  timeline: string[];
  timelineEvents?: boolean;
  json?: boolean;
  resume?: boolean;
  checkpoints: boolean;
  maxKeys: number;
  spillDir?: string;
  spillMemory: number;
  minLevel: Severity;
  strict?: boolean;
  csv?: boolean;
  disable: string[];
  config?: string;
  color: boolean;
  quiet?: boolean;
}

interface WarehouseFlags {
  clickhouse: string[];
  database: string;
  cluster: string;
}

interface LoadFlags extends WarehouseFlags {
  tz: string;
  format: string;
  year?: number;
  concurrency: number;
  workers: number;
  maxLineBytes: number;
  machine?: string;
  progress: boolean;
  json?: boolean;
  quiet?: boolean;
}

/** What `scan` and `detect` share: everything but where the events come from. */
type DirectoryRun = Omit<ScanToDirectoryOptions, 'paths'>;

/** Flags a config file may set: the schema's keys (paths, --out and the like belong to one command line). */
const CONFIG_FLAGS = Object.keys(CONFIG_SCHEMA.properties).filter((k): k is keyof ConfigFile => k !== '$schema');

/** Where no `--config` is given, this file in the working directory is read when it exists. */
const DEFAULT_CONFIG = 'mxray.config.json';

/**
 * Settings from the config file under the flags the command line did not set: a flag typed on the
 * command line wins, a list from the file is extended by the command line's.
 */
async function applyConfig(command: Command, flags: ScanFlags, io: CliIo): Promise<void> {
  let file = flags.config;
  if (file === undefined) {
    if (!(await stat(DEFAULT_CONFIG).then((s) => s.isFile(), () => false))) return;
    file = DEFAULT_CONFIG;
    if (!flags.quiet) io.stderr.write(`mxray: reading settings from ./${DEFAULT_CONFIG}\n`);
  }
  const config = await readConfigFile(file);
  const target = flags as unknown as Record<string, unknown>;
  for (const key of CONFIG_FLAGS) {
    const value = config[key];
    if (value === undefined) continue;
    if (key === 'rule') {
      // `{ "auth.spray.minAccounts": 20 }` → `auth.spray.minAccounts=20`, before the command line's.
      target['rule'] = [...Object.entries(value as Record<string, number>).map(([k, v]) => `${k}=${v}`), ...flags.rule];
    } else if (Array.isArray(value)) {
      target[key] = [...value, ...((target[key] as string[] | undefined) ?? [])];
    } else if (command.getOptionValueSource(key) !== 'cli') {
      target[key] = value;
    }
  }
}

/** `--disable web.overflow-post,auth.spray` → the detectors to run; an unknown id is a usage error. */
function enabledDetectors(disabled: readonly string[]): typeof DETECTORS {
  const unknown = disabled.filter((id) => !DETECTORS.some((d) => d.id === id));
  if (unknown.length) throw new InvalidOptionError(`--disable: no rule ${unknown.map((u) => JSON.stringify(u)).join(', ')} (mxray rules lists them)`);
  return DETECTORS.filter((d) => !disabled.includes(d.id));
}

/** Colour on stdout: a terminal, --color not turned off, and no NO_COLOR (https://no-color.org). */
function useColor(flags: { color: boolean }, stream: NodeJS.WriteStream): boolean {
  const noColor = process.env['NO_COLOR'];
  return flags.color && stream.isTTY === true && (noColor === undefined || noColor === '');
}

const collect = (value: string, previous: string[]): string[] => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

/** `--trusted-nets 10.0.0.0/8,192.0.2.0/24` or `--trusted-nets @file`. */
async function expandLists(values: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const v of values) out.push(...(v.startsWith('@') ? await readListFile(v.slice(1)) : [v]));
  return out;
}

/** `--rule auth.spray.minAccounts=20` → `{ 'auth.spray': { minAccounts: 20 } }` */
function ruleOptions(values: readonly string[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const v of values) {
    const m = /^([a-z0-9-]+\.[a-z0-9-]+)\.([A-Za-z]+)=(-?\d+(?:\.\d+)?)$/.exec(v);
    if (!m) throw new InvalidOptionError(`--rule takes RULE.OPTION=NUMBER, e.g. auth.spray.minAccounts=20 (got ${JSON.stringify(v)})`);
    (out[m[1]!] ??= {})[m[2]!] = Number(m[3]);
  }
  return out;
}

/**
 * Runs `work` with Ctrl-C and SIGTERM wired to its signal: the first stops it (it writes what it
 * has and `said` tells the user what that means), a second quits at once. The progress display
 * is stopped however `work` ends.
 */
async function stoppable<T>(io: CliIo, progress: ProgressDisplay, said: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    progress.stop();
    io.stderr.write(`mxray: ${signal}: stopping; ${said} (again to quit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress.stop();
  }
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
      // One prefix for every error: `mxray: error: ...` (commander writes `error: ...`).
      outputError: (s, write) => write(`mxray: ${s}`),
    });

  /** Options of every command that detects and writes the output contract (`scan`, `detect`). */
  const withDetectionOptions = (command: Command): Command =>
    command
      .requiredOption('-o, --out <dir>', 'output directory (must be empty unless --force)')
      .option('--since <time>', 'start of the investigation window: RFC 3339 with a zone, or a date (YYYY-MM-DD) meaning midnight in --tz; earlier events are baseline', DEFAULT_SINCE)
      .option('--until <time>', 'end of the investigation window, as --since (default: end of data)')
      .option('--tz <zone>', 'IANA zone of syslog timestamps that carry none (and of a date given to --since/--until)', DEFAULT_TZ)
      .option('--events', 'also write every normalized event to events.jsonl')
      .option('--force', 'write into a non-empty --out (replacing earlier mxray outputs)')
      .option('--no-progress', 'no progress bar (it is shown only when stderr is a terminal)')
      .option('--trusted-nets <cidrs>', 'IPs/CIDRs never flagged for access (comma list or @file; repeatable)', collect, [])
      .option('--ioc <file>', 'file of known-bad IPs/CIDRs, one per line (repeatable)', (v: string, p: string[]) => [...p, v], [])
      .option('--webmail-hosts <ips>', 'webmail servers that log into IMAP for users (comma list or @file); more are learned', collect, [])
      .option('--rule <rule.option=value>', 'set a rule option, e.g. auth.spray.minAccounts=20 (repeatable; see `mxray rules`)', (v: string, p: string[]) => [...p, v], [])
      .option('--geoip <file>', 'MaxMind-format database (GeoLite2 Country/City/ASN) for ASN and country; repeatable', (v: string, p: string[]) => [...p, v], [])
      .option('--no-geo', 'do not use the packaged ASN/country databases')
      .option('--no-report', 'do not write report.html')
      .option('--timeline <file>', 'timeline for Timesketch and the like: FILE.csv or FILE.jsonl (repeatable)', (v: string, p: string[]) => [...p, v], [])
      .option('--timeline-events', 'put the window events of flagged accounts and IPs in --timeline, not only findings')
      .option('--json', 'print the summary as JSON on stdout')
      .option('--max-keys <n>', 'most accounts or IPs one per-key structure holds; past it the least useful are evicted and reported', integer('--max-keys', 100, 1e9), 2_000_000)
      .option('--spill-memory <MiB>', 'logins, sessions and messages kept in memory before they go to disk (past it, more days of log no longer add them to memory)', integer('--spill-memory', 1, 1 << 20), 128)
      .option('--spill-dir <dir>', 'folder for the spill directory (default --out; the spill directory is removed at the end; refused inside an input)')
      .addOption(
        new Option('--fail-on <level>', 'exit 1 when a finding is at or above this severity')
          .choices(['none', ...SEVERITIES])
          .default('none'),
      )
      .addOption(
        new Option('--min-level <level>', 'show and write only findings, accounts and IPs at or above this severity (manifest.json still counts everything)')
          .choices([...SEVERITIES])
          .default('info'),
      )
      .option('--strict', 'exit 5 when any input file could not be read completely (corrupt, truncated, unreadable)')
      .option('--csv', 'also write findings.csv, accounts.csv and ips.csv (the JSONL files\' columns)')
      .option('--disable <rules>', 'rules not to run (comma list; repeatable; see `mxray rules`)', collect, [])
      .option('--config <file>', `settings file (JSON, see docs/config.md); default ./${DEFAULT_CONFIG} when it exists; flags win`)
      .option('--no-color', 'no colour in the summary (also NO_COLOR=1; colour is only used on a terminal)')
      .option('-q, --quiet', 'print no progress and no summary (errors and --json output still print)');

  /** Options that shape how files are read and parsed (`scan`, `load`). */
  const withReadingOptions = (command: Command): Command =>
    command
      .addOption(
        new Option('--format <id>', 'force one format instead of detecting it per file')
          .choices(['auto', ...FORMATS.map((f) => f.id)])
          .default('auto'),
      )
      .option('--year <yyyy>', 'year of zone-less syslog timestamps (overrides file name and mtime)', integer('--year', 1970, 9999))
      .option('-j, --concurrency <n>', 'files read at once (output does not depend on it)', integer('--concurrency', 1, 256), 4)
      .option('-w, --workers <n>', 'threads that read and parse files while the main thread detects; 0: none (output does not depend on it)', integer('--workers', 0, 64), DEFAULT_WORKERS)
      .option('--max-line-bytes <n>', 'longest line kept whole; longer lines keep a prefix', integer('--max-line-bytes', 1024, 1 << 30), 1 << 20);

  /** Options naming a ClickHouse warehouse (`load`, `detect`). */
  const withWarehouseOptions = (command: Command): Command =>
    command
      .requiredOption('--clickhouse <urls>', 'HTTP URL of each shard\'s node, comma-separated (http://user:password@host:8123); the first serves cluster-wide queries', (v: string, p: string[] | undefined) => collect(v, p ?? []))
      .option('--database <name>', 'database of mxray\'s tables', 'mxray')
      .option('--cluster <name>', 'cluster of the shards in the nodes\' remote_servers', 'mxray');

  /**
   * Runs a command that writes the output contract (scan, detect): config file, signals, progress,
   * the summary and the exit code. `run` makes the outputs from the settings the flags give.
   */
  const runToDirectory = async (flags: ScanFlags, command: Command, run: (common: DirectoryRun) => Promise<ScanToDirectoryResult>): Promise<void> => {
    await applyConfig(command, flags, io);
    const detectors = enabledDetectors(flags.disable);
    const progress = createProgress(io.stderr, flags.progress && !flags.quiet);
    await stoppable(io, progress, 'writing what was read so far', async (signal) => {
      const ioc: string[] = [];
      for (const file of flags.ioc) ioc.push(...(await readListFile(file)));
      const { manifest, outputs, findings, accounts, ips, complete, resumed } = await run({
        signal,
        out: flags.out,
        since: flags.since,
        ...(flags.until !== undefined && { until: flags.until }),
        tz: flags.tz,
        maxKeys: flags.maxKeys,
        events: flags.events ?? false,
        force: flags.force ?? false,
        onProgress: (p) => {
          progress.update(p);
          io.onProgress?.(p);
        },
        detection: {
          trustedNets: await expandLists(flags.trustedNets),
          ioc,
          webmailHosts: await expandLists(flags.webmailHosts),
          ruleOptions: ruleOptions(flags.rule),
          detectors,
          geo: { packaged: flags.geo, files: flags.geoip },
          spill: { memoryBytes: flags.spillMemory * 1024 * 1024, ...(flags.spillDir !== undefined && { dir: flags.spillDir }) },
        },
        report: flags.report,
        csv: flags.csv ?? false,
        timeline: flags.timeline,
        timelineEvents: flags.timelineEvents ?? false,
        minLevel: flags.minLevel,
      });
      progress.stop();
      if (resumed > 0 && !flags.quiet) io.stderr.write(`mxray: ${resumed} file(s) taken from checkpoints, not read again\n`);
      if (flags.json) io.stdout.write(`${JSON.stringify(summaryJson(manifest, outputs, accounts, ips, { minLevel: flags.minLevel }), null, 2)}\n`);
      else if (!flags.quiet) io.stdout.write(formatTerminalSummary(manifest, outputs, { accounts, ips, minLevel: flags.minLevel, color: useColor(flags, io.stdout) }));
      const failOn = flags.failOn;
      if (failOn !== 'none' && findings.some((f) => severityRank(f.severity) >= severityRank(failOn))) code = EXIT.findings;
      const evidence = assessEvidence(manifest);
      if (evidence.fatal !== undefined) {
        // No findings from no evidence is no clean bill of health.
        io.stderr.write(`mxray: error: ${escapeForTerminal(evidence.fatal)}\n`);
        code = EXIT.fatal;
      } else if (flags.strict && evidence.failedInputs > 0) {
        io.stderr.write(`mxray: error: --strict: ${evidence.failedInputs} input file(s) could not be read completely; see problems above and manifest.json\n`);
        code = EXIT.incomplete;
      }
      if (!complete) {
        io.stderr.write(`mxray: interrupted; outputs cover the files read. Continue with the same command${command.name() === 'scan' ? ' and --resume' : ''}.\n`);
        code = EXIT.interrupted;
      }
    });
  };

  withReadingOptions(withDetectionOptions(program.command('scan')))
    .description('scan log files, directories or globs and write results to --out')
    .argument('<paths...>', 'files, directories (recursive) or glob patterns')
    .option('--resume', 'continue the interrupted scan in --out from its checkpoints (same paths and time options)')
    .option('--no-checkpoints', 'keep no per-file checkpoints (an interrupted scan then starts over; no disk saved: the activity spool keeps its own copy instead)')
    .action(async (paths: string[], flags: ScanFlags, command: Command) => {
      await runToDirectory(flags, command, (common) =>
        scanToDirectory({
          ...common,
          paths,
          resume: flags.resume ?? false,
          checkpoints: flags.checkpoints,
          format: flags.format,
          ...(flags.year !== undefined && { year: flags.year }),
          concurrency: flags.concurrency,
          workers: flags.workers,
          maxLineBytes: flags.maxLineBytes,
        }),
      );
    });

  withReadingOptions(withWarehouseOptions(program.command('load')))
    .description('read log files as scan does and load their records into a ClickHouse cluster (see docs/clickhouse.md)')
    .argument('<paths...>', 'files, directories (recursive) or glob patterns')
    .option('--tz <zone>', 'IANA zone of syslog timestamps that carry none', DEFAULT_TZ)
    .option('--machine <name>', 'this machine\'s name in the load table (default: the host name)')
    .option('--no-progress', 'no progress bar (it is shown only when stderr is a terminal)')
    .option('--json', 'print the per-file result as JSON on stdout')
    .option('-q, --quiet', 'print no progress and no summary')
    .action(async (paths: string[], flags: LoadFlags) => {
      const progress = createProgress(io.stderr, flags.progress && !flags.quiet);
      await stoppable(io, progress, 'files not finished are not marked loaded (run the same command again)', async (signal) => {
        const result = await loadToWarehouse({
          paths,
          urls: flags.clickhouse,
          database: flags.database,
          cluster: flags.cluster,
          ...(flags.machine !== undefined && { machine: flags.machine }),
          signal,
          tz: flags.tz,
          format: flags.format,
          ...(flags.year !== undefined && { year: flags.year }),
          concurrency: flags.concurrency,
          workers: flags.workers,
          maxLineBytes: flags.maxLineBytes,
          onProgress: (p) => {
            progress.update(p);
            io.onProgress?.(p);
          },
        });
        progress.stop();
        if (flags.json) {
          const files = result.files.map(({ report, ...f }) => ({ ...f, format: report.format, lines: report.lines, ...(report.error !== undefined && { error: report.error }) }));
          io.stdout.write(`${JSON.stringify({ machine: result.machine, complete: result.complete, records: result.records, files }, null, 2)}\n`);
        } else if (!flags.quiet) io.stdout.write(formatLoadSummary(result));
        if (!result.complete) {
          io.stderr.write('mxray: interrupted; finished files are in the warehouse. Run the same command again to load the rest.\n');
          code = EXIT.interrupted;
        }
      });
    });

  withWarehouseOptions(withDetectionOptions(program.command('detect')))
    .description('detect over what mxray load put in a ClickHouse cluster; writes the outputs scan writes to --out')
    .action(async (flags: ScanFlags & WarehouseFlags, command: Command) => {
      await runToDirectory(flags, command, (common) =>
        detectFromWarehouse({ ...common, urls: flags.clickhouse, database: flags.database, cluster: flags.cluster }),
      );
    });

  program
    .command('explain')
    .description("one account's or IP's verdict, why, and timeline, from a finished scan")
    .argument('<dir>', 'the --out directory of a finished scan')
    .argument('<entity>', 'an account name or an IP address')
    .option('--limit <n>', 'timeline rows printed', integer('--limit', 1, 10_000_000), 200)
    .option('--json', 'print the explanation as JSON')
    .action(async (dir: string, entity: string, flags: { limit: number; json?: boolean }) => {
      const x = await explainEntity(dir, entity);
      io.stdout.write(flags.json ? `${JSON.stringify(x, null, 2)}\n` : formatExplanation(x, flags.limit));
    });

  program
    .command('rules')
    .description('list the detection rules with their severities and options')
    .option('--markdown', 'print docs/rules.md')
    .action((flags: { markdown?: boolean }) => {
      if (flags.markdown) {
        io.stdout.write(rulesMarkdown(DETECTORS));
        return;
      }
      for (const d of DETECTORS) {
        io.stdout.write(`${d.id}  [${d.severity}]  ${d.title}\n  ${d.description}\n`);
        for (const [name, spec] of Object.entries(d.options)) {
          io.stdout.write(`    --rule ${d.id}.${name}=${spec.default}  ${spec.description}\n`);
        }
        io.stdout.write('\n');
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
      if (error.exitCode === 0) return EXIT.ok;
      // A usage error is one line (written above) and the usage, not the whole help.
      const command = program.commands.find((c) => c.name() === argv[0]);
      const usage = command ? `mxray ${command.name()} ${command.usage()}` : `mxray ${program.usage()}`;
      io.stderr.write(`usage: ${usage}\n(mxray ${command ? `${command.name()} ` : ''}--help lists the options)\n`);
      return EXIT.usage;
    }
    code = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`mxray: error: ${escapeForTerminal(message)}\n`);
    if (code === EXIT.fatal && error instanceof Error && error.stack && process.env.MXRAY_DEBUG) {
      io.stderr.write(`${error.stack}\n`);
    }
  }
  return code;
}
