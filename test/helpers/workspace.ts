/**
 * A scratch directory for an end-to-end test file, with reproducible output times: the manifest's
 * and report's clock comes from SOURCE_DATE_EPOCH while it is open, so runs can be compared byte
 * for byte.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export async function openWorkspace(prefix: string): Promise<string> {
  process.env.SOURCE_DATE_EPOCH = '1722643200';
  return mkdtemp(path.join(tmpdir(), prefix));
}

export async function closeWorkspace(work: string): Promise<void> {
  delete process.env.SOURCE_DATE_EPOCH;
  await rm(work, { recursive: true, force: true });
}
