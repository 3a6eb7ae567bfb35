import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fg from 'fast-glob';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Manifest } from '@mxray/core';
import { main } from '@mxray/cli';
import { captureIo } from './helpers/cli-io.js';
import { HOSTILE, HUGE_LINE_BYTES, SMALL_FILES, writeHostileSet } from './corpus/hostile.js';

let work: string;
let evidence: string;
let out: string;
let before: Map<string, string>;
let run: { code: number; stdout: string; stderr: string };
let manifest: Manifest;

const sha256File = (file: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file).on('data', (c) => h.update(c)).on('error', reject).on('end', () => resolve(h.digest('hex')));
  });

/** Path → "sha256 mode mtime" of every regular file under the evidence. */
async function fingerprint(dir: string): Promise<Map<string, string>> {
  const entries = await fg('**', { cwd: dir, dot: true, onlyFiles: true, stats: true, followSymbolicLinks: false });
  const out = new Map<string, string>();
  for (const e of entries.sort((a, b) => (a.path < b.path ? -1 : 1))) {
    if (!e.stats!.isFile()) continue;
    out.set(e.path, `${await sha256File(path.join(dir, e.path))} ${e.stats!.mode.toString(8)} ${e.stats!.mtimeMs}`);
  }
  return out;
}

const input = (p: string) => manifest.inputs.find((i) => i.path === p)!;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'mxray-hostile-'));
  evidence = path.join(work, 'evidence');
  out = path.join(work, 'out');
  await writeHostileSet(evidence);
  const ioc = path.join(work, 'ioc.txt');
  await writeFile(ioc, '203.0.113.99\n');
  // Read-only evidence, as a responder mounts it: a write attempt would fail loudly for non-root.
  for (const e of await fg('**', { cwd: evidence, onlyDirectories: true })) await chmod(path.join(evidence, e), 0o555);
  before = await fingerprint(evidence);
  const { chunks, io } = captureIo();
  const code = await main(['scan', evidence, '--out', out, '-j', '128', '--ioc', ioc, '--timeline', path.join(work, 'timeline.csv'), '--timeline-events', '--no-progress'], io);
  run = { code, ...chunks };
  manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
}, 180_000);

afterAll(async () => {
  for (const e of await fg('**', { cwd: evidence, onlyDirectories: true })) await chmod(path.join(evidence, e), 0o755).catch(() => undefined);
  await rm(work, { recursive: true, force: true });
});

describe('hostile and broken evidence', () => {
  it('completes, and reports each bad input with a reason', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(manifest.complete).toBe(true);
    expect(input(HOSTILE.empty).error).toBe('empty file');
    expect(input(HOSTILE.mixedEndings)).toMatchObject({ lines: 4, events: 4 });
    expect(input(HOSTILE.concatenatedGzip)).toMatchObject({ compression: 'gzip', lines: 3, events: 3 });
    expect(input(HOSTILE.concatenatedGzip).error).toBeUndefined();
    const truncated = input(HOSTILE.truncatedConcatenated);
    expect(truncated.error).toMatch(/truncated|unexpected end/i);
    expect(truncated.lines).toBeGreaterThanOrEqual(1);
    expect(input(HOSTILE.future).futureEvents).toBe(1);
    expect(manifest.totals.futureEvents).toBe(1);
    expect(run.stdout).toMatch(/1 event\(s\) dated more than a day after their file's mtime/);
    const skipped = Object.fromEntries(manifest.skipped.map((s) => [s.path, s.reason]));
    expect(skipped[HOSTILE.loop]).toBe('symbolic link loop');
    expect(skipped[HOSTILE.fifo]).toBe('not a regular file');
  });

  it('keeps a 200 MB line as a prefix with its true length, and finds the overflow in it', async () => {
    const huge = input(HOSTILE.huge);
    expect(huge).toMatchObject({ lines: 1, events: 1, overlongLines: 1, longestLine: HUGE_LINE_BYTES });
    const findings = (await readFile(path.join(out, 'findings.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as { rule: string; source: { file: string }; evidence: { truncated?: boolean } });
    const f = findings.find((x) => x.source.file === HOSTILE.huge);
    expect(f?.rule).toBe('web.overflow-request');
    expect(f?.evidence.truncated).toBe(true);
  });

  it('reads thousands of small files at concurrency 128 without running out of descriptors', () => {
    const many = manifest.inputs.filter((i) => i.path.startsWith(`${HOSTILE.many}/`));
    expect(many).toHaveLength(SMALL_FILES);
    for (const i of many) {
      expect(i.error, i.path).toBeUndefined();
      expect(i.sha256, i.path).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('never lets attacker text drive the terminal, the page or a spreadsheet', async () => {
    // The escape-sequence account logged in from an IOC: it is in the summary, escaped.
    expect(run.stdout).toContain('\\x1b]0;pwned\\x07');
    expect(run.stdout).not.toMatch(/[\u0000\u0007\u001b]/);
    for (const name of ['findings.jsonl', 'accounts.jsonl', 'activity.jsonl', 'manifest.json', 'report.html']) {
      expect(await readFile(path.join(out, name), 'utf8'), name).not.toMatch(/[\u0000\u0007\u001b]/);
    }
    const html = await readFile(path.join(out, 'report.html'), 'utf8');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const rows = parseCsv(await readFile(path.join(work, 'timeline.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const formula = rows.filter((r) => r.account!.includes('cmd|'));
    expect(formula.length).toBeGreaterThan(0);
    for (const r of formula) expect(r.account!.startsWith("'=")).toBe(true);
  });

  it('changes nothing in the evidence and writes nothing beside it', async () => {
    const after = await fingerprint(evidence);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [file, print] of before) expect(after.get(file), file).toBe(print);
    // Each input's hash in the manifest is the hash computed here.
    for (const i of manifest.inputs) if (i.sha256) expect(before.get(i.path)!.split(' ')[0], i.path).toBe(i.sha256);
  });
});
