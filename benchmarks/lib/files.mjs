/** Small helpers the benchmark scripts share. */
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** Every regular file under `root`, as sorted absolute paths. */
export async function listFiles(root) {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? e.path, e.name)).sort();
}

export function round(v, digits = 1) {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
