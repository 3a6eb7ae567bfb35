import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { cp, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';
import { scan, scanToDirectory, type Manifest } from '@mxray/core';
import { main } from '@mxray/cli';
import { SAMPLES } from './helpers/corpus.js';
import { captureIo } from './helpers/cli-io.js';
import { outputHashes, sha256 } from './helpers/output-hashes.js';
import { closeWorkspace, openWorkspace } from './helpers/workspace.js';

let work: string;
let evidence: string;
let reference: string;

const manifestOf = async (dir: string): Promise<Manifest> => JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;

beforeAll(async () => {
  work = await openWorkspace('mxray-resume-');
  evidence = path.join(work, 'evidence');
  await cp(SAMPLES, evidence, { recursive: true });
  // A file of many chunks, so that an interruption can land inside it.
  const lines = Array.from({ length: 40_000 }, (_, i) => `Aug  4 0${i % 10}:${String(i % 60).padStart(2, '0')}:00 mx03 dovecot: imap-login: Login: user=<u${i % 300}@example.jp>, method=PLAIN, rip=198.51.100.${i % 250}, lip=192.0.2.10, mpid=${i}, TLS, session=<r${i}>`);
  await writeFile(path.join(evidence, 'mx03-maillog-20240805'), `${lines.join('\n')}\n`);
  reference = path.join(work, 'reference');
  await scanToDirectory({ paths: [evidence], out: reference, events: true, concurrency: 1 });
});
afterAll(() => closeWorkspace(work));

describe('interrupted scan', () => {
  it('writes what was read with complete: false, and --resume gives the outputs of an uninterrupted run without reading finished files again', async () => {
    const out = path.join(work, 'interrupted');
    const controller = new AbortController();
    const first = await scanToDirectory({
      paths: [evidence],
      out,
      events: true,
      concurrency: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.filesDone === 4) controller.abort();
      },
    });
    expect(first.complete).toBe(false);
    const partial = await manifestOf(out);
    expect(partial.complete).toBe(false);
    const done = partial.inputs.filter((i) => i.error === undefined);
    const notScanned = partial.inputs.filter((i) => i.error?.startsWith('not scanned'));
    expect(done).toHaveLength(4);
    expect(notScanned.length).toBe(partial.inputs.length - 4);
    for (const i of notScanned) expect(i.sha256).toBe('');
    expect((await readdir(path.join(out, '.checkpoints'))).filter((n) => n.endsWith('.done.json'))).toHaveLength(4);

    const second = await scanToDirectory({ paths: [evidence], out, events: true, concurrency: 3, resume: true });
    expect(second.complete).toBe(true);
    expect(second.resumed).toBe(4);
    expect(existsSync(path.join(out, '.checkpoints'))).toBe(false);
    expect(await outputHashes(out)).toEqual(await outputHashes(reference));
  });

  it('resumes from checkpoints compressed with gzip (a runtime without zstd, or MXRAY_MEMBERS=gzip) as from zstd ones', async () => {
    const out = path.join(work, 'gzip-members');
    const controller = new AbortController();
    process.env.MXRAY_MEMBERS = 'gzip';
    try {
      await scanToDirectory({ paths: [evidence], out, events: true, concurrency: 1, workers: 2, signal: controller.signal, onProgress: (p) => p.filesDone === 4 && controller.abort() });
    } finally {
      delete process.env.MXRAY_MEMBERS;
    }
    const names = await readdir(path.join(out, '.checkpoints'));
    expect(names.filter((n) => n.endsWith('.events.jsonl.gz')).length).toBeGreaterThanOrEqual(4);
    const second = await scanToDirectory({ paths: [evidence], out, events: true, concurrency: 3, resume: true });
    expect(second.resumed).toBe(4);
    expect(await outputHashes(out)).toEqual(await outputHashes(reference));
  });

  it('stops inside a file: that file is reported interrupted, with the lines read and no hash', async () => {
    let bigBatches = 0;
    const controller = new AbortController();
    const result = await scan({ paths: [evidence], concurrency: 1, signal: controller.signal }, {
      onEvents: (_batch, _i, file) => {
        if (file.path === 'mx03-maillog-20240805' && ++bigBatches === 1) controller.abort();
      },
    });
    const big = result.inputs.find((i) => i.path === 'mx03-maillog-20240805')!;
    expect(result.complete).toBe(false);
    expect(big.error).toMatch(/^interrupted while reading/);
    expect(big.sha256).toBe('');
    expect(big.lines).toBeGreaterThan(0);
    expect(big.lines).toBeLessThan(40_000);
  });

  it('refuses to resume with other time options, or a complete scan', async () => {
    const out = path.join(work, 'refuse');
    const controller = new AbortController();
    controller.abort();
    await scanToDirectory({ paths: [evidence], out, signal: controller.signal, detection: { geo: false } });
    await expect(scanToDirectory({ paths: [evidence], out, resume: true, since: '2024-08-01T00:00:00Z', detection: { geo: false } })).rejects.toThrow(/same|paths and time options/);
    await scanToDirectory({ paths: [evidence], out, resume: true, detection: { geo: false } });
    await expect(scanToDirectory({ paths: [evidence], out, resume: true, detection: { geo: false } })).rejects.toThrow(/complete; nothing to resume/);
  });
});

