/**
 * `mxray scan PATHS --out DIR` as a library call: scan, then write the output contract into DIR.
 * The CLI is a thin shell over this.
 */
import { mkdir, readdir, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidOptionError, MxrayError } from '../errors.js';
import { CheckpointStore } from './checkpoints.js';
import { EventsJsonlWriter } from '../report/events-jsonl.js';
import { buildManifest, eventShapingArgs, manifestArgs, reproducibleNow, type Manifest } from '../report/manifest.js';
import { readManifest } from '../report/scan-outputs.js';
import { writeFileAtomic } from '../report/atomic-write.js';
import { readingProgress, scanBatches, type BatchSource, type ScanHooks, type ScanProgress, type ScanResult } from './scan.js';
import { resolveScanOptions, type ScanOptions } from './options.js';
import { createDetection, type DetectionSettings } from './detection.js';
import { SpillArea, SPILL_PREFIX } from '../aggregate/account-spill.js';
import { writeFindingFiles } from '../report/findings-files.js';
import { severityRank, type Finding, type Severity } from '../finding.js';
import type { AccountVerdict, IpVerdict } from '../verdict/verdicts.js';
import { EventVolume, type VolumeBucket } from '../aggregate/event-volume.js';
import { ActivitySpool, readActivity, selectActivity } from '../report/activity.js';
import type { ActivityStats } from '../report/manifest.js';
import { drillDownEntities, renderHtmlReport } from '../report/html/report.js';
import { DETECTORS } from '../detect/registry.js';
import { compareEntries, eventEntry, findingEntry, type TimelineEntry } from '../report/timeline.js';
import { timelineFormatOf, writeTimeline } from '../report/timeline-export.js';

/** Every name mxray writes in `--out`. */
export const OUTPUT_NAMES = [
  'manifest.json',
  'events.jsonl',
  '.events-parts',
  'findings.jsonl',
  'accounts.jsonl',
  'ips.jsonl',
  'findings.csv',
  'accounts.csv',
  'ips.csv',
  'activity.jsonl',
  '.activity-parts',
  'report.html',
  'pivot',
  '.checkpoints',
] as const;

export interface ScanToDirectoryOptions extends ScanOptions {
  out: string;
  /** Write into a non-empty `out`. */
  force?: boolean;
  /** Also write every normalized event to `events.jsonl`. */
  events?: boolean;
  onProgress?: ScanHooks['onProgress'];
  /** Detection settings; detection always runs. */
  detection?: DetectionSettings;
  /** Write `report.html` (default true). */
  report?: boolean;
  /** Also write findings.csv, accounts.csv and ips.csv, with the JSONL files' columns. */
  csv?: boolean;
  /** Timeline exports for Timesketch and the like: paths ending in `.csv` or `.jsonl`. */
  timeline?: readonly string[];
  /** Put the window events of flagged accounts and IPs in the timeline exports, not only findings. */
  timelineEvents?: boolean;
  /**
   * Keep per-file checkpoints in `out/.checkpoints` while scanning (default true), so that an
   * interrupted scan can be resumed; they are removed when the scan completes.
   */
  checkpoints?: boolean;
  /** Continue the interrupted scan in `out` from its checkpoints, with the same paths and time options. */
  resume?: boolean;
  /**
   * Write only findings, accounts and IPs at or above this severity (findings by their own,
   * accounts and IPs by their verdict's) into every output file: findings, accounts, ips, pivot
   * lists, timelines, report tables. The manifest and the returned result still count everything.
   * Default `info`: everything.
   */
  minLevel?: Severity;
  /**
   * Where the events come from; default: reading `paths` (`scanBatches`). `detectFromWarehouse`
   * passes the records a ClickHouse warehouse was loaded with, so its outputs are a scan's.
   */
  source?: BatchSource;
}

export interface ScanToDirectoryResult {
  result: ScanResult;
  manifest: Manifest;
  findings: Finding[];
  accounts: AccountVerdict[];
  ips: IpVerdict[];
  /** False when `signal` interrupted the scan; the outputs then cover what was read. */
  complete: boolean;
  /** Files taken from checkpoints by `resume`. */
  resumed: number;
  /** Events per hour and phase, for charts. */
  volume: VolumeBucket[];
  activity: ActivityStats;
  /** Paths of the files written, under `out` as the caller gave it (timelines as given). */
  outputs: string[];
}

