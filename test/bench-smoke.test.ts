/**
 * The small version of the benchmarks, run in CI: it fails on an error or a wrong count, never on
 * a time. The end-to-end script must agree with `zstd -dc | wc -l` / `gzip -dc | wc -l` on the
 * number of lines (it refuses to report otherwise), find the generated attacker, and report
 * every number it promises; the micro suite must run every parser and detector.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DETECTORS } from '@mxray/core';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const hasZstd = spawnSync('zstd', ['--version']).status === 0;
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('benchmarks (small, CI)', () => {
  it('e2e: mxray and the floor read exactly the lines the decompressors count, mxray finds the attacker and reports throughput, RSS and state per account', async () => {
    const { stdout } = await run(process.execPath, [
      'benchmarks/e2e.mjs', '--accounts', '3000', '--days', '2', '--compression', hasZstd ? 'mixed' : 'gz', '--json',
    ], { cwd: root, maxBuffer: 1 << 24 });
    const r = JSON.parse(stdout);
    expect(r.archive.lines).toBeGreaterThan(8000);
    expect(r.archive.accounts).toBeGreaterThan(2000);
    expect(r.ceiling.commands.join(' ')).toContain('gzip -dc');
    for (const v of [r.ceiling.mbPerSec, r.mxray.mbPerSec, r.mxray.linesPerSec, r.mxray.ratioToCeiling, r.mxray.peakRssMiB, r.state.bytesPerAccount]) {
      expect(Number.isFinite(v) && v > 0).toBe(true);
    }
    expect(r.mxray.findings).toBeGreaterThan(0);
    // The scan used scratch space in --out (spool, checkpoints) while it ran, and it was measured.
    expect(r.mxray.peakOutMB).toBeGreaterThan(0);
    // The floor read every line too (e2e.mjs fails otherwise), with and without the hash.
    expect(r.floors.map((f: { hash: boolean }) => f.hash)).toEqual([false, true]);
    for (const f of r.floors) expect(Number.isFinite(f.ratioToCeiling) && f.ratioToCeiling > 0).toBe(true);
  }, 180_000);

  it('peak-rss: the phases of a scan of the samples in order, each with its peak, and what detection allocated', async () => {
    const { stdout } = await run(process.execPath, ['benchmarks/peak-rss.mjs', 'samples', '--json', '--allocations', '--sample-bytes', '1024'], { cwd: root, maxBuffer: 1 << 24 });
    const r = JSON.parse(stdout);
    expect(r.phases.map((p: { phase: string }) => p.phase)).toEqual(['starting', 'reading', 'detecting', 'writing']);
    for (const p of r.phases) expect(p.peakRss).toBeGreaterThan(0);
    // The kernel's peak is the true one: the sampler can only miss a spike, never exceed it.
    expect(r.kernelPeakRss).toBeGreaterThanOrEqual(Math.max(...r.phases.map((p: { peakRss: number }) => p.peakRss)) - 1);
    expect(r.detectionAllocations.totalBytes).toBeGreaterThan(0);
    expect(r.detectionAllocations.top.every((t: { site: string }) => typeof t.site === 'string' && t.site.length > 0)).toBe(true);
  }, 120_000);

  it('micro: every parser and every detector is measured', async () => {
    const { stdout } = await run(process.execPath, ['benchmarks/bench.mjs', '--time', '10', '--accounts', '500', '--json'], { cwd: root, maxBuffer: 1 << 24 });
    const r = JSON.parse(stdout);
    const names = r.rows.map((row: { name: string }) => row.name);
    for (const d of DETECTORS) expect(names).toContain(`detect ${d.id}`);
    for (const f of ['syslog', 'access-log', 'mail-headers']) expect(names.some((n: string) => n.startsWith(`parse ${f}`))).toBe(true);
    expect(names).toContain('line splitter');
    for (const label of ['one thread', '1 worker']) expect(names).toContain(`pipeline: read + parse + all detectors (${label})`);
    for (const row of r.rows) expect(row.msPerOp).toBeGreaterThan(0);
  }, 180_000);

  it('the archive generator is deterministic for a seed and different across seeds', async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'mxray-gen-'));
    dirs.push(base);
    const gen = (out: string, seed: string) =>
      run(process.execPath, ['benchmarks/archive.mjs', '--out', path.join(base, out), '--accounts', '800', '--days', '2', '--seed', seed, '--compression', 'none', '--quiet'], { cwd: root });
    await Promise.all([gen('a', '5'), gen('b', '5'), gen('c', '6')]);
    const read = async (d: string) => {
      const files = (await readdir(path.join(base, d), { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
      const named = await Promise.all(files.map(async (e) => [path.relative(path.join(base, d), path.join(e.parentPath, e.name)), await readFile(path.join(e.parentPath, e.name), 'utf8')] as const));
      return new Map(named);
    };
    const [a, b, c] = await Promise.all([read('a'), read('b'), read('c')]);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [name, text] of a) expect(b.get(name)).toBe(text);
    expect([...a].some(([name, text]) => c.get(name) !== text)).toBe(true);
    // Lines are in time order within each file, as a real log is.
    const mail = [...a].find(([name]) => name.startsWith('mx02/'))![1].trim().split('\n');
    const stamps = mail.map((l) => l.slice(0, 32));
    expect([...stamps].sort()).toEqual(stamps);
  }, 60_000);
});
