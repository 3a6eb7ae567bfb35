import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';

export const sha256 = async (file: string): Promise<string> => createHash('sha256').update(await readFile(file)).digest('hex');

/** SHA-256 of every file under `dir` (hidden ones too), by relative name: two scans' outputs compare as one object. */
export async function outputHashes(dir: string): Promise<Record<string, string>> {
  const names = (await fg('**', { cwd: dir, dot: true })).sort();
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await sha256(path.join(dir, n))] as const)));
}
