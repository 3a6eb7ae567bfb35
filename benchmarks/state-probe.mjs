#!/usr/bin/env node
/**
 * Bytes of scan state per account: heap in use (after a full GC) once every file has been read,
 * minus the heap before the first file, divided by the accounts seen. Run with --expose-gc:
 *   node --expose-gc benchmarks/state-probe.mjs ARCHIVE_DIR [--max-keys N] [--spill-memory MiB]
 * Prints one JSON line.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scanToDirectory } from '@mxray/core';

if (typeof globalThis.gc !== 'function') {
  console.error('state-probe: run with node --expose-gc');
  process.exit(2);
}
const archive = process.argv[2];
const keysAt = process.argv.indexOf('--max-keys');
const maxKeys = keysAt > 0 ? Number(process.argv[keysAt + 1]) : undefined;
const spillAt = process.argv.indexOf('--spill-memory');
const spillMiB = spillAt > 0 ? Number(process.argv[spillAt + 1]) : undefined;
if (!archive) {
  console.error('usage: node --expose-gc benchmarks/state-probe.mjs ARCHIVE_DIR');
  process.exit(2);
}
const heap = () => {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const out = await mkdtemp(path.join(tmpdir(), 'mxray-probe-'));
let before;
let after;
try {
  const { manifest } = await scanToDirectory({
    paths: [archive],
    out,
    force: true,
    report: false,
    ...(maxKeys && { maxKeys }),
    ...(spillMiB && { detection: { spill: { memoryBytes: spillMiB * 1024 * 1024 } } }),
    onProgress(p) {
      // Called after each file; the last call comes when every event has been observed.
      before ??= heap();
      if (p.filesDone === p.files && after === undefined) after = heap();
    },
  });
  const accounts = manifest.totals.accounts?.total ?? 0;
  console.log(JSON.stringify({
    accounts,
    ips: manifest.totals.ips ?? 0,
    stateBytes: after - before,
    bytesPerAccount: accounts ? Math.round((after - before) / accounts) : null,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }));
} finally {
  await rm(out, { recursive: true, force: true });
}
