/**
 * Where a worker thread's script is. A worker needs JavaScript: the build (`dist/`) runs its own
 * sibling; tests run `src/` through vitest, and their workers use the build of the same source
 * (`pnpm test` builds first).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MxrayError } from '../errors.js';

/** The built script at `path` under dist/ (`scan/parse-worker.js`); an error naming the build when it is missing. */
export function workerScript(path: string): string {
  const here = import.meta.url;
  // This module is src/scan/worker-script.ts or dist/scan/worker-script.js.
  const url = here.endsWith('.ts') ? new URL(`../../dist/${path}`, here) : new URL(`../${path}`, here);
  const script = fileURLToPath(url);
  if (!existsSync(script)) throw new MxrayError('MXRAY_WORKER_FAILED', `worker script ${script} is missing: build @mxray/core first (pnpm build)`);
  return script;
}
