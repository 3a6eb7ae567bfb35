/** docs/api is generated from the public API's types: it must be what `pnpm docs:api` writes now. */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO } from './helpers/corpus.js';

describe('docs/api', () => {
  it('is up to date with the public API (regenerate with `pnpm docs:api`)', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'mxray-api-'));
    try {
      await promisify(execFile)(process.execPath, [path.join(REPO, 'node_modules/typedoc/bin/typedoc'), '--out', out], { cwd: REPO });
      expect(await readFile(path.join(out, 'README.md'), 'utf8')).toBe(await readFile(path.join(REPO, 'docs/api/README.md'), 'utf8'));
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
