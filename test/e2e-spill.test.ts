/**
 * Logins, sessions and messages go to disk past the spill budget: the outputs must be
 * byte-identical to a scan that kept them in memory, the spill must be gone afterwards, and it
 * must never be written inside the evidence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fg from 'fast-glob';
import { scanToDirectory, SpillArea } from '@mxray/core';
import { writeEvidence } from './helpers/corpus.js';

let work: string;
let evidence: string;

async function outputHashes(dir: string): Promise<Record<string, string>> {
  const names = (await fg('**', { cwd: dir, dot: true })).sort();
  const hash = async (n: string): Promise<string> => createHash('sha256').update(await readFile(path.join(dir, n))).digest('hex');
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await hash(n)] as const)));
}

beforeAll(async () => {
  process.env.SOURCE_DATE_EPOCH = '1722643200';
  work = await mkdtemp(path.join(tmpdir(), 'mxray-spill-e2e-'));
  evidence = path.join(work, 'evidence');
  await writeEvidence(evidence);
});
afterAll(async () => {
  delete process.env.SOURCE_DATE_EPOCH;
  await rm(work, { recursive: true, force: true });
});

describe('spilling growing state to disk', () => {
  it('gives byte-identical outputs with a budget of a few records, and leaves no spill behind', async () => {
    const kept = path.join(work, 'kept');
    const spilled = path.join(work, 'spilled');
    const { findings } = await scanToDirectory({ paths: [evidence], out: kept, detection: { geo: false } });
    const area = new SpillArea({ dir: spilled, memoryBytes: 512 });
    await scanToDirectory({ paths: [evidence], out: spilled, detection: { geo: false, spill: area } });
    expect(area.spilledBytes).toBeGreaterThan(10_000);
    // The rules whose state now spills all fired, so their replay from disk was exercised.
    const rules = new Set(findings.map((f) => f.rule));
    for (const rule of ['auth.ioc-source', 'auth.new-source', 'access.mass-download', 'smtp.send-burst']) expect(rules).toContain(rule);
    expect(await outputHashes(spilled)).toEqual(await outputHashes(kept));
    expect((await readdir(spilled)).filter((n) => n.startsWith('.mxray-spill-'))).toEqual([]);
  });

  it('refuses a spill directory inside the evidence', async () => {
    await expect(
      scanToDirectory({ paths: [evidence], out: path.join(work, 'refused'), detection: { geo: false, spill: { dir: path.join(evidence, 'tmp') } } }),
    ).rejects.toMatchObject({ code: 'MXRAY_OUT_INSIDE_INPUT' });
  });
});
