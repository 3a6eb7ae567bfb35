/**
 * manifest.json (DESIGN §5): what was scanned, with which options, and what each input held.
 * Everything in it is deterministic for the same inputs and options, except `startedAt` and
 * `finishedAt`, which honour SOURCE_DATE_EPOCH for reproducible runs.
 */
import type { SkippedEntry } from '../ingest/discover.js';
import type { FileReport } from '../ingest/file-report.js';
import type { ScanSummary } from '../aggregate/scan-summary.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { Severity } from '../finding.js';
import type { TimeWindow } from '../time/window.js';
import type { CapReport } from '../aggregate/bounded-map.js';

/** The manifest's `activity` block: what activity.jsonl holds (window events of flagged accounts and IPs). */
export interface ActivityStats {
  /** Flagged entities whose events were kept. */
  accounts: number;
  ips: number;
  events: number;
  /** Events of flagged entities beyond the per-entity cap. */
  omitted: number;
  perEntityCap: number;
}

/** The manifest's `detection` block: what detection ran and what it found, in counts. */
export interface DetectionSummary {
  rules: string[];
  findings: number;
  bySeverity: Record<Severity, number>;
  byRule: Record<string, number>;
  webmailHosts: string[];
  /** The enrichment databases used (package@version or file path); empty when none. */
  geo: string[];
  /** What the rules and the scan warn of that is no finding (blind rules, traffic just before --since). */
  warnings: string[];
}

/** The scan options the manifest records (a ResolvedScanOptions has them). */
export interface ManifestOptions {
  paths: readonly string[];
  since: string;
  until?: string;
  tz: string;
  window: TimeWindow;
  format?: { id: string };
  year?: number;
  maxLineBytes: number;
}

/** Where a file's records came from when they were read back from a warehouse (`mxray detect`): which machine loaded it, when, how. */
export interface LoadRecord {
  root: string;
  path: string;
  sha256: string;
  loadId: string;
  machine: string;
  /** UTC, as the warehouse keeps it: `2024-08-10 03:00:00`. */
  loadedAt: string;
  tool: string;
  /** The options that shaped the records when they were loaded (zone, year, format, line cap). */
  args: Record<string, unknown>;
}

/** What a finished scan hands the manifest (a ScanResult has it): the report stage states its input. */
export interface ManifestScan {
  options: ManifestOptions;
  complete: boolean;
  inputs: FileReport[];
  skipped: SkippedEntry[];
  summary: ScanSummary;
  /** Set when the events were read back from a warehouse: the load of each file. */
  loads?: LoadRecord[];
}

export interface Manifest {
  tool: { name: string; version: string };
  args: ManifestArgs;
  window: { since: string; until: string | null; tz: string };
  startedAt: string;
  finishedAt: string;
  complete: boolean;
  inputs: FileReport[];
  skipped: SkippedEntry[];
  totals: ScanSummary;
  detection?: DetectionSummary;
  /** What activity.jsonl holds (window events of flagged accounts and IPs). */
  activity?: ActivityStats;
  /** The per-key cap, and every structure that hit it (then results may depend on read order). */
  limits?: { maxKeys: number; capped: CapReport[] };
  /** `mxray detect`: which machine loaded each file into the warehouse, when and with which options. */
  loads?: LoadRecord[];
}

/** The options that shape results (runtime-only ones such as concurrency are left out). */
export interface ManifestArgs {
  paths: string[];
  since: string;
  until: string | null;
  tz: string;
  format: string;
  year: number | null;
  maxLineBytes: number;
  events: boolean;
}

/** Wall-clock time, or SOURCE_DATE_EPOCH (seconds) when set, as reproducible builds do. */
export function reproducibleNow(): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString();
  return new Date().toISOString();
}

export function buildManifest(
  result: ManifestScan,
  extra: { events: boolean; startedAt: string; finishedAt: string; detection?: DetectionSummary; activity?: ActivityStats; limits?: { maxKeys: number; capped: CapReport[] } },
): Manifest {
  const o = result.options;
  return {
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    args: manifestArgs(o, extra.events),
    window: {
      since: new Date(o.window.since).toISOString(),
      until: Number.isFinite(o.window.until) ? new Date(o.window.until).toISOString() : null,
      tz: o.tz,
    },
    startedAt: extra.startedAt,
    finishedAt: extra.finishedAt,
    complete: result.complete,
    inputs: result.inputs.map(orderReport),
    skipped: result.skipped,
    totals: result.summary,
    ...(extra.detection && { detection: extra.detection }),
    ...(extra.activity && { activity: extra.activity }),
    ...(extra.limits && { limits: extra.limits }),
    ...(result.loads && { loads: result.loads }),
  };
}

/** DESIGN §5's fields first, in its order, then mxray's extensions. */
function orderReport(r: FileReport): FileReport {
  return {
    root: r.root,
    path: r.path,
    sha256: r.sha256,
    bytes: r.bytes,
    compression: r.compression,
    format: r.format,
    lines: r.lines,
    events: r.events,
    parseErrors: r.parseErrors,
    overlongLines: r.overlongLines,
    ...(r.yearRule !== undefined && { yearRule: r.yearRule }),
    ...(r.error !== undefined && { error: r.error }),
    mtime: r.mtime,
    decodedBytes: r.decodedBytes,
    invalidUtf8Lines: r.invalidUtf8Lines,
    ignoredLines: r.ignoredLines,
    longestLine: r.longestLine,
    baselineEvents: r.baselineEvents,
    windowEvents: r.windowEvents,
    afterEvents: r.afterEvents,
    futureEvents: r.futureEvents,
    ...(r.firstEvent !== undefined && { firstEvent: r.firstEvent }),
    ...(r.lastEvent !== undefined && { lastEvent: r.lastEvent }),
    parseErrorSamples: r.parseErrorSamples,
  };
}

export function manifestArgs(o: ManifestOptions, events: boolean): ManifestArgs {
  return {
    paths: [...o.paths],
    since: o.since,
    until: o.until ?? null,
    tz: o.tz,
    format: o.format?.id ?? 'auto',
    year: o.year ?? null,
    maxLineBytes: o.maxLineBytes,
    events,
  };
}

/** The arguments that decide which events a scan produces: a resume must not change them. */
export function eventShapingArgs(args: ManifestArgs): Omit<ManifestArgs, 'events'> {
  return { paths: args.paths, since: args.since, until: args.until, tz: args.tz, format: args.format, year: args.year, maxLineBytes: args.maxLineBytes };
}
