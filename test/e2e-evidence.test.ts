import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { cp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { main } from '@mxray/cli';
import type { Manifest } from '@mxray/core';
import { captureIo } from './helpers/cli-io.js';
import { openWorkspace, closeWorkspace } from './helpers/workspace.js';
import { SAMPLES } from './helpers/corpus.js';

let work: string;
beforeAll(async () => {
  work = await openWorkspace('mxray-evidence-');
});
afterAll(async () => {
  await closeWorkspace(work);
});

const scan = async (...args: string[]) => {
  const { chunks, io } = captureIo();
  const code = await main(['scan', ...args, '--no-progress', '--no-geo'], io);
  return { code, ...chunks };
};

describe('no silent empty scans', () => {
  it('an empty evidence folder is an error (exit 3), not a clean bill of health', async () => {
    await mkdir(path.join(work, 'empty'));
    const r = await scan(path.join(work, 'empty'), '--out', path.join(work, 'out-empty'));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^mxray: error: no input file found under .*wrong path or mount point\?$/m);
    expect(r.stdout).toMatch(/ERROR {6}no input file found/);
  });

  it('a folder where nothing parses is an error (exit 3)', async () => {
    await mkdir(path.join(work, 'junk'));
    await writeFile(path.join(work, 'junk', 'notes.txt'), 'shopping list\nmilk\neggs\n'.repeat(50));
    const r = await scan(path.join(work, 'junk'), '--out', path.join(work, 'out-junk'));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/mxray: error: none of the 1 input file\(s\) could be read/);
  });

  it('a truncated file beside good ones is a warning, and exit 5 with --strict; the manifest records it either way', async () => {
    const ev = path.join(work, 'partly');
    await cp(path.join(SAMPLES, 'mx01'), path.join(ev, 'mx01'), { recursive: true });
    const gz = (await readdir(path.join(ev, 'mx01'))).find((f) => f.endsWith('.gz'))!;
    const bytes = await readFile(path.join(ev, 'mx01', gz));
    await writeFile(path.join(ev, 'mx01', 'maillog-cut.gz'), bytes.subarray(0, 300));
    const lax = await scan(ev, '--out', path.join(work, 'out-lax'));
    expect(lax.code).toBe(0);
    expect(lax.stdout).toMatch(/warning {4}1 of 4 input file\(s\) had errors/);
    const strict = await scan(ev, '--out', path.join(work, 'out-strict'), '--strict');
    expect(strict.code).toBe(5);
    expect(strict.stderr).toMatch(/--strict: 1 input file\(s\) could not be read completely/);
    const manifest = JSON.parse(await readFile(path.join(work, 'out-strict', 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.inputs.find((i) => i.path.endsWith('maillog-cut.gz'))?.error).toMatch(/truncated gzip/);
  });

  it('warns when there is no baseline: the rules that learn from it are blind', async () => {
    const r = await scan(SAMPLES, '--out', path.join(work, 'out-nobase'), '--since', '2024-07-01');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning {4}no events before --since: rules that learn from the baseline/);
  });
});

describe('time you cannot misread', () => {
  it('prints the cutoff in --tz and in UTC, and a date-only --since is local midnight', async () => {
    const r = await scan(SAMPLES, '--out', path.join(work, 'out-date'), '--since', '2024-08-03');
    expect(r.stdout).toMatch(/window {5}2024-08-03T00:00:00\+09:00 Asia\/Tokyo \(2024-08-02T15:00:00Z UTC\)/);
    expect(r.stdout).toMatch(/4 compromised/);
    const utc = await scan(SAMPLES, '--out', path.join(work, 'out-date-utc'), '--since', '2024-08-03', '--tz', 'UTC');
    expect(utc.stdout).toMatch(/window {5}2024-08-03T00:00:00\+00:00 UTC \(2024-08-03T00:00:00Z UTC\)/);
  });

  it('warns of exploit traffic in the 24 hours before --since, and reports none of it', async () => {
    // The samples' overflow requests came on 2024-08-03 (JST); a cutoff a few hours later puts them just before it.
    const r = await scan(SAMPLES, '--out', path.join(work, 'out-late'), '--since', '2024-08-03T12:00:00+09:00');
    expect(r.stdout).toMatch(/warning {4}\d+ exploit-like request\(s\) .*from 203\.0\.113\.66.* in the 24 hours before --since/);
    const findings = (await readFile(path.join(work, 'out-late', 'findings.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { time: string });
    expect(findings.every((f) => Date.parse(f.time) >= Date.parse('2024-08-03T12:00:00+09:00'))).toBe(true);
  });
});

describe('--min-level', () => {
  it('cuts every output file and the summary listing, while the manifest counts everything', async () => {
    const out = path.join(work, 'out-min');
    const r = await scan(SAMPLES, '--out', out, '--min-level', 'high');
    expect(r.code).toBe(0);
    const lines = async (f: string) => (await readFile(path.join(out, f), 'utf8')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { severity: string });
    for (const f of ['findings.jsonl', 'accounts.jsonl', 'ips.jsonl']) for (const x of await lines(f)) expect(['high', 'critical'], f).toContain(x.severity);
    expect(await lines('accounts.jsonl')).toHaveLength(4);
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.detection!.bySeverity.low).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/suspicious accounts \(anomalies without attributed access\): 1 \(1 below --min-level high\)/);
    expect(r.stdout).not.toMatch(/kenji@example\.co\.jp/);
  });
});
