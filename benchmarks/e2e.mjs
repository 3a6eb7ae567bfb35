#!/usr/bin/env node
/**
 * End-to-end benchmark: in one run, on the same archive, the decompression ceiling
 * (`zstd -dc FILES | wc -l`, `gzip -dc FILES | wc -l`, `cat FILES | wc -l`) against `mxray scan`
 * with every parser and detector on; optionally pflogsumm on one Postfix log against mxray on the
 * same file. Prints MB/s, lines/s, the ratio to the ceiling, peak RSS, the most disk the scan used in
 * --out while it ran, and bytes of state per account.
 * Also the floor (lib/floor.mjs): the naive Node loop over the same files on every core,
 * the most any Node implementation of the pipeline could reach on this machine.
 *
 *   node benchmarks/e2e.mjs --accounts 200000 --days 2          # generates the archive first
 *   node benchmarks/e2e.mjs --archive DIR                       # an existing archive
 *   options: --runs N (best of N, default 1), --pflogsumm, --no-state, --json, --keep,
 *            --no-floor, --workers N / --concurrency N / --max-keys N / --spill-memory MiB (passed to mxray scan)
 *
 * Times are wall clock on a warm page cache (each input is read once before timing). The line
 * counts of the ceiling and of mxray must agree, or the run fails: a benchmark of a scan that
 * lost lines would measure nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeArchive } from './lib/archive.mjs';
import { listFiles, round } from './lib/files.mjs';
import { runFloor } from './lib/floor.mjs';
import { bestOf, timed, timedWithRss } from './lib/timing.mjs';
import { DEFAULT_WORKERS } from '@mxray/core';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '..', 'packages', 'cli', 'bin', 'mxray.mjs');
const PROBE = path.join(here, 'state-probe.mjs');

const { values } = parseArgs({
  options: {
    archive: { type: 'string' },
    accounts: { type: 'string', default: '200000' },
    days: { type: 'string', default: '2' },
    hosts: { type: 'string', default: '4' },
    compression: { type: 'string', default: 'zst' },
    runs: { type: 'string', default: '1' },
    concurrency: { type: 'string' },
    workers: { type: 'string' },
    'max-keys': { type: 'string' },
    'spill-memory': { type: 'string' },
    pflogsumm: { type: 'boolean', default: false },
    floor: { type: 'boolean', default: true },
    state: { type: 'boolean', default: true },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
  allowNegative: true,
});

const workers = values.workers === undefined ? DEFAULT_WORKERS : Number(values.workers);
const work = await mkdtemp(path.join(tmpdir(), 'mxray-e2e-'));
const log = (msg) => {
  if (!values.json) process.stderr.write(`${msg}\n`);
};
try {
  let archive = values.archive;
  const generated = {};
  if (!archive) {
    archive = path.join(work, 'archive');
    Object.assign(generated, { accounts: Number(values.accounts), days: Number(values.days), hosts: Number(values.hosts), compression: values.compression });
    log(`generating ${generated.accounts.toLocaleString('en-US')} accounts × ${generated.days} day(s) into ${archive} …`);
    await writeArchive(archive, generated);
  }
  const files = await listFiles(archive);
  if (files.length === 0) throw new Error(`no files under ${archive}`);
  const byKind = { zst: files.filter((f) => f.endsWith('.zst')), gz: files.filter((f) => f.endsWith('.gz')) };
  byKind.plain = files.filter((f) => !byKind.zst.includes(f) && !byKind.gz.includes(f));
  const compressedBytes = (await Promise.all(files.map((f) => stat(f)))).reduce((a, s) => a + s.size, 0);
  for (const f of files) await readFile(f); // warm the page cache for every contender alike
  const runs = Math.max(1, Number(values.runs));

  // Ceiling: the system decompressors piped into wc -l, per compression kind, summed.
  const ceiling = { seconds: 0, lines: 0, bytes: 0, commands: [] };
  for (const [kind, tool] of [['zst', 'zstd -dc'], ['gz', 'gzip -dc'], ['plain', 'cat']]) {
    const list = byKind[kind];
    if (list.length === 0) continue;
    const cmd = `${tool} ${list.map(shellQuote).join(' ')} | wc -l`;
    if (kind !== 'plain' && spawnSync(tool.split(' ')[0], ['--version']).status !== 0) throw new Error(`${tool.split(' ')[0]} is not installed: it is the ceiling this benchmark compares against`);
    const best = await bestOf(runs, () => timed('bash', ['-c', cmd]));
    ceiling.seconds += best.seconds;
    ceiling.lines += Number(best.stdout.trim());
    ceiling.commands.push(`${tool} <${list.length} ${kind} file(s)> | wc -l`);
    const bytes = await timed('bash', ['-c', `${tool} ${list.map(shellQuote).join(' ')} | wc -c`]);
    ceiling.bytes += Number(bytes.stdout.trim());
  }

  // The floor: the naive Node loop on every core, without and with the SHA-256 every scan owes.
  const floors = [];
  if (values.floor) {
    for (const hash of [false, true]) {
      const best = await bestOf(runs, () => runFloor(files, { threads: cpus().length, hash }));
      if (best.lines !== ceiling.lines) throw new Error(`the floor read ${best.lines} lines, the ceiling ${ceiling.lines}: the benchmark is void`);
      floors.push({ hash, threads: cpus().length, seconds: best.seconds });
    }
  }

  // mxray scan, with everything on (report, activity, checkpoints), as a responder runs it.
  const scanArgs = (out, inputs) => [CLI, 'scan', ...inputs, '--out', out, '--force', '--json', ...(values.concurrency ? ['-j', values.concurrency] : []), '-w', String(workers), ...(values['max-keys'] ? ['--max-keys', values['max-keys']] : []), ...(values['spill-memory'] ? ['--spill-memory', values['spill-memory']] : [])];
  const mx = await bestOf(runs, async () => {
    const disk = watchDiskUse(path.join(work, 'out'));
    try {
      return { ...(await timedWithRss(process.execPath, scanArgs(path.join(work, 'out'), [archive]), work)), peakOutBytes: await disk.peak() };
    } finally {
      disk.stop();
    }
  });
  const summary = JSON.parse(mx.stdout);
  const mxLines = summary.totals?.lines ?? summary.lines;
  if (mxLines !== ceiling.lines) throw new Error(`mxray read ${mxLines} lines, the ceiling ${ceiling.lines}: the benchmark is void`);
  const manifest = JSON.parse(await readFile(path.join(work, 'out', 'manifest.json'), 'utf8'));
  const accounts = manifest.totals.accounts.total;

  let state;
  if (values.state) {
    const probe = await timed(process.execPath, ['--expose-gc', PROBE, archive, ...(values['max-keys'] ? ['--max-keys', values['max-keys']] : []), ...(values['spill-memory'] ? ['--spill-memory', values['spill-memory']] : [])]);
    state = JSON.parse(probe.stdout.trim().split('\n').pop());
  }

  let pflog;
  if (values.pflogsumm) pflog = await comparePflogsumm(byKind, work, runs, scanArgs);

  const mb = (bytes, s) => bytes / 1e6 / s;
  const result = {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}` },
    command: `node benchmarks/e2e.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    archive: { path: values.archive ?? '(generated)', ...generated, files: files.length, compressedBytes, decodedBytes: ceiling.bytes, lines: ceiling.lines, accounts },
    ceiling: { commands: ceiling.commands, seconds: round(ceiling.seconds, 3), mbPerSec: round(mb(ceiling.bytes, ceiling.seconds)), linesPerSec: Math.round(ceiling.lines / ceiling.seconds) },
    floors: floors.map((f) => ({
      ...f,
      seconds: round(f.seconds, 2),
      mbPerSec: round(mb(ceiling.bytes, f.seconds)),
      linesPerSec: Math.round(ceiling.lines / f.seconds),
      ratioToCeiling: round(ceiling.seconds / f.seconds, 4),
    })),
    mxray: {
      workers,
      seconds: round(mx.seconds, 2),
      mbPerSec: round(mb(ceiling.bytes, mx.seconds)),
      linesPerSec: Math.round(ceiling.lines / mx.seconds),
      ratioToCeiling: round(ceiling.seconds / mx.seconds, 4),
      peakRssMiB: mx.peakRssKiB === undefined ? null : Math.round(mx.peakRssKiB / 1024),
      peakOutMB: round(mx.peakOutBytes / 1e6),
      findings: manifest.detection?.findings ?? null,
    },
    ...(state && { state: { accounts: state.accounts, stateBytes: state.stateBytes, bytesPerAccount: state.bytesPerAccount } }),
    ...(pflog && { pflogsumm: pflog }),
  };
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else console.log(formatTable(result));
} finally {
  if (!values.keep) await rm(work, { recursive: true, force: true });
  else log(`kept ${work}`);
}

/** pflogsumm on the first Postfix log (decompressed to a plain file) against mxray on that file. */
async function comparePflogsumm(byKind, work, runs, scanArgs) {
  if (spawnSync('pflogsumm', ['--version']).error) return { skipped: 'pflogsumm is not installed' };
  const source = [...byKind.zst, ...byKind.gz, ...byKind.plain].find((f) => /mx\d+\//.test(f));
  if (!source) return { skipped: 'no mail host log in the archive' };
  const plain = path.join(work, 'pflogsumm-input.log');
  const tool = source.endsWith('.zst') ? 'zstd -dc' : source.endsWith('.gz') ? 'gzip -dc' : 'cat';
  spawnSync('bash', ['-c', `${tool} ${shellQuote(source)} > ${shellQuote(plain)}`]);
  const bytes = (await stat(plain)).size;
  await readFile(plain);
  const pf = await bestOf(runs, () => timed('bash', ['-c', `pflogsumm ${shellQuote(plain)} > /dev/null`]));
  const mx = await bestOf(runs, () => timedWithRss(process.execPath, scanArgs(path.join(work, 'out-pflogsumm'), [plain]), work));
  const floor = values.floor ? await bestOf(runs, () => runFloor([plain], { threads: 1 })) : undefined;
  return {
    input: `${path.basename(path.dirname(source))}/${path.basename(source)} decompressed (${(bytes / 1e6).toFixed(1)} MB)`,
    pflogsummMbPerSec: round(bytes / 1e6 / pf.seconds),
    mxrayMbPerSec: round(bytes / 1e6 / mx.seconds),
    ratio: round(pf.seconds / mx.seconds, 3),
    ...(floor && { floorMbPerSec: round(bytes / 1e6 / floor.seconds), floorRatio: round(pf.seconds / floor.seconds, 3) }),
  };
}

function formatTable(r) {
  const n = (v) => (typeof v === 'number' ? v.toLocaleString('en-US') : String(v));
  const lines = [
    `mxray end-to-end benchmark — ${r.date}`,
    `machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, node ${r.machine.node}, ${r.machine.platform}`,
    `command: ${r.command}`,
    `archive: ${r.archive.files} files, ${n(Math.round(r.archive.compressedBytes / 1e6))} MB compressed, ${n(Math.round(r.archive.decodedBytes / 1e6))} MB decoded, ${n(r.archive.lines)} lines, ${n(r.archive.accounts)} accounts`,
    '',
    '| contender | seconds | MB/s | lines/s | ratio to ceiling | peak RSS |',
    '|---|---:|---:|---:|---:|---:|',
    `| ceiling: ${r.ceiling.commands.join(' + ').replaceAll('|', '\\|')} | ${r.ceiling.seconds} | ${n(r.ceiling.mbPerSec)} | ${n(r.ceiling.linesPerSec)} | 1 | |`,
    ...r.floors.map((f) => `| floor: naive Node loop (zstd-codec, split, one regex, a Map per account${f.hash ? ', SHA-256' : ''}), ${f.threads} threads | ${f.seconds} | ${n(f.mbPerSec)} | ${n(f.linesPerSec)} | ${f.ratioToCeiling} | |`),
    `| mxray scan -w ${r.mxray.workers} (all parsers and detectors, report, checkpoints) | ${r.mxray.seconds} | ${n(r.mxray.mbPerSec)} | ${n(r.mxray.linesPerSec)} | ${r.mxray.ratioToCeiling} | ${r.mxray.peakRssMiB ?? 'n/a'} MiB |`,
  ];
  lines.push('', `disk in --out during the scan (spool, checkpoints, spill; sampled): at most ${n(r.mxray.peakOutMB)} MB = ${round(r.mxray.peakOutMB / (r.archive.decodedBytes / 1e6), 2)}× the decoded logs`);
  if (r.state) lines.push('', `state after the last file: ${n(Math.round(r.state.stateBytes / 1e6))} MB for ${n(r.state.accounts)} accounts = ${n(r.state.bytesPerAccount)} bytes per account (heap after GC, accounts' and IPs' state together)`);
  if (r.pflogsumm) {
    lines.push('', r.pflogsumm.skipped
      ? `pflogsumm: skipped (${r.pflogsumm.skipped})`
      : `pflogsumm on ${r.pflogsumm.input}: ${r.pflogsumm.pflogsummMbPerSec} MB/s; mxray on the same file: ${r.pflogsumm.mxrayMbPerSec} MB/s; mxray/pflogsumm = ${r.pflogsumm.ratio}×` +
        (r.pflogsumm.floorMbPerSec === undefined ? '' : `; the floor (one file, one thread): ${r.pflogsumm.floorMbPerSec} MB/s = ${r.pflogsumm.floorRatio}× pflogsumm`));
  }
  return lines.join('\n');
}

/**
 * Samples the bytes of every file under `dir` every 200 ms until stopped: the scratch space a scan
 * needs beside its outputs (activity spool, checkpoints, spill). `peak()` takes one last sample.
 */
function watchDiskUse(dir) {
  let peak = 0;
  let busy = false;
  const sample = async () => {
    if (busy) return;
    busy = true;
    try {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
      const sizes = await Promise.all(entries.filter((e) => e.isFile()).map((e) => stat(path.join(e.parentPath ?? e.path, e.name)).then((s) => s.size, () => 0)));
      peak = Math.max(peak, sizes.reduce((a, b) => a + b, 0));
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(sample, 200);
  return {
    peak: async () => {
      await sample();
      return peak;
    },
    stop: () => clearInterval(timer),
  };
}

function shellQuote(s) {
  return `'${s.replaceAll("'", "'\\''")}'`;
}
