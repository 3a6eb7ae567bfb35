/**
 * Byte-level line splitting. Lines are handed out as views into the chunk they came from
 * (no copy, no string) so a parser decodes only what it keeps.
 *
 * An overlong line is never dropped: an overflow exploit is one very long request, so the line
 * itself is evidence. Past `maxLineBytes` we keep a prefix of that size and count the true length.
 */

export interface Line {
  /** The line's bytes without `\n` or a trailing `\r`; a prefix when `truncated`. */
  bytes: Buffer;
  /** 1-based line number within the decoded stream. */
  number: number;
  /** The line's true byte length without its terminator. */
  length: number;
  truncated: boolean;
}

export type LineHandler = (line: Line) => void;

/** 1 MiB: longer than any legitimate log line, short enough to keep a few in memory per worker. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

export class LineSplitter {
  readonly maxLineBytes: number;
  private lineNumber = 0;
  /** Bytes of the current line seen in earlier chunks (at most maxLineBytes are kept). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** True length of the pending line, counting bytes beyond the cap that were not kept. */
  private pendingLength = 0;

  constructor(maxLineBytes: number = DEFAULT_MAX_LINE_BYTES) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) {
      throw new TypeError('Expected `maxLineBytes` to be an integer from 1 and up');
    }
    this.maxLineBytes = maxLineBytes;
  }

  /** Lines completed so far. */
  get lines(): number {
    return this.lineNumber;
  }

  push(chunk: Buffer, onLine: LineHandler): void {
    let start = 0;
    let nl = chunk.indexOf(LF, start);
    while (nl !== -1) {
      if (this.pendingLength > 0) {
        this.keep(chunk, start, nl);
        this.emitPending(onLine, true);
      } else {
        this.emit(chunk, start, nl, nl - start, true, onLine);
      }
      start = nl + 1;
      nl = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) this.keep(chunk, start, chunk.length);
  }

  /** Flushes a last line that had no terminating newline. */
  end(onLine: LineHandler): void {
    if (this.pendingLength > 0) this.emitPending(onLine, false);
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    const room = this.maxLineBytes - this.pendingBytes;
    const take = Math.min(room, end - start);
    if (take > 0) {
      // Copy: the caller may reuse or drop the chunk, and a view would pin the whole of it.
      this.pending.push(Buffer.from(chunk.subarray(start, start + take)));
      this.pendingBytes += take;
    }
    this.pendingLength += end - start;
  }

  private emitPending(onLine: LineHandler, terminated: boolean): void {
    const joined = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    const length = this.pendingLength;
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingLength = 0;
    this.emit(joined, 0, joined.length, length, terminated, onLine);
  }

  /** `terminated`: the line ended with `\n` (a CR before it is part of the line ending). */
  private emit(buf: Buffer, start: number, end: number, length: number, terminated: boolean, onLine: LineHandler): void {
    this.lineNumber++;
    let trueLength = length;
    let stop = Math.min(end, start + this.maxLineBytes);
    // Strip one trailing CR of a CRLF ending, only when we hold the line's real end.
    if (terminated && trueLength <= this.maxLineBytes && stop > start && buf[stop - 1] === CR) {
      stop--;
      trueLength--;
    }
    onLine({
      bytes: buf.subarray(start, stop),
      number: this.lineNumber,
      length: trueLength,
      truncated: trueLength > stop - start,
    });
  }
}
