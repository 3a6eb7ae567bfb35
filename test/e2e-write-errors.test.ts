import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OrderedPartsWriter } from '@mxray/core/internal';
import { main } from '@mxray/cli';
import { SAMPLES } from './helpers/corpus.js';
import { captureIo } from './helpers/cli-io.js';

// /dev/full answers every write with ENOSPC: a disk that is full, on demand.
const DISK_FULL = '/dev/full';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'mxray-write-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe.skipIf(!existsSync(DISK_FULL))('a full disk under --out', () => {
  it('is a clear fatal error (exit 3), and leaves no manifest claiming a complete scan', async () => {
    const out = path.join(work, 'out');
    await mkdir(out, { recursive: true });
    await symlink(DISK_FULL, path.join(out, 'findings.jsonl.partial'));
    const { chunks, io } = captureIo();
    expect(await main(['scan', SAMPLES, '--out', out, '--force', '--no-progress'], io)).toBe(3);
    expect(chunks.stderr).toMatch(/cannot write .*findings\.jsonl: ENOSPC/);
    expect(existsSync(path.join(out, 'manifest.json'))).toBe(false);
    expect(existsSync(path.join(out, 'findings.jsonl'))).toBe(false);
    expect(existsSync(path.join(out, '.activity-parts'))).toBe(false);
  });

  it('fails a streamed output with MXRAY_WRITE_FAILED instead of crashing the process', async () => {
    const dir = path.join(work, 'parts');
    const parts = new OrderedPartsWriter(dir, '.parts');
    await parts.start();
    await symlink(DISK_FULL, path.join(dir, '.parts', '00000000.jsonl'));
    const big = `${'x'.repeat(1023)}\n`.repeat(256);
    await expect(
      (async () => {
        await parts.write(0, big);
        await parts.fileDone(0);
      })(),
    ).rejects.toMatchObject({ code: 'MXRAY_WRITE_FAILED' });
  });
});
