/**
 * Reading a finished scan back from its `--out` directory: what `mxray explain` and scripts use
 * after the fact, without rescanning the evidence.
 */
import { createReadStream } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { MxrayError } from '../errors.js';
import type { Finding, Severity } from '../finding.js';
import type { AccountVerdict, IpVerdict } from '../verdict/verdicts.js';
import type { Manifest } from './manifest.js';

export async function readManifest(dir: string): Promise<Manifest> {
  const file = path.join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new MxrayError('MXRAY_NO_INPUT', `${dir} holds no manifest.json; is it the --out of a finished mxray scan?`, { cause: error });
  }
  try {
    return JSON.parse(text) as Manifest;
  } catch (error) {
    throw new MxrayError('MXRAY_NO_INPUT', `${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Lines of a JSONL output that pass `keep`, parsed, streaming (the files can be large). */
export async function readJsonl<T>(file: string, keep: (value: T) => boolean = () => true): Promise<T[]> {
  const out: T[] = [];
  const input = createReadStream(file, { encoding: 'utf8' });
  let lineNo = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNo++;
    if (line === '') continue;
    let value: T;
    try {
      value = JSON.parse(line) as T;
    } catch (error) {
      throw new MxrayError('MXRAY_NO_INPUT', `${file}:${lineNo} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    if (keep(value)) out.push(value);
  }
  return out;
}

export async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** findings.jsonl holds ISO times; the library works in epoch ms. */
interface FindingLine {
  time: string;
  rule: string;
  severity: Severity;
  account: string | null;
  ip: string | null;
  source: { file: string; line: number };
  message: string;
  evidence: Record<string, unknown>;
}

export async function readFindings(dir: string, keep: (f: Finding) => boolean = () => true): Promise<Finding[]> {
  const out: Finding[] = [];
  await readJsonl<FindingLine>(path.join(dir, 'findings.jsonl'), (line) => {
    const f: Finding = { ...line, time: Date.parse(line.time) };
    if (keep(f)) out.push(f);
    return false;
  });
  return out;
}

export function readAccountVerdicts(dir: string, keep?: (a: AccountVerdict) => boolean): Promise<AccountVerdict[]> {
  return readJsonl<AccountVerdict>(path.join(dir, 'accounts.jsonl'), keep);
}

export function readIpVerdicts(dir: string, keep?: (v: IpVerdict) => boolean): Promise<IpVerdict[]> {
  return readJsonl<IpVerdict>(path.join(dir, 'ips.jsonl'), keep);
}