describe('CLI interruption', () => {
  it('Ctrl-C exits 4 with an incomplete manifest; the same command with --resume completes it', async () => {
    const out = path.join(work, 'cli');
    const argv = ['scan', evidence, '--out', out, '-j', '1', '--no-progress'];
    const a = captureIo();
    // Interrupt at the first progress report: files are being read, and none can be skipped by chance.
    let interrupted = false;
    const running = main(argv, {
      ...a.io,
      onProgress: (p) => {
        if (interrupted || p.bytesRead === 0) return;
        interrupted = true;
        process.emit('SIGINT', 'SIGINT');
      },
    });
    expect(await running).toBe(4);
    expect(interrupted).toBe(true);
    expect(a.chunks.stderr).toMatch(/SIGINT: stopping/);
    expect(a.chunks.stdout).toMatch(/scan INCOMPLETE/);
    // The summary counts what was read: files read whole, cut, not started; bytes of whole files only.
    const files = /files\s+(\d+) found: (\d+) read whole \(\d+ with errors\), (\d+) cut mid-read, (\d+) not started/.exec(a.chunks.stdout);
    expect(files, a.chunks.stdout).not.toBeNull();
    const [found, whole, cut, notStarted] = files!.slice(1).map(Number) as [number, number, number, number];
    expect(whole + cut + notStarted).toBe(found);
    expect(whole).toBeLessThan(found);
    expect((await manifestOf(out)).complete).toBe(false);
    expect(process.listenerCount('SIGINT')).toBe(0);

    const b = captureIo();
    expect(await main([...argv, '--resume'], b.io)).toBe(0);
    expect((await manifestOf(out)).complete).toBe(true);
    expect(await sha256(path.join(out, 'findings.jsonl'))).toBe(await sha256(path.join(reference, 'findings.jsonl')));
  });
});

describe('activity of an interrupted file', () => {
  it('is kept: the spool reads it from the unfinished checkpoint, and activity.jsonl is the one a scan without checkpoints writes', async () => {
    const dir = path.join(work, 'spool-evidence');
    await cp(SAMPLES, dir, { recursive: true });
    // Read last (names sort), many chunks long, with logins from the samples' attacker address.
    const lines = Array.from({ length: 40_000 }, (_, i) => `Aug  4 0${i % 10}:${String(i % 60).padStart(2, '0')}:00 mx03 dovecot: imap-login: Login: user=<u${i % 300}@example.jp>, method=PLAIN, rip=${i % 50 === 0 ? '203.0.113.66' : `198.51.100.${i % 250}`}, lip=192.0.2.10, mpid=${i}, TLS, session=<r${i}>`);
    await writeFile(path.join(dir, 'zz-mx03-maillog-20240805'), `${lines.join('\n')}\n`);
    const activity: string[] = [];
    for (const checkpoints of [true, false]) {
      const out = path.join(work, `spool-${checkpoints}`);
      const controller = new AbortController();
      const result = await scanToDirectory({
        paths: [dir],
        out,
        checkpoints,
        concurrency: 1,
        workers: 0,
        signal: controller.signal,
        detection: { geo: false },
        // Some 3 MiB before the end: inside the last file.
        onProgress: (p) => p.bytesRead > p.bytes - 3 * 2 ** 20 && controller.abort(),
      });
      expect(result.complete).toBe(false);
      expect(result.manifest.inputs.find((i) => i.path === 'zz-mx03-maillog-20240805')!.error).toMatch(/^interrupted while reading/);
      activity.push(await readFile(path.join(out, 'activity.jsonl'), 'utf8'));
    }
    const fromBig = activity[0]!.split('\n').filter((l) => l.includes('"file":"zz-mx03-maillog-20240805"'));
    expect(fromBig.length).toBeGreaterThan(100);
    expect(activity[0]).toBe(activity[1]);
  });
});

describe('a damaged checkpoint', () => {
  it('stops the resume with a clear error instead of replaying half a file', async () => {
    const out = path.join(work, 'damaged');
    const controller = new AbortController();
    await scanToDirectory({ paths: [evidence], out, concurrency: 1, signal: controller.signal, detection: { geo: false }, onProgress: (p) => p.filesDone === 2 && controller.abort() });
    const dir = path.join(out, '.checkpoints');
    const gz = (await readdir(dir)).find((n) => /\.events\.jsonl\.(?:gz|zst)$/.test(n))!;
    const bytes = await readFile(path.join(dir, gz));
    await writeFile(path.join(dir, gz), bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(scanToDirectory({ paths: [evidence], out, resume: true, detection: { geo: false } })).rejects.toMatchObject({
      code: 'MXRAY_NO_INPUT',
      message: expect.stringMatching(/checkpoint of .* is damaged/),
    });
  });
});

describe('file order on disk', () => {
  it('does not change any output: files created in opposite orders scan the same', async () => {
    const names = (await fg('**', { cwd: evidence })).sort();
    const forward = path.join(work, 'order-a');
    const backward = path.join(work, 'order-b');
    for (const [dir, list] of [[forward, names], [backward, [...names].reverse()]] as const) {
      for (const n of list) await cp(path.join(evidence, n), path.join(dir, n), { preserveTimestamps: true });
    }
    const a = path.join(work, 'order-out-a');
    const b = path.join(work, 'order-out-b');
    await scanToDirectory({ paths: [forward], out: a, events: true, concurrency: 4, detection: { geo: false } });
    await scanToDirectory({ paths: [backward], out: b, events: true, concurrency: 2, detection: { geo: false } });
    for (const name of ['findings.jsonl', 'accounts.jsonl', 'ips.jsonl', 'events.jsonl', 'activity.jsonl', 'pivot/ips.txt', 'pivot/accounts.txt']) {
      expect(await sha256(path.join(b, name)), name).toBe(await sha256(path.join(a, name)));
    }
    const strip = (m: Manifest) => ({ ...m, args: { ...m.args, paths: [] }, inputs: m.inputs.map((i) => ({ ...i, root: '' })), skipped: [] });
    expect(strip(await manifestOf(b))).toEqual(strip(await manifestOf(a)));
  });
});
