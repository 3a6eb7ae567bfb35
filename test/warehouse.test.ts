/**
 * `mxray load` + `mxray detect` against a real two-shard ClickHouse cluster (Debian's
 * clickhouse-server 18.16, two plain processes on loopback, started here): the verdicts, findings,
 * pivot lists and drill-down are the scan's, byte for byte, after a load that was interrupted and
 * resumed; nothing is doubled; a shard down is an error that names it.
 *
 * Where the server is not installed (and cannot be), the tests are skipped with a message;
 * `.ci/run` installs it and sets MXRAY_REQUIRE_CLICKHOUSE=1, which turns a skip into a failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createClient } from '@clickhouse/client';
import { detectFromWarehouse, loadToWarehouse, scanToDirectory, type LoadResult } from '@mxray/core';
import { main } from '@mxray/cli';
// @ts-expect-error: plain JS module shared with the benchmarks
import { generateRealistic } from '../benchmarks/lib/realistic.mjs';
// @ts-expect-error: plain JS module, the cluster the README's try-out starts
import { start, stop } from '../scripts/clickhouse-cluster.mjs';
import { closeWorkspace, openWorkspace } from './helpers/workspace.js';
import { captureIo } from './helpers/cli-io.js';
import { HOSTILE_LINES } from './corpus/hostile.js';
import { SAMPLES } from './helpers/corpus.js';
import { cp, mkdir, writeFile } from 'node:fs/promises';

interface Cluster {
  urls: string[];
  dir: string;
  pids: number[];
}

let work: string;
let cluster: Cluster | undefined;
let skipReason: string | undefined;
let evidence: string;
let scanned: string;
let firstLoad: LoadResult;
let secondLoad: LoadResult;
const database = 'mxray_test';

beforeAll(async () => {
  work = await openWorkspace('mxray-warehouse-');
  try {
    cluster = (await start({ dir: path.join(work, 'clickhouse'), basePort: 19100, install: true })) as Cluster;
  } catch (error) {
    if ((error as { code?: string }).code !== 'NO_CLICKHOUSE' || process.env.MXRAY_REQUIRE_CLICKHOUSE === '1') throw error;
    skipReason = 'clickhouse-server is not installed and could not be (needs root or sudo -n and Debian\'s packages): the warehouse tests are skipped; apt-get install clickhouse-server clickhouse-client';
    console.warn(skipReason);
    return;
  }
  evidence = path.join(work, 'evidence');
  scanned = path.join(work, 'scan');
  await generateRealistic({ out: evidence, accounts: 1200, baselineDays: 10, windowDays: 6, seed: 7 });
  await scanToDirectory({ paths: [evidence], out: scanned, concurrency: 2 });
  // Cut short after two files, with small inserts so that some of a half-read file's records are in.
  const controller = new AbortController();
  firstLoad = await loadToWarehouse({
    paths: [evidence],
    urls: cluster.urls,
    database,
    machine: 'collector-a',
    batchRows: 2000,
    concurrency: 2,
    signal: controller.signal,
    onProgress: (p) => {
      if (p.filesDone >= 2) controller.abort();
    },
  });
  secondLoad = await loadToWarehouse({ paths: [evidence], urls: cluster.urls, database, machine: 'collector-b', concurrency: 2 });
}, 600_000);

afterAll(async () => {
  if (cluster) stop({ dir: cluster.dir });
  await closeWorkspace(work);
});

const query = async <T>(url: string, sql: string): Promise<T[]> => {
  const c = createClient({ url });
  try {
    return await (await c.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json<T>();
  } finally {
    await c.close();
  }
};

const listing = async (dir: string): Promise<Record<string, string>> => {
  const out: Record<string, string> = {};
  for (const name of ['findings.jsonl', 'accounts.jsonl', 'ips.jsonl', 'activity.jsonl']) out[name] = await readFile(path.join(dir, name), 'utf8');
  for (const name of (await readdir(path.join(dir, 'pivot'))).sort()) out[`pivot/${name}`] = await readFile(path.join(dir, 'pivot', name), 'utf8');
  return out;
};

describe('load and detect on a two-shard ClickHouse cluster', () => {
  it('an interrupted load leaves files unfinished; loading again finishes them, skipping what is in', (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    expect(firstLoad.complete).toBe(false);
    const loadedFirst = firstLoad.files.filter((f) => f.status === 'loaded').length;
    expect(loadedFirst).toBeGreaterThanOrEqual(2);
    expect(secondLoad.complete).toBe(true);
    // Every file is loaded once across the two runs; the second run skipped exactly the first's.
    const skipped = secondLoad.files.filter((f) => f.status === 'skipped');
    expect(skipped.map((f) => f.path).sort()).toEqual(firstLoad.files.filter((f) => f.status === 'loaded').map((f) => f.path).sort());
    expect(skipped.every((f) => f.reason?.includes('loaded by collector-a'))).toBe(true);
    expect(secondLoad.files.filter((f) => f.status === 'loaded').length + loadedFirst).toBe(secondLoad.files.length);
  });

  it('holds each event once, spread over both shards', async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const manifest = JSON.parse(await readFile(path.join(scanned, 'manifest.json'), 'utf8')) as { inputs: Array<{ events: number }> };
    const events = manifest.inputs.reduce((a, f) => a + f.events, 0);
    const [finished] = await query<{ n: number }>(
      cluster!.urls[0]!,
      `SELECT count() AS n FROM ${database}.records_all WHERE load_id GLOBAL IN (SELECT load_id FROM ${database}.loads_all)`,
    );
    expect(finished!.n).toBe(events);
    const perShard = await Promise.all(cluster!.urls.map((url) => query<{ n: number }>(url, `SELECT count() AS n FROM ${database}.records`)));
    for (const [shard] of perShard) expect(shard!.n).toBeGreaterThan(events / 10);
  });

  it('detect gives the scan\'s verdicts, findings, pivot lists and drill-down, byte for byte', async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const out = path.join(work, 'detect');
    const result = await detectFromWarehouse({ urls: cluster!.urls, database, out });
    expect(result.complete).toBe(true);
    const fromScan = await listing(scanned);
    expect(fromScan['pivot/accounts.txt']!.trim().split('\n').length).toBeGreaterThan(5);
    expect(await listing(out)).toEqual(fromScan);
    const [a, b] = await Promise.all([scanned, out].map(async (d) => JSON.parse(await readFile(path.join(d, 'manifest.json'), 'utf8')) as Record<string, unknown>));
    for (const key of ['inputs', 'totals', 'detection', 'activity', 'window']) expect(b![key], key).toEqual(a![key]);
    // Which machine loaded which file: the interrupted run's finished files, and the rest.
    const loads = b!.loads as Array<{ path: string; machine: string; sha256: string }>;
    expect(loads).toHaveLength((a!.inputs as unknown[]).length);
    expect(new Set(loads.map((l) => l.machine))).toEqual(new Set(['collector-a', 'collector-b']));
    expect(a!.loads).toBeUndefined();
  });

  it('a detect stopped part way writes what it read and says it is incomplete', async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const controller = new AbortController();
    const out = path.join(work, 'detect-stopped');
    const result = await detectFromWarehouse({
      urls: cluster!.urls,
      database,
      out,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.filesDone >= 1) controller.abort();
      },
    });
    expect(result.complete).toBe(false);
    expect(result.manifest.complete).toBe(false);
    const unread = result.manifest.inputs.filter((i) => i.error?.startsWith('not scanned') || i.error?.startsWith('interrupted'));
    expect(unread.length).toBeGreaterThan(0);
    expect(unread.length).toBeLessThan(result.manifest.inputs.length);
  });

  it('loading the same files again inserts nothing', async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const again = await loadToWarehouse({ paths: [evidence], urls: cluster!.urls, database, machine: 'collector-c' });
    expect(again.records).toBe(0);
    expect(again.files.every((f) => f.status === 'skipped')).toBe(true);
  });

  it('unreachable URLs and refused credentials are one line and exit 3', async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    for (const [url, said] of [
      ['http://127.0.0.1:1', /^mxray: error: ClickHouse at 127\.0\.0\.1:1 is unreachable \(ECONNREFUSED\)/],
      [cluster!.urls[0]!.replace('http://', 'http://nobody:secret@'), /^mxray: error: ClickHouse at 127\.0\.0\.1:\d+ refused the credentials/],
    ] as const) {
      const { chunks, io } = captureIo();
      const code = await main(['detect', '--clickhouse', url, '--database', database, '--out', path.join(work, 'refused'), '-q'], io);
      expect(code).toBe(3);
      expect(chunks.stderr).toMatch(said);
      expect(chunks.stderr.trim().split('\n')).toHaveLength(1);
      expect(chunks.stderr).not.toContain('secret');
    }
  });

});

describe('every field of every event survives the warehouse', () => {
  it('samples and lines an attacker wrote: events.jsonl from detect is the scan\'s, byte for byte', async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const tree = path.join(work, 'hostile');
    await cp(SAMPLES, tree, { recursive: true });
    await mkdir(path.join(tree, 'attacker'), { recursive: true });
    const syslog = HOSTILE_LINES.filter((l) => typeof l !== 'string' || !l.startsWith('203.'));
    await writeFile(path.join(tree, 'attacker', 'maillog-20240805'), Buffer.concat(syslog.map((l) => Buffer.concat([Buffer.from(l), Buffer.from('\n')]))));
    await writeFile(path.join(tree, 'attacker', 'access_log'), `${HOSTILE_LINES.filter((l): l is string => typeof l === 'string' && l.startsWith('203.')).join('\n')}\n`);
    const scanOut = path.join(work, 'hostile-scan');
    await scanToDirectory({ paths: [tree], out: scanOut, events: true });
    const db = 'mxray_hostile';
    const loaded = await loadToWarehouse({ paths: [tree], urls: cluster!.urls, database: db });
    expect(loaded.files.every((f) => f.status === 'loaded')).toBe(true);
    const detectOut = path.join(work, 'hostile-detect');
    await detectFromWarehouse({ urls: cluster!.urls, database: db, out: detectOut, events: true });
    const events = await readFile(path.join(scanOut, 'events.jsonl'), 'utf8');
    expect(events).toContain('pwned');
    expect(await readFile(path.join(detectOut, 'events.jsonl'), 'utf8')).toBe(events);
    expect(await listing(detectOut)).toEqual(await listing(scanOut));
    // One load serves any window: another --since gives what a scan with it gives, per file too.
    const since = '2024-08-04';
    const [scanLater, detectLater] = [path.join(work, 'hostile-scan-later'), path.join(work, 'hostile-detect-later')];
    await scanToDirectory({ paths: [tree], out: scanLater, since });
    await detectFromWarehouse({ urls: cluster!.urls, database: db, out: detectLater, since });
    expect(await listing(detectLater)).toEqual(await listing(scanLater));
    expect(await listing(detectLater)).not.toEqual(await listing(detectOut));
    const inputs = async (dir: string): Promise<unknown> => (JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as { inputs: unknown }).inputs;
    expect(await inputs(detectLater)).toEqual(await inputs(scanLater));
  });
});

describe('two machines loading the same files at once', () => {
  it('both finish; detect counts each file once', async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    const db = 'mxray_race';
    const [a, b] = await Promise.all(
      ['racer-a', 'racer-b'].map((machine) => loadToWarehouse({ paths: [SAMPLES], urls: cluster!.urls, database: db, machine })),
    );
    // Each may have loaded a file the other also loaded (neither had finished when the other looked).
    expect(a!.files.filter((f) => f.status === 'loaded').length + b!.files.filter((f) => f.status === 'loaded').length).toBeGreaterThanOrEqual(a!.files.length);
    const [scanOut, detectOut] = [path.join(work, 'race-scan'), path.join(work, 'race-detect')];
    await scanToDirectory({ paths: [SAMPLES], out: scanOut });
    await detectFromWarehouse({ urls: cluster!.urls, database: db, out: detectOut });
    expect(await listing(detectOut)).toEqual(await listing(scanOut));
    const manifest = JSON.parse(await readFile(path.join(detectOut, 'manifest.json'), 'utf8')) as { totals: { events: number } };
    const scanned = JSON.parse(await readFile(path.join(scanOut, 'manifest.json'), 'utf8')) as { totals: { events: number } };
    expect(manifest.totals.events).toBe(scanned.totals.events);
    // The CLI's summary says where the evidence came from.
    const { chunks, io } = captureIo();
    expect(await main(['detect', '--clickhouse', cluster!.urls.join(','), '--database', db, '--out', path.join(work, 'race-cli')], io)).toBe(0);
    expect(chunks.stdout).toMatch(/— detect complete\n/);
    expect(chunks.stdout).toMatch(/files +\d+ from the warehouse \(loaded by racer-[ab](, racer-[ab])?\)/);
  });
});

describe('faults', () => {
  it('a shard down is an error naming it, with no partial result', async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    process.kill(cluster!.pids[1]!, 'SIGKILL');
    const out = path.join(work, 'shard-down');
    const { chunks, io } = captureIo();
    const code = await main(['detect', '--clickhouse', cluster!.urls[0]!, '--database', database, '--out', out, '-q'], io);
    expect(code).toBe(3);
    expect(chunks.stderr).toMatch(/^mxray: error: ClickHouse shard 2 \(127\.0\.0\.1:19110\) of cluster mxray is down/);
    expect(await stat(path.join(out, 'findings.jsonl')).then(() => true, () => false)).toBe(false);
  });
});
