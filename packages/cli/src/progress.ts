/** A progress bar on stderr when it is a terminal; nothing otherwise (logs and pipes stay clean). */
import cliProgress from 'cli-progress';
import type { ScanProgress } from '@mxray/core';

export interface ProgressDisplay {
  update(p: ScanProgress): void;
  stop(): void;
}

const QUIET: ProgressDisplay = { update() {}, stop() {} };

export function createProgress(stream: NodeJS.WriteStream, enabled: boolean): ProgressDisplay {
  if (!enabled || !stream.isTTY) return QUIET;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'scanning [{bar}] {percentage}% | {mib}/{totalMib} MiB | files {filesDone}/{files} | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const payload = {
        mib: (p.bytesRead / 1048576).toFixed(1),
        totalMib: (p.bytes / 1048576).toFixed(1),
        filesDone: p.filesDone,
        files: p.files,
      };
      if (!started) {
        bar.start(Math.max(p.bytes, 1), 0, payload);
        started = true;
      }
      bar.update(Math.min(p.bytesRead, p.bytes), payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
