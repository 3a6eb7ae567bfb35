import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import fg from 'fast-glob';
import { scanToDirectory, scanEvents, type Manifest } from '@mxray/core';
import { main } from '@mxray/cli';
import { captureIo } from './helpers/cli-io.js';
import { CORRUPT, LONG_LINE_BYTES, REPO, SAMPLES, writeEvidence } from './helpers/corpus.js';
import { closeWorkspace, openWorkspace } from './helpers/workspace.js';
import { sha256 } from './helpers/output-hashes.js';

const run = promisify(execFile);
let work: string;
let evidence: string;

beforeAll(async () => {
  work = await openWorkspace('mxray-e2e-');
  evidence = path.join(work, 'evidence');
  await writeEvidence(evidence);
});

afterAll(() => closeWorkspace(work));

async function readManifest(out: string): Promise<Manifest> {
  return JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
}

describe('scan of samples plus a corrupt set', () => {
  it('completes, accounts for every file with an independent sha256, and reports each corrupt file', async () => {
    const out = path.join(work, 'out-c1');
    const { manifest } = await scanToDirectory({ paths: [evidence], out, events: true, concurrency: 1 });
    const onDisk = (await fg('**', { cwd: evidence, dot: true })).sort();
    expect(manifest.inputs.map((i) => i.path).sort()).toEqual(onDisk);
    for (const input of manifest.inputs) {
      expect(input.sha256, input.path).toBe(await sha256(path.join(evidence, input.path)));
    }
    const byPath = new Map(manifest.inputs.map((i) => [i.path, i]));
    const tg = byPath.get(CORRUPT.truncatedGzip)!;
    expect(tg.error).toMatch(/truncated gzip/);
    expect(tg.lines).toBeGreaterThan(100);
    expect(tg.events).toBeGreaterThan(100);
    const tz = byPath.get(CORRUPT.truncatedZstd)!;
    expect(tz.error).toMatch(/truncated zstd/);
    expect(tz.events).toBeGreaterThan(100);
    expect(byPath.get(CORRUPT.junk)).toMatchObject({ format: 'unknown', error: expect.stringMatching(/no known format/) });
    expect(byPath.get(CORRUPT.crlf)).toMatchObject({ format: 'syslog', lines: 40, events: 40, parseErrors: 0 });
    expect(byPath.get(CORRUPT.invalidUtf8)).toMatchObject({ format: 'syslog', lines: 11, events: 10, parseErrors: 1, invalidUtf8Lines: 1 });
    const long = byPath.get(CORRUPT.longLine)!;
    expect(long).toMatchObject({ format: 'access-log', lines: 2, events: 2, overlongLines: 1 });
    expect(long.longestLine).toBeGreaterThan(LONG_LINE_BYTES);

    // The overlong request is an event with its true length, never dropped.
    const events = (await readFile(path.join(out, 'events.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    const big = events.find((e) => e.source.file === CORRUPT.longLine && e.source.line === 1);
    expect(big).toMatchObject({ ip: '203.0.113.66', truncated: true, method: 'GET' });
    expect(big.length).toBeGreaterThan(LONG_LINE_BYTES);
    expect(events).toHaveLength(manifest.totals.events);
  });

  it('writes byte-identical outputs for concurrency 1 and 4', async () => {
    const a = path.join(work, 'det-1');
    const b = path.join(work, 'det-4');
    await scanToDirectory({ paths: [evidence], out: a, events: true, concurrency: 1 });
    await scanToDirectory({ paths: [evidence], out: b, events: true, concurrency: 4 });
    const names = (await fg('**', { cwd: a, dot: true })).sort();
    expect(names).toEqual(['accounts.jsonl', 'activity.jsonl', 'events.jsonl', 'findings.jsonl', 'ips.jsonl', 'manifest.json', 'pivot/accounts.txt', 'pivot/ips.txt', 'report.html']);
    expect((await fg('**', { cwd: b, dot: true })).sort()).toEqual(names);
    for (const n of names) expect(await sha256(path.join(b, n)), n).toBe(await sha256(path.join(a, n)));
  });

  it('leaves the evidence untouched', async () => {
    const before = await Promise.all((await fg('**', { cwd: evidence })).sort().map(async (f) => [f, await sha256(path.join(evidence, f))]));
    await scanToDirectory({ paths: [evidence], out: path.join(work, 'untouched'), concurrency: 2 });
    const after = await Promise.all((await fg('**', { cwd: evidence })).sort().map(async (f) => [f, await sha256(path.join(evidence, f))]));
    expect(after).toEqual(before);
  });
});

describe('samples', () => {
  it('every sample file has a format, events and no parse error; the window splits baseline from attack', async () => {
    const out = path.join(work, 'samples-out');
    const { manifest } = await scanToDirectory({ paths: [SAMPLES], out });
    expect(manifest.inputs.length).toBe((await fg('**', { cwd: SAMPLES })).length);
    for (const i of manifest.inputs) {
      expect(i.format, i.path).not.toBe('unknown');
      expect(i.error, i.path).toBeUndefined();
      expect(i.parseErrors, i.path).toBe(0);
      expect(i.events, i.path).toBeGreaterThan(0);
    }
    expect(manifest.inputs.filter((i) => i.yearRule).every((i) => i.yearRule!.startsWith('filename:'))).toBe(true);
    expect(manifest.totals.baselineEvents).toBeGreaterThan(0);
    expect(manifest.totals.windowEvents).toBeGreaterThan(0);
  });

  it('streams the attacker story to a script through scanEvents', async () => {
    const attacker: string[] = [];
    for await (const e of scanEvents({ paths: [SAMPLES] })) {
      if (e.ip === '203.0.113.66' && e.phase === 'window' && e.kind === 'auth.success') attacker.push(e.account!);
    }
    expect(new Set(attacker)).toEqual(new Set(['taro@example.co.jp', 'jiro@example.co.jp', 'hanako@example.jp', 'yuki@example.jp']));
  });
});

describe('CLI', () => {
  const io = captureIo;

  it('exits 2 on usage errors with a clear message', async () => {
    const nonEmpty = path.join(work, 'non-empty');
    await mkdir(nonEmpty, { recursive: true });
    await writeFile(path.join(nonEmpty, 'keep.txt'), 'x');
    for (const [argv, message] of [
      [['scan', SAMPLES, '--out', nonEmpty], /not empty/],
      [['scan', path.join(work, 'nope'), '--out', path.join(work, 'o1')], /cannot read input/],
      [['scan', SAMPLES, '--out', path.join(work, 'o2'), '--since', 'yesterday'], /RFC 3339/],
      [['scan', SAMPLES, '--out', path.join(work, 'o3'), '--tz', 'Mars/Olympus'], /unknown time zone/],
      [['scan', SAMPLES], /--out/],
      [['scan', SAMPLES, '--out', path.join(SAMPLES, 'results')], /inside the input/],
    ] as const) {
      const { chunks, io: streams } = io();
      expect(await main([...argv], streams), argv.join(' ')).toBe(2);
      expect(chunks.stderr).toMatch(message);
    }
    expect(await readFile(path.join(nonEmpty, 'keep.txt'), 'utf8')).toBe('x');
  });

  it('the installed bin scans samples, prints the summary and exits 0', async () => {
    const out = path.join(work, 'bin-out');
    const { stdout } = await run(process.execPath, [path.join(REPO, 'packages/cli/bin/mxray.mjs'), 'scan', 'samples', '--out', out], { cwd: REPO });
    expect(stdout).toMatch(/scan complete/);
    expect(stdout).toMatch(/files\s+14 scanned, 0 with errors/);
    const manifest = await readManifest(out);
    expect(manifest.inputs).toHaveLength(14);
    expect(manifest.startedAt).toBe(new Date(1722643200 * 1000).toISOString());
  });
});
