/**
 * Worker threads read and parse files beside the main thread: outputs must be byte-identical to
 * a scan on one thread, whatever the number of workers, for clean, corrupt and interrupted input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scan, scanToDirectory, type Manifest } from '@mxray/core';
import { SAMPLES, writeEvidence } from './helpers/corpus.js';
import { outputHashes } from './helpers/output-hashes.js';
import { closeWorkspace, openWorkspace } from './helpers/workspace.js';

let work: string;
let evidence: string;
const BIG = 'mx07-maillog-20240805';

beforeAll(async () => {
  work = await openWorkspace('mxray-workers-');
  evidence = path.join(work, 'evidence');
  await writeEvidence(evidence);
  // Many chunks of Postfix and Dovecot lines, so batches cross threads many times.
  const lines = Array.from({ length: 30_000 }, (_, i) =>
    i % 3 === 0
      ? `Aug  5 0${i % 10}:${String(i % 60).padStart(2, '0')}:00 mx07 postfix/submission/smtpd[${i}]: ${(0x10000 + i).toString(16).toUpperCase()}: client=unknown[198.51.100.${i % 250}], sasl_method=PLAIN, sasl_username=u${i % 400}@example.jp`
      : `Aug  5 0${i % 10}:${String(i % 60).padStart(2, '0')}:00 mx07 dovecot: imap-login: Login: user=<u${i % 400}@example.jp>, method=PLAIN, rip=198.51.100.${i % 250}, lip=192.0.2.10, mpid=${i}, TLS, session=<w${i}>`,
  );
  await writeFile(path.join(evidence, BIG), `${lines.join('\n')}\n`);
});
afterAll(() => closeWorkspace(work));

describe('worker threads', () => {
  it('give byte-identical outputs for 0, 1 and 3 workers, corrupt files included', async () => {
    const hashes: Array<Record<string, string>> = [];
    for (const workers of [0, 1, 3]) {
      const out = path.join(work, `out-${workers}`);
      const { manifest } = await scanToDirectory({ paths: [evidence], out, events: true, concurrency: 4, workers, detection: { geo: false } });
      expect(manifest.inputs.find((i) => i.path === BIG)!.lines).toBe(30_000);
      // The corrupt files are reported, not lost, on the worker path too.
      expect(manifest.inputs.filter((i) => i.error !== undefined).length).toBeGreaterThan(0);
      hashes.push(await outputHashes(out));
    }
    expect(Object.keys(hashes[0]!)).toContain('events.jsonl');
    expect(hashes[1]).toEqual(hashes[0]);
    expect(hashes[2]).toEqual(hashes[0]);
  });

  it('give the same outputs without events.jsonl (the workers then make no output lines), and the same as with it', async () => {
    const hashes: Array<Record<string, string>> = [];
    for (const workers of [0, 1, 3]) {
      const out = path.join(work, `out-columns-${workers}`);
      await scanToDirectory({ paths: [evidence], out, concurrency: 4, workers, detection: { geo: false } });
      hashes.push(await outputHashes(out));
    }
    const { ['events.jsonl']: events, ...withEvents } = await outputHashes(path.join(work, 'out-0'));
    expect(events).toBeDefined();
    expect(Object.keys(hashes[0]!)).not.toContain('events.jsonl');
    // The manifest names the outputs written (events.jsonl among them): it is the one file that differs.
    const { ['manifest.json']: _m, ...rest } = withEvents;
    const { ['manifest.json']: manifest0, ...rest0 } = hashes[0]!;
    expect(rest0).toEqual(rest);
    expect(manifest0).toBeDefined();
    expect(hashes[1]).toEqual(hashes[0]);
    expect(hashes[2]).toEqual(hashes[0]);
  });

  it('give byte-identical outputs with zstd decoded by node:zlib or by zstd-codec (MXRAY_ZSTD=codec), on workers too', async () => {
    const hashes: Array<Record<string, string>> = [];
    for (const codec of [false, true]) {
      if (codec) process.env.MXRAY_ZSTD = 'codec';
      try {
        const out = path.join(work, `out-zstd-${codec ? 'codec' : 'runtime'}`);
        await scanToDirectory({ paths: [evidence, SAMPLES], out, events: true, workers: 1, detection: { geo: false } });
        hashes.push(await outputHashes(out));
      } finally {
        delete process.env.MXRAY_ZSTD;
      }
    }
    expect(Object.keys(hashes[0]!)).toContain('events.jsonl');
    expect(hashes[1]).toEqual(hashes[0]);
  });

  it('stop inside a file read by a worker: that file is interrupted with what was read, and no hash', async () => {
    let batches = 0;
    const controller = new AbortController();
    const result = await scan({ paths: [path.join(evidence, BIG)], workers: 1, signal: controller.signal }, {
      onEvents: () => {
        if (++batches === 1) controller.abort();
      },
    });
    const big = result.inputs[0]!;
    expect(result.complete).toBe(false);
    expect(big.error).toMatch(/^interrupted while reading/);
    expect(big.sha256).toBe('');
    expect(big.lines).toBeGreaterThan(0);
    expect(big.lines).toBeLessThan(30_000);
    // Every event of the lines read reached the caller: the counts agree.
    expect(result.summary.events).toBe(big.events);
  });

  it('an interrupted scan with workers resumes on one thread to the same outputs', async () => {
    const out = path.join(work, 'resumed');
    const controller = new AbortController();
    const first = await scanToDirectory({
      paths: [evidence],
      out,
      events: true,
      concurrency: 2,
      workers: 2,
      signal: controller.signal,
      detection: { geo: false },
      onProgress: (p) => p.filesDone >= 3 && controller.abort(),
    });
    expect(first.complete).toBe(false);
    const partial = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(partial.complete).toBe(false);
    const second = await scanToDirectory({ paths: [evidence], out, events: true, workers: 0, resume: true, detection: { geo: false } });
    expect(second.complete).toBe(true);
    expect(await outputHashes(out)).toEqual(await outputHashes(path.join(work, 'out-0')));
  });

  it('a hook that throws on a file read by a worker fails the scan, and frees the thread for the files queued behind it', async () => {
    // One thread, two files: the big one's worker sends a few batches ahead and then waits for an
    // acknowledgement; if the failed file were not closed, the small one would wait forever.
    const dir = path.join(work, 'hook-fails');
    await mkdir(dir);
    await writeFile(path.join(dir, 'a-big'), await readFile(path.join(evidence, BIG)));
    await writeFile(path.join(dir, 'b-small'), 'Aug  5 01:00:00 mx07 dovecot: imap-login: Login: user=<s@example.jp>, method=PLAIN, rip=198.51.100.9, lip=192.0.2.10, mpid=1, TLS, session=<s1>\n');
    const failing = scan({ paths: [dir], workers: 1, concurrency: 2 }, {
      onEvents: (_batch, _index, file) => {
        if (file.path === 'a-big') throw new Error('the hook failed');
      },
    });
    await expect(failing).rejects.toThrow('the hook failed');
  });

  it('rejects a worker count out of range', async () => {
    await expect(scan({ paths: [evidence], workers: -1 })).rejects.toThrow(/workers/);
    await expect(scan({ paths: [evidence], workers: 1.5 })).rejects.toThrow(/workers/);
  });
});
