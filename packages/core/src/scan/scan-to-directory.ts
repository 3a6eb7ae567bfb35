/**
 * `mxray scan PATHS --out DIR` as a library call: scan, then write the output contract into DIR.
 * The CLI is a thin shell over this.
 */
import { mkdir, readdir, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { MxrayError } from '../errors.js';
import { EventsJsonlWriter } from '../report/events-jsonl.js';
import { buildManifest, reproducibleNow, type Manifest } from '../report/manifest.js';
import { writeFileAtomic } from '../report/atomic-write.js';
import { scan, type ScanHooks, type ScanResult } from './scan.js';
import { resolveScanOptions, type ScanOptions } from './options.js';
import { createDetection, type DetectionSettings } from './detection.js';
import { writeFindingFiles } from '../report/findings-files.js';
import type { Finding } from '../detect/finding.js';
import type { AccountVerdict, IpVerdict } from '../aggregate/correlate.js';

/** Every name mxray writes in `--out`. */
export const OUTPUT_NAMES = [
  'manifest.json',
  'events.jsonl',
  '.events-parts',
  'findings.jsonl',
  'accounts.jsonl',
  'ips.jsonl',
  'pivot',
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
}

export interface ScanToDirectoryResult {
  result: ScanResult;
  manifest: Manifest;
  findings: Finding[];
  accounts: AccountVerdict[];
  ips: IpVerdict[];
  /** Paths of the files written, under `out` as the caller gave it. */
  outputs: string[];
}

export async function scanToDirectory(options: ScanToDirectoryOptions): Promise<ScanToDirectoryResult> {
  const cwd = options.cwd ?? process.cwd();
  const out = path.resolve(cwd, options.out);
  await prepareOutDir(out, options.paths, cwd, options.force ?? false);
  const startedAt = reproducibleNow();
  const events = options.events ? new EventsJsonlWriter(out) : undefined;
  await events?.start();
  const resolved = resolveScanOptions(options);
  const detection = await createDetection(resolved.window, options.detection ?? {});
  const result = await scan(options, {
    ...(options.onProgress && { onProgress: options.onProgress }),
    onEvents: async (batch, index) => {
      detection.observeAll(batch);
      if (events) await events.write(index, batch);
    },
    ...(events && { onFileDone: (_report: unknown, index: number) => events.fileDone(index) }),
  });
  const { findings, accounts, ips } = detection.finish();
  const written: string[] = [];
  if (events) written.push(await events.finish(result.inputs.length));
  written.push(...(await writeFindingFiles(out, findings, accounts, ips)));
  const manifest = buildManifest(result, {
    events: options.events ?? false,
    startedAt,
    finishedAt: reproducibleNow(),
    detection: detection.describe(findings),
  });
  const manifestPath = path.join(out, 'manifest.json');
  await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  written.unshift(manifestPath);
  return {
    result,
    manifest,
    findings,
    accounts,
    ips,
    outputs: written.map((p) => path.join(options.out, path.relative(out, p))),
  };
}

async function prepareOutDir(out: string, inputs: readonly string[], cwd: string, force: boolean): Promise<void> {
  // Writing inside the evidence would change what a second scan sees: refuse.
  const outReal = await realpath(out).catch(() => out);
  for (const input of inputs) {
    const inReal = await realpath(path.resolve(cwd, input)).catch(() => path.resolve(cwd, input));
    if (outReal === inReal || outReal.startsWith(inReal + path.sep)) {
      throw new MxrayError('MXRAY_OUT_INSIDE_INPUT', `--out ${out} is inside the input ${input}; write results outside the evidence`);
    }
  }
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
}
