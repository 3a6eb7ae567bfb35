#!/usr/bin/env node
/**
 * Where a scan's peak memory is: the scan run in this process (`scanToDirectory`, default
 * options), its resident set sampled every 50 ms by a thread of its own (the main thread can be
 * busy for a minute inside detection, where a timer on it would never fire), and per phase
 * (reading, detecting, writing) the highest RSS and V8's heap and array buffers as the phase
 * began. The kernel's own peak (ru_maxrss) closes the report: the sampler can miss a spike
 * shorter than its period, and says by how much.
 *
 *   node benchmarks/peak-rss.mjs ARCHIVE_DIR [--max-keys N] [--out DIR] [--json] [--allocations [--sample-bytes N]]
 *
 * --allocations: also what detection allocates (V8's sampling heap profiler over the detecting
 * phase, counting objects collected since): its total, and the ten functions that allocated
 * most. Garbage made there is what lifts the peak at scale (the main thread is inside detection,
 * and V8 grows its heap rather than collect). The profiler slows the phase; its RSS is not the
 * plain scan's. It samples one allocation per `--sample-bytes` on average (default 32768): a
 * small archive's detection may allocate less than that, and needs a smaller interval.
 *
 * The scan writes its outputs to --out (default a new temp directory, removed after).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { Session } from 'node:inspector/promises';
import { scanToDirectory } from '@mxray/core';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'max-keys': { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean', default: false }, allocations: { type: 'boolean', default: false }, 'sample-bytes': { type: 'string', default: '32768' } },
});
const sampleBytes = Number(values['sample-bytes']);
if (positionals.length !== 1 || !Number.isInteger(sampleBytes) || sampleBytes < 1) {
  console.error('usage: node benchmarks/peak-rss.mjs ARCHIVE_DIR [--max-keys N] [--out DIR] [--json] [--allocations [--sample-bytes N]] (N a positive integer)');
  process.exit(2);
}

const MiB = 1024 * 1024;
// Slot 0: the highest RSS sampled (bytes); slot 1: when (ms since the time origin below).
const shared = new Float64Array(new SharedArrayBuffer(16));
const origin = Date.now();
const sampler = new Worker(
  `const { workerData } = require('node:worker_threads');
   const { readFileSync } = require('node:fs');
   const peak = new Float64Array(workerData.buffer);
   setInterval(() => {
     const kb = Number(/VmRSS:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
     if (kb * 1024 > peak[0]) { peak[0] = kb * 1024; peak[1] = Date.now() - workerData.origin; }
   }, 50);`,
  { eval: true, workerData: { buffer: shared.buffer, origin } },
);
sampler.unref();

const mib = (bytes) => Math.round(bytes / MiB);
const snapshot = () => {
  const m = process.memoryUsage();
  return { rss: mib(m.rss), heapTotal: mib(m.heapTotal), heapUsed: mib(m.heapUsed), arrayBuffers: mib(m.arrayBuffers) };
};

/** Per phase: when it began, memory then, and the sampler's peak while it ran. */
const phases = [];
const enter = (name) => {
  const now = Date.now() - origin;
  const last = phases[phases.length - 1];
  if (last) last.peakRss = mib(shared[0]);
  shared[0] = 0;
  phases.push({ phase: name, startedAt: now / 1000, atStart: snapshot(), peakRss: 0 });
};

const out = values.out ?? (await mkdtemp(path.join(tmpdir(), 'mxray-peak-')));
const session = values.allocations ? new Session() : undefined;
session?.connect();
let allocations;
/** The sampled profile's total and its top functions (self bytes, by name and place). */
const summarize = (profile) => {
  const bySite = new Map();
  let total = 0;
  const walk = (node) => {
    const f = node.callFrame;
    const site = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    total += node.selfSize;
    bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  const top = [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([site, bytes]) => ({ site, mib: mib(bytes) }));
  return { totalMib: mib(total), totalBytes: total, top };
};
enter('starting');
try {
  await scanToDirectory({
    paths: [positionals[0]],
    out,
    force: true,
    ...(values['max-keys'] && { maxKeys: Number(values['max-keys']) }),
    async onProgress(p) {
      if (p.phase === phases[phases.length - 1].phase) return;
      enter(p.phase);
      if (session && p.phase === 'detecting') await session.post('HeapProfiler.startSampling', { samplingInterval: sampleBytes, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      if (session && p.phase === 'writing') allocations = summarize((await session.post('HeapProfiler.stopSampling')).profile);
    },
  });
  enter('done');
} finally {
  if (values.out === undefined) await rm(out, { recursive: true, force: true });
}
const kernelPeak = mib(process.resourceUsage().maxRSS * 1024);
const sampledPeak = Math.max(...phases.map((p) => p.peakRss));
const report = { archive: positionals[0], node: process.version, phases: phases.slice(0, -1), seconds: phases[phases.length - 1].startedAt, kernelPeakRss: kernelPeak, sampledPeakRss: sampledPeak, ...(allocations && { detectionAllocations: allocations }) };
if (values.json) console.log(JSON.stringify(report, null, 2));
else {
  for (const p of report.phases) {
    const s = p.atStart;
    console.log(`${p.phase.padEnd(10)} from ${p.startedAt.toFixed(1).padStart(7)} s  peak RSS ${String(p.peakRss).padStart(5)} MiB  at its start: RSS ${s.rss}, V8 heap ${s.heapUsed}/${s.heapTotal} used/committed, array buffers ${s.arrayBuffers} MiB`);
  }
  console.log(`total ${report.seconds.toFixed(1)} s; peak RSS ${kernelPeak} MiB (kernel), ${sampledPeak} MiB (sampled every 50 ms)`);
  if (allocations) {
    console.log(`detection allocated ${allocations.totalMib} MiB (sampled), most in:`);
    for (const { site, mib: m } of allocations.top) console.log(`${String(m).padStart(8)} MiB  ${site}`);
  }
}
