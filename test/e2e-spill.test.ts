/**
 * Logins, sessions and messages go to disk past the spill budget: the outputs must be
 * byte-identical to a scan that kept them in memory, the spill must be gone afterwards, and it
 * must never be written inside the evidence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scanToDirectory, SpillArea } from '@mxray/core/internal';
import { writeEvidence } from './helpers/corpus.js';
import { outputHashes } from './helpers/output-hashes.js';
import { closeWorkspace, openWorkspace } from './helpers/workspace.js';

let work: string;
let evidence: string;

beforeAll(async () => {
  work = await openWorkspace('mxray-spill-e2e-');
  evidence = path.join(work, 'evidence');
  await writeEvidence(evidence);
});
afterAll(() => closeWorkspace(work));

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

  it('fails with a write error, and leaves no manifest, when the spill cannot be written', async () => {
    const out = path.join(work, 'unwritable');
    const notADirectory = path.join(work, 'a-file');
    await writeFile(notADirectory, 'not a directory\n');
    await expect(
      scanToDirectory({ paths: [evidence], out, detection: { geo: false, spill: { dir: notADirectory, memoryBytes: 512 } } }),
    ).rejects.toMatchObject({ code: 'MXRAY_WRITE_FAILED' });
    expect(await readdir(out)).not.toContain('manifest.json');
  });

  it('refuses a spill directory inside the evidence', async () => {
    await expect(
      scanToDirectory({ paths: [evidence], out: path.join(work, 'refused'), detection: { geo: false, spill: { dir: path.join(evidence, 'tmp') } } }),
    ).rejects.toMatchObject({ code: 'MXRAY_OUT_INSIDE_INPUT' });
  });
});