export async function scanToDirectory(options: ScanToDirectoryOptions): Promise<ScanToDirectoryResult> {
  const cwd = options.cwd ?? process.cwd();
  const out = path.resolve(cwd, options.out);
  const timelines = (options.timeline ?? []).map((file) => {
    timelineFormatOf(file);
    return path.resolve(cwd, file);
  });
  const resolved = resolveScanOptions(options);
  if (options.resume) await prepareResume(out, resolved);
  else await prepareOutDir(out, options.paths, cwd, options.force ?? false);
  await checkTimelineTargets(timelines, options.paths, cwd, options.force ?? false);
  const startedAt = reproducibleNow();
  const events = options.events ? new EventsJsonlWriter(out) : undefined;
  const activity = new ActivitySpool(out, resolved.identities);
  const volume = new EventVolume();
  await events?.start();
  await activity.start();
  // Logins, sessions and messages past the memory budget go to a spill directory in --out (or
  // where the caller says), removed when detection ends.
  const given = options.detection?.spill;
  const folder = given instanceof SpillArea ? given.folder : given?.dir;
  if (folder !== undefined) await refuseInsideInputs(path.resolve(cwd, folder), options.paths, cwd, `the spill directory ${folder}`);
  const spill = given instanceof SpillArea ? given : new SpillArea({ ...given, dir: path.resolve(cwd, given?.dir ?? out) });
  const detection = await createDetection(resolved.window, { ...options.detection, limits: resolved.limits, identities: resolved.identities, spill });
  const checkpoints = options.checkpoints === false && !options.resume ? undefined : new CheckpointStore(out);
  await checkpoints?.start();
  let result: ScanResult;
  let lastProgress: ScanProgress = readingProgress(0, 0);
  try {
    result = await (options.source ?? scanBatches)({ ...options, limits: resolved.limits, identities: resolved.identities }, {
      ...(options.onProgress && {
        onProgress: (p: ScanProgress) => {
          lastProgress = p;
          options.onProgress!(p);
        },
      }),
      serializesEvents: true,
      writesEventLines: events !== undefined,
      onBatch: async (batch, index) => {
        detection.observeBatch(batch);
        for (const e of batch.events) volume.observe(e);
        // The checkpoint (scan) wrote the batch first: the spool points at its member.
        await activity.write(index, batch);
        if (events) await events.write(index, batch);
      },
      onFileDone: async (_report: unknown, index: number) => {
        await activity.fileDone(index);
        await events?.fileDone(index);
      },
    }, checkpoints);
  } catch (error) {
    // Cleaning up must not hide why the scan failed.
    spill.dispose();
    await activity.discard().catch(() => undefined);
    await events?.discard().catch(() => undefined);
    throw error;
  }
  let finished: ReturnType<typeof detection.finish>;
  const phase = (next: ScanProgress['phase']): void => options.onProgress?.({ ...lastProgress, phase: next });
  phase('detecting');
  try {
    finished = detection.finish();
  } finally {
    spill.dispose();
  }
  const { findings, accounts, ips } = finished;
  phase('writing');
  const written: string[] = [];
  // What the output files show (--min-level); the manifest and the result keep everything.
  const floor = severityRank(options.minLevel ?? 'info');
  const shown = {
    findings: findings.filter((f) => severityRank(f.severity) >= floor),
    accounts: accounts.filter((a) => severityRank(a.severity) >= floor),
    ips: ips.filter((v) => severityRank(v.severity) >= floor),
  };
  const flagged = {
    accounts: new Set(shown.accounts.filter((a) => a.severity !== 'info').map((a) => a.account)),
    ips: new Set(shown.ips.filter((v) => v.severity !== 'info').map((v) => v.ip)),
  };
  let spooled: Awaited<ReturnType<ActivitySpool['finish']>>;
  try {
    if (events) written.push(await events.finish(result.inputs.length));
    written.push(...(await writeFindingFiles(out, shown.findings, shown.accounts, shown.ips, { csv: options.csv === true })));
    spooled = await activity.finish(result.inputs.length, flagged);
  } catch (error) {
    // A failed write leaves no spool behind in --out (the manifest, written last, is absent).
    await activity.discard().catch(() => undefined);
    throw error;
  }
  written.push(spooled.path);
  const manifest = buildManifest(result, {
    events: options.events ?? false,
    startedAt,
    finishedAt: reproducibleNow(),
    detection: detection.describe(findings),
    activity: spooled.stats,
    limits: { maxKeys: resolved.limits.maxKeys, capped: resolved.limits.capped() },
  });
  const buckets = volume.buckets();
  const drill = drillDownEntities(shown.accounts, shown.ips);
  // One read of activity.jsonl: with --timeline-events, the flagged entities' events serve the
  // timeline and, selected again, the drill-downs; otherwise only the drill-downs' are read.
  const wantAll = timelines.length > 0 && (options.timelineEvents ?? false);
  const writeReport = options.report ?? true;
  const activityEvents = wantAll || writeReport ? await readActivity(spooled.path, wantAll ? flagged : drill) : [];
  if (writeReport) {
    const reportPath = path.join(out, 'report.html');
    const html = renderHtmlReport({
      manifest,
      findings: shown.findings,
      accounts: shown.accounts,
      ips: shown.ips,
      ...(options.minLevel !== undefined && { minLevel: options.minLevel }),
      volume: buckets,
      activity: wantAll ? selectActivity(activityEvents, drill) : activityEvents,
      activityStats: spooled.stats,
      detectors: options.detection?.detectors ?? DETECTORS,
    });
    await writeFileAtomic(reportPath, html);
    written.push(reportPath);
  }
  if (timelines.length) {
    const entries: TimelineEntry[] = shown.findings.map(findingEntry);
    if (wantAll) for (const e of activityEvents) entries.push(eventEntry(e));
    entries.sort(compareEntries);
    for (const file of timelines) await writeTimeline(file, entries);
  }
  const manifestPath = path.join(out, 'manifest.json');
  await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  written.unshift(manifestPath);
  // Checkpoints outlive an interrupted scan only: a complete one needs none.
  if (result.complete) await checkpoints?.remove();
  return {
    result,
    manifest,
    findings,
    accounts,
    ips,
    complete: result.complete,
    resumed: result.resumed,
    volume: buckets,
    activity: spooled.stats,
    outputs: [...written.map((p) => path.join(options.out, path.relative(out, p))), ...(options.timeline ?? [])],
  };
}

