/**
 * Finds the evidence files under the paths a responder names: files, directories (recursive)
 * and glob patterns. Nothing is skipped silently: every entry that is not scanned is returned in
 * `skipped` with its reason. Symbolic links to files are read (once, however many links name
 * them); links to directories are not followed, which rules out link loops.
 */
import fg from 'fast-glob';
import { lstat, stat, realpath, access } from 'node:fs/promises';
import { constants as fsConstants, type Stats } from 'node:fs';
import path from 'node:path';
import { MxrayError } from '../errors.js';

export interface DiscoveredFile {
  /** The scan root as given on the command line. */
  root: string;
  /** Path relative to the root, `/`-separated; for a file given directly, the path as given. */
  path: string;
  /** Absolute path used to read it. */
  absolute: string;
  size: number;
  mtimeMs: number;
}

export interface SkippedEntry {
  root: string;
  path: string;
  reason: string;
}

export interface Discovery {
  files: DiscoveredFile[];
  skipped: SkippedEntry[];
}

const toPosix = (p: string): string => p.split(path.sep).join('/');

/** The literal directory before the first glob segment: `logs/2024/**\/*.gz` → `logs/2024`. */
function globBase(pattern: string): string {
  const parts = toPosix(pattern).split('/');
  const literal: string[] = [];
  for (const part of parts) {
    if (fg.isDynamicPattern(part)) break;
    literal.push(part);
  }
  const base = literal.join('/');
  return base === '' ? '.' : base;
}

export async function discover(inputs: readonly string[], cwd: string = process.cwd()): Promise<Discovery> {
  if (inputs.length === 0) throw new MxrayError('MXRAY_NO_INPUT', 'no input paths given');
  const files: DiscoveredFile[] = [];
  const skipped: SkippedEntry[] = [];
  const seen = new Map<string, string>();

  const consider = async (root: string, rel: string, absolute: string, lst: Stats): Promise<void> => {
    let st = lst;
    if (lst.isSymbolicLink()) {
      try {
        st = await stat(absolute);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason = code === 'ELOOP' ? 'symbolic link loop' : code === 'EACCES' ? 'permission denied (symbolic link target)' : 'broken symbolic link';
        skipped.push({ root, path: rel, reason });
        return;
      }
      if (st.isDirectory()) {
        skipped.push({ root, path: rel, reason: 'symbolic link to a directory (not followed)' });
        return;
      }
    }
    if (st.isDirectory()) {
      try {
        await access(absolute, fsConstants.R_OK | fsConstants.X_OK);
      } catch (error) {
        skipped.push({ root, path: rel, reason: `unreadable directory: ${errorCode(error)}` });
      }
      return;
    }
    if (!st.isFile()) {
      skipped.push({ root, path: rel, reason: 'not a regular file' });
      return;
    }
    const real = await realpath(absolute).catch(() => absolute);
    const first = seen.get(real);
    if (first !== undefined) {
      skipped.push({ root, path: rel, reason: `same file as ${first}` });
      return;
    }
    seen.set(real, rel);
    files.push({ root, path: rel, absolute, size: st.size, mtimeMs: st.mtimeMs });
  };

  const rootOrder = new Map<string, number>();
  for (const [index, input] of inputs.entries()) {
    const root = toPosix(input);
    if (!rootOrder.has(root)) rootOrder.set(root, index);
    if (fg.isDynamicPattern(root)) {
      const base = globBase(root);
      if (!rootOrder.has(base)) rootOrder.set(base, index);
      const entries = await fg(root, { cwd, dot: true, onlyFiles: false, followSymbolicLinks: false, stats: true, absolute: true });
      if (entries.length === 0) throw new MxrayError('MXRAY_NO_INPUT', `no file matches ${JSON.stringify(input)}`);
      const baseAbs = path.resolve(cwd, base);
      for (const e of entries) {
        await consider(base, toPosix(path.relative(baseAbs, e.path)), e.path, e.stats!);
      }
      continue;
    }
    const absolute = path.resolve(cwd, input);
    let st: Stats;
    try {
      st = await lstat(absolute);
    } catch (error) {
      throw new MxrayError('MXRAY_NO_INPUT', `cannot read input ${JSON.stringify(input)}: ${errorCode(error)}`);
    }
    const isDir = st.isDirectory() || (st.isSymbolicLink() && (await stat(absolute).catch(() => st)).isDirectory());
    if (!isDir) {
      await consider(root, root, absolute, st);
      continue;
    }
    // A directory named on the command line is followed even through a link: the user chose it.
    try {
      await access(absolute, fsConstants.R_OK | fsConstants.X_OK);
    } catch (error) {
      throw new MxrayError('MXRAY_NO_INPUT', `cannot read directory ${JSON.stringify(input)}: ${errorCode(error)}`);
    }
    const entries = await fg('**', {
      cwd: absolute,
      dot: true,
      onlyFiles: false,
      followSymbolicLinks: false,
      stats: true,
      suppressErrors: true,
    });
    for (const e of entries) {
      await consider(root, e.path, path.join(absolute, e.path), e.stats!);
    }
  }

  const order = (root: string): number => rootOrder.get(root) ?? rootOrder.size;
  const byRootThenPath = <T extends { root: string; path: string }>(a: T, b: T): number =>
    order(a.root) - order(b.root) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  files.sort(byRootThenPath);
  skipped.sort(byRootThenPath);
  return { files, skipped };
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? String(error);
}
