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
import type { ScanOptions } from './options.js';

/** Every name mxray writes in `--out`. */
export const OUTPUT_NAMES = ['manifest.json', 'events.jsonl', '.events-parts'] as const;

export interface ScanToDirectoryOptions extends ScanOptions {
  out: string;
  /** Write into a non-empty `out`. */
  force?: boolean;
  /** Also write every normalized event to `events.jsonl`. */
  events?: boolean;
  onProgress?: ScanHooks['onProgress'];
}

export interface ScanToDirectoryResult {
  result: ScanResult;
  manifest: Manifest;
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
  const result = await scan(options, {
    ...(options.onProgress && { onProgress: options.onProgress }),
    ...(events && {
      onEvents: (batch: Parameters<NonNullable<ScanHooks['onEvents']>>[0], index: number) => events.write(index, batch),
      onFileDone: (_report: unknown, index: number) => events.fileDone(index),
    }),
  });
  const written: string[] = [];
  if (events) written.push(await events.finish(result.inputs.length));
  const manifest = buildManifest(result, { events: options.events ?? false, startedAt, finishedAt: reproducibleNow() });
  const manifestPath = path.join(out, 'manifest.json');
  await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  written.unshift(manifestPath);
  return { result, manifest, outputs: written.map((p) => path.join(options.out, path.basename(p))) };
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