/** Writing inside the evidence would change what a second scan sees: refuse. */
async function refuseInsideInputs(dir: string, inputs: readonly string[], cwd: string, what: string): Promise<void> {
  const dirReal = await realpath(dir).catch(() => dir);
  for (const input of inputs) {
    const inReal = await realpath(path.resolve(cwd, input)).catch(() => path.resolve(cwd, input));
    if (dirReal === inReal || dirReal.startsWith(inReal + path.sep)) {
      throw new MxrayError('MXRAY_OUT_INSIDE_INPUT', `${what} is inside the input ${input}; write results outside the evidence`);
    }
  }
}

/** A timeline file is written outside the evidence, and over an existing file only with --force. */
async function checkTimelineTargets(files: readonly string[], inputs: readonly string[], cwd: string, force: boolean): Promise<void> {
  for (const file of files) {
    await refuseInsideInputs(path.dirname(file), inputs, cwd, `--timeline ${file}`);
    if (!force && (await stat(file).then(() => true, () => false))) {
      throw new MxrayError('MXRAY_OUT_NOT_EMPTY', `--timeline ${file} exists; choose another name or pass --force`);
    }
    await mkdir(path.dirname(file), { recursive: true });
  }
}

/** `--resume`: `out` must hold an interrupted scan of the same paths with the same time options. */
async function prepareResume(out: string, resolved: ReturnType<typeof resolveScanOptions>): Promise<void> {
  let previous: Manifest;
  try {
    previous = await readManifest(out);
  } catch {
    throw new MxrayError('MXRAY_NO_INPUT', `--resume: ${out} holds no manifest.json of an interrupted scan`);
  }
  if (previous.complete) throw new MxrayError('MXRAY_NO_INPUT', `--resume: the scan in ${out} is complete; nothing to resume`);
  const wanted = eventShapingArgs(manifestArgs(resolved, false));
  const had = eventShapingArgs(previous.args);
  if (JSON.stringify(wanted) !== JSON.stringify(had)) {
    throw new InvalidOptionError(`--resume needs the interrupted scan's paths and time options: ${JSON.stringify(had)}`);
  }
  // Every output is written again from the checkpoints and the files still to read.
  for (const name of OUTPUT_NAMES) if (name !== '.checkpoints') await rm(path.join(out, name), { recursive: true, force: true });
  await removeStaleSpills(out);
}

/** Spill directories a killed scan left in `out`. */
async function removeStaleSpills(out: string): Promise<void> {
  for (const name of await readdir(out)) if (name.startsWith(SPILL_PREFIX)) await rm(path.join(out, name), { recursive: true, force: true });
}

/** Kernel and device file systems: writing outputs there loops or fails in odd ways, so it is refused at once. */
const PSEUDO_FILE_SYSTEMS = ['/proc', '/sys', '/dev'];

/** `out` must be a directory (or not exist yet) on a real file system. */
export async function refuseUnusableOut(out: string): Promise<void> {
  let existing = path.resolve(out);
  for (;;) {
    const st = await stat(existing).catch(() => undefined);
    if (st) {
      if (existing === path.resolve(out) && !st.isDirectory()) throw new InvalidOptionError(`--out ${out} exists and is not a directory`);
      break;
    }
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  const real = await realpath(existing).catch(() => existing);
  const pseudo = PSEUDO_FILE_SYSTEMS.find((root) => real === root || real.startsWith(`${root}/`));
  if (pseudo !== undefined) throw new InvalidOptionError(`--out ${out} is under ${pseudo}, a kernel file system: choose a directory on disk`);
}

async function prepareOutDir(out: string, inputs: readonly string[], cwd: string, force: boolean): Promise<void> {
  await refuseUnusableOut(out);
  await refuseInsideInputs(out, inputs, cwd, `--out ${out}`);
  try {
    await mkdir(out, { recursive: true });
  } catch (error) {
    throw new MxrayError('MXRAY_WRITE_FAILED', `cannot create ${out}: ${(error as Error).message}`, { cause: error });
  }
  const existing = await readdir(out);
  if (existing.length > 0 && !force) {
    throw new MxrayError('MXRAY_OUT_NOT_EMPTY', `--out ${out} is not empty; choose another directory or pass --force`);
  }
  // With --force, outputs of an earlier run must not survive beside the new ones.
  for (const name of OUTPUT_NAMES) await rm(path.join(out, name), { recursive: true, force: true });
  await removeStaleSpills(out);
}
