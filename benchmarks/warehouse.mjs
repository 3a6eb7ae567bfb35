#!/usr/bin/env node
/**
 * The warehouse benchmark: in one run, on the same machine, `mxray scan` against `mxray load` into
 * a local two-shard ClickHouse cluster (scripts/clickhouse-cluster.mjs) and `mxray detect` back
 * from it, on one archive and on one with `--scale` times the days (the same accounts, that many
 * times the lines). Checks that detect's findings, verdicts and pivot lists are the scan's, and
 * reads ClickHouse's own part sizes for the bytes a record takes on disk.
 *
 *   node benchmarks/warehouse.mjs --accounts 100000 --days 1 --scale 10
 *   options: --hosts N, --runs N (best of N), --json, --keep, --base-port P
 *
 * Times are wall clock with a warm page cache; every command is the CLI as a user runs it.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createClient } from '@clickhouse/client';
import { writeArchive } from './lib/archive.mjs';
import { listFiles, round } from './lib/files.mjs';
import { start, stop } from '../scripts/clickhouse-cluster.mjs';
import { bestOf, timedWithRss } from './lib/timing.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '..', 'packages', 'cli', 'bin', 'mxray.mjs');

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '100000' },
    days: { type: 'string', default: '1' },
    scale: { type: 'string', default: '10' },
    hosts: { type: 'string', default: '4' },
    runs: { type: 'string', default: '1' },
    'base-port': { type: 'string', default: '19300' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

const log = (msg) => {
  if (!values.json) process.stderr.write(`${msg}\n`);
};

/** The CLI with `args`: seconds, stdout and peak RSS in MiB. */
async function run(args) {
  const r = await timedWithRss(process.execPath, [CLI, ...args], work);
  return { ...r, peakRssMiB: Math.round(r.peakRssKiB / 1024) };
}

/** Findings, verdicts and pivot lists of an output directory, for comparing two. */
async function verdictFiles(dir) {
  const out = {};
  for (const name of ['findings.jsonl', 'accounts.jsonl', 'ips.jsonl']) out[name] = await readFile(path.join(dir, name), 'utf8');
  for (const name of (await readdir(path.join(dir, 'pivot'))).sort()) out[`pivot/${name}`] = await readFile(path.join(dir, 'pivot', name), 'utf8');
  return out;
}

/** Rows and bytes of a database's record tables, summed over the shards (ClickHouse's own part sizes). */
async function diskUse(urls, database) {
  const total = { rows: 0, compressed: 0, uncompressed: 0 };
  for (const url of urls) {
    const c = createClient({ url });
    try {
      const [r] = await (
        await c.query({
          query: `SELECT sum(rows) AS rows, sum(data_compressed_bytes) AS compressed, sum(data_uncompressed_bytes) AS uncompressed FROM system.parts WHERE database = '${database}' AND table = 'records' AND active`,
          format: 'JSONEachRow',
          clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
        })
      ).json();
      total.rows += Number(r.rows);
      total.compressed += Number(r.compressed);
      total.uncompressed += Number(r.uncompressed);
    } finally {
      await c.close();
    }
  }
  return total;
}

