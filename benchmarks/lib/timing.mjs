/**
 * Timing for the benchmarks: a command's wall-clock seconds and output, its peak RSS (GNU time
 * where installed, else /proc sampling), and the best of N runs.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export async function bestOf(runs, fn) {
  let best;
  for (let i = 0; i < runs; i++) {
    const r = await fn();
    if (!best || r.seconds < best.seconds) best = r;
  }
  return best;
}

export function timed(cmd, args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ').slice(0, 300)} exited ${code}: ${stderr.slice(-2000)}`));
      else resolve({ seconds, stdout, stderr });
    });
  });
}

/**
 * Like `timed`, plus the child's peak RSS: exact from GNU time (`/usr/bin/time -f %M`) when the
 * machine has it, else sampled from /proc (VmHWM) every 50 ms until the child exits.
 */
export async function timedWithRss(cmd, args, scratch) {
  if (existsSync('/usr/bin/time')) {
    const rssFile = path.join(scratch, `rss-${process.hrtime.bigint()}.txt`);
    const r = await timed('/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...args]);
    return { ...r, peakRssKiB: Number((await readFile(rssFile, 'utf8')).trim().split('\n').pop()) };
  }
  let peak;
  const started = performance.now();
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const sample = async () => {
    try {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const m = /VmHWM:\s+(\d+) kB/.exec(status);
      if (m) peak = Math.max(peak ?? 0, Number(m[1]));
    } catch {
      // gone already, or no /proc (not Linux): peak stays what it was
    }
  };
  const timer = setInterval(sample, 50);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  clearInterval(timer);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`mxray exited ${code}: ${stderr.slice(-2000)}`);
  return { seconds, stdout, stderr, peakRssKiB: peak };
}

