/**
 * Progress on stderr when it is a terminal; nothing otherwise (logs and pipes stay clean). It
 * tells the truth: the phase, raw MiB read and its rate, files and lines done, decoded MiB, and an
 * ETA from the bytes left at the rate so far.
 */
import cliProgress from 'cli-progress';
import type { ScanProgress } from '@mxray/core';

export interface ProgressDisplay {
  update(p: ScanProgress): void;
  stop(): void;
}

const QUIET: ProgressDisplay = { update() {}, stop() {} };

const MiB = 1048576;

function compact(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

/** The bar's fields for `p`, `seconds` after reading started. */
export function progressFields(p: ScanProgress, seconds: number): Record<string, string | number> {
  const rate = p.bytesRead / MiB / Math.max(seconds, 0.001);
  const left = Math.max(p.bytes - p.bytesRead, 0) / MiB;
  // The first second's rate is noise (one chunk read in no time).
  const known = seconds >= 1 && rate > 0;
  return {
    phase: 'reading',
    mib: (p.bytesRead / MiB).toFixed(1),
    totalMib: (p.bytes / MiB).toFixed(1),
    rate: known ? rate.toFixed(1) : '-',
    filesDone: p.filesDone,
    files: p.files,
    lines: compact(p.lines),
    // Lines and decoded bytes are counted as files end, so their rates move in steps.
    linesRate: known ? compact(Math.round(p.lines / seconds)) : '-',
    decoded: (p.decodedBytes / MiB).toFixed(1),
    decodedRate: known ? (p.decodedBytes / MiB / seconds).toFixed(1) : '-',
    etaText: known ? `${Math.ceil(left / rate)}s` : '-',
  };
}

export function createProgress(stream: NodeJS.WriteStream, enabled: boolean, now: () => number = Date.now): ProgressDisplay {
  if (!enabled || !stream.isTTY) return QUIET;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{phase} [{bar}] {percentage}% | {mib}/{totalMib} MiB read, {rate} MiB/s | files {filesDone}/{files} | {lines} lines ({linesRate}/s), {decoded} MiB decoded ({decodedRate} MiB/s) | ETA {etaText}',
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started: number | undefined;
  let running = false;
  let phase: ScanProgress['phase'] = 'reading';
  return {
    update(p) {
      if (p.phase !== 'reading') {
        // Reading is done: the bar goes, and the phase is one line (detection can take a while at scale).
        if (p.phase !== phase) {
          if (running) bar.stop();
          running = false;
          stream.write(`mxray: ${p.phase === 'detecting' ? 'reading done; finishing detection' : 'writing the outputs'}…\n`);
        }
        phase = p.phase;
        return;
      }
      const t = now();
      started ??= t;
      const payload = progressFields(p, (t - started) / 1000);
      if (!running) {
        bar.start(Math.max(p.bytes, 1), 0, payload);
        running = true;
      }
      bar.update(Math.min(p.bytesRead, p.bytes), payload);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