const work = await mkdtemp(path.join(tmpdir(), 'mxray-warehouse-bench-'));
let cluster;
try {
  const accounts = Number(values.accounts);
  const days = Number(values.days);
  const scale = Number(values.scale);
  const runs = Math.max(1, Number(values.runs));
  log('starting a two-shard ClickHouse cluster …');
  cluster = await start({ dir: path.join(work, 'clickhouse'), basePort: Number(values['base-port']), install: false });
  const urls = cluster.urls.join(',');
  const measure = async (label, archiveDays, withScan) => {
    const archive = path.join(work, `archive-${label}`);
    log(`generating ${accounts.toLocaleString('en-US')} accounts × ${archiveDays} day(s) …`);
    await writeArchive(archive, { accounts, days: archiveDays, hosts: Number(values.hosts), compression: 'zst' });
    for (const f of await listFiles(archive)) await readFile(f);
    const database = `bench_${label}`;
    let scan;
    if (withScan) {
      log(`  mxray scan …`);
      scan = await bestOf(runs, () => run(['scan', archive, '--out', path.join(work, `scan-${label}`), '--force', '--json']));
    }
    log(`  mxray load …`);
    // Best of N loads: each into a database of its own (a second load of the same files skips them all).
    let n = 0;
    const load = await bestOf(runs, () => run(['load', archive, '--clickhouse', urls, '--database', `${database}${n++ ? `_${n}` : ''}`, '--json', '--no-progress']));
    const loaded = JSON.parse(load.stdout);
    log(`  mxray detect …`);
    const detect = await bestOf(runs, () => run(['detect', '--clickhouse', urls, '--database', database, '--out', path.join(work, `detect-${label}`), '--force', '--json']));
    const detected = JSON.parse(detect.stdout);
    if (withScan) {
      const [a, b] = await Promise.all([verdictFiles(path.join(work, `scan-${label}`)), verdictFiles(path.join(work, `detect-${label}`))]);
      for (const name of Object.keys(a)) if (a[name] !== b[name]) throw new Error(`${name} of detect differs from the scan's: the benchmark is void`);
    }
    const manifest = JSON.parse(await readFile(path.join(work, `detect-${label}`, 'manifest.json'), 'utf8'));
    const disk = await diskUse(cluster.urls, database);
    const lines = manifest.totals.lines;
    const decoded = manifest.totals.decodedBytes;
    const mbs = (s) => round(decoded / 1e6 / s);
    return {
      label,
      days: archiveDays,
      lines,
      decodedBytes: decoded,
      records: loaded.records,
      accounts: manifest.totals.accounts.total,
      findings: detected.findings ?? manifest.detection.findings,
      ...(scan && { scan: { seconds: round(scan.seconds, 2), mbPerSec: mbs(scan.seconds), peakRssMiB: scan.peakRssMiB } }),
      load: { seconds: round(load.seconds, 2), mbPerSec: mbs(load.seconds), recordsPerSec: Math.round(loaded.records / load.seconds), peakRssMiB: load.peakRssMiB },
      detect: { seconds: round(detect.seconds, 2), mbPerSec: mbs(detect.seconds), peakRssMiB: detect.peakRssMiB },
      disk: { bytesPerRecord: round(disk.compressed / disk.rows, 1), uncompressedBytesPerRecord: round(disk.uncompressed / disk.rows, 1), compression: round(disk.uncompressed / disk.compressed, 2), bytesPerDecodedLogByte: round(disk.compressed / decoded, 3) },
    };
  };
  const one = await measure('1x', days, true);
  const many = await measure(`${scale}x`, days * scale, true);
  const result = {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, clickhouse: '18.16 (Debian), two shards on loopback' },
    command: `node benchmarks/warehouse.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    archives: [one, many],
    ratios: {
      loadVsScan: round(one.scan.seconds / one.load.seconds, 2),
      detectVsScan: round(one.scan.seconds / one.detect.seconds, 2),
      [`detect${scale}xVs1x`]: round(many.detect.seconds / one.detect.seconds, 2),
      [`lines${scale}xVs1x`]: round(many.lines / one.lines, 2),
    },
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const row = (a) =>
      `| ${a.label} (${a.days} d) | ${a.lines.toLocaleString('en-US')} | ${(a.decodedBytes / 1e6).toFixed(0)} MB | ${a.scan ? `${a.scan.seconds} s (${a.scan.mbPerSec} MB/s)` : '–'} | ${a.load.seconds} s (${a.load.mbPerSec} MB/s, ${a.load.recordsPerSec.toLocaleString('en-US')} rec/s) | ${a.detect.seconds} s | ${a.disk.bytesPerRecord} B (${a.disk.compression}×) |`;
    console.log(`${result.command}\n${result.machine.cpu}, ${result.machine.cores} cores, Node ${result.machine.node}\n`);
    console.log('| archive | lines | decoded | scan | load | detect | on disk per record |');
    console.log('|---|---|---|---|---|---|---|');
    console.log(row(one));
    console.log(row(many));
    console.log(`\nload vs scan ${result.ratios.loadVsScan}×, detect vs scan ${result.ratios.detectVsScan}×; ${scale}× the lines: detect ${result.ratios[`detect${scale}xVs1x`]}× the time`);
  }
} finally {
  if (cluster) stop({ dir: cluster.dir });
  if (!values.keep) await rm(work, { recursive: true, force: true });
  else log(`kept ${work}`);
}
