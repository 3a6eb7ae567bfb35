/** Reads a list file (`--ioc`, `--trusted-nets @file`): one entry per line, `#` comments. */
import { readFile } from 'node:fs/promises';
import { InvalidOptionError } from '../errors.js';

export async function readListFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidOptionError(`cannot read list file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}
