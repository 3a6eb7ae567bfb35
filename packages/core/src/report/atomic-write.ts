/**
 * Output files appear whole or not at all: written to a temporary name in the same directory,
 * flushed, then renamed. A disk-full error surfaces as MXRAY_WRITE_FAILED, never as a file that
 * looks complete.
 */
import { open, rename, rm } from 'node:fs/promises';
import { MxrayError } from '../errors.js';

export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.partial`;
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new MxrayError('MXRAY_WRITE_FAILED', `cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}
