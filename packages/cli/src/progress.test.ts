import { describe, expect, it } from 'vitest';
import type { ScanProgress } from '@mxray/core';
import { createProgress, progressFields } from './progress.js';

/** A terminal-like stream that keeps what is written, and a clock the test moves. */
function terminal() {
  const out: string[] = [];
  const stream = { isTTY: true, columns: 400, write: (s: string) => out.push(s) > 0, cursorTo() {}, clearLine() {}, moveCursor() {}, on() {}, removeListener() {} } as unknown as NodeJS.WriteStream;
  return { out, stream };
}
const at = (p: Partial<ScanProgress>): ScanProgress => ({ phase: 'reading', files: 4, filesDone: 0, bytes: 100 * 1048576, bytesRead: 0, lines: 0, decodedBytes: 0, ...p });

describe('progress display', () => {
  it('shows the rate, lines and an ETA from the bytes left; no rate or ETA in the first second', () => {
    expect(progressFields(at({ bytesRead: 20 * 1048576, filesDone: 1, lines: 1_500_000, decodedBytes: 80 * 1048576 }), 10)).toMatchObject({
      mib: '20.0',
      totalMib: '100.0',
      rate: '2.0',
      filesDone: 1,
      lines: '1.5M',
      linesRate: '150.0k',
      decoded: '80.0',
      decodedRate: '8.0',
      etaText: '40s',
    });
    expect(progressFields(at({ bytesRead: 1048576 }), 0.01)).toMatchObject({ rate: '-', etaText: '-' });
  });

  it('says each phase after reading once', () => {
    const { out, stream } = terminal();
    const progress = createProgress(stream, true, () => 0);
    progress.update(at({ bytesRead: 1048576 }));
    progress.update(at({ phase: 'detecting', bytesRead: 100 * 1048576 }));
    progress.update(at({ phase: 'detecting', bytesRead: 100 * 1048576 }));
    progress.update(at({ phase: 'writing', bytesRead: 100 * 1048576 }));
    expect(out.join('').match(/mxray: [^\n]*\n/g)).toEqual(['mxray: reading done; finishing detection…\n', 'mxray: writing the outputs…\n']);
    progress.stop();
  });

  it('writes nothing when stderr is no terminal, or when turned off', () => {
    const { out, stream } = terminal();
    createProgress({ ...stream, isTTY: false } as NodeJS.WriteStream, true).update(at({ bytesRead: 5 }));
    createProgress(stream, false).update(at({ bytesRead: 5 }));
    expect(out).toEqual([]);
  });
});
