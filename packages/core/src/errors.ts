/**
 * Every error mxray throws on purpose, in one module (as undici does), each with a stable `code`.
 * A malformed log line is data, not an exception: these are for misuse and I/O only.
 */

export type MxrayErrorCode =
  | 'MXRAY_INVALID_OPTION'
  | 'MXRAY_NO_INPUT'
  | 'MXRAY_OUT_NOT_EMPTY'
  | 'MXRAY_OUT_INSIDE_INPUT'
  | 'MXRAY_WRITE_FAILED'
  | 'MXRAY_UNKNOWN_FORMAT'
  | 'MXRAY_WORKER_FAILED'
  | 'MXRAY_SPILL_DISPOSED'
  /** A ClickHouse warehouse failed or holds something mxray cannot use. */
  | 'MXRAY_WAREHOUSE'
  | 'MXRAY_WAREHOUSE_UNREACHABLE'
  | 'MXRAY_WAREHOUSE_AUTH'
  /** A shard behind the cluster's Distributed tables did not answer: no partial result. */
  | 'MXRAY_WAREHOUSE_SHARD_DOWN';

export class MxrayError extends Error {
  readonly code: MxrayErrorCode;
  constructor(code: MxrayErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MxrayError';
    this.code = code;
  }
}

/** A caller passed an option mxray cannot use; the CLI maps it to exit code 2. */
export class InvalidOptionError extends MxrayError {
  constructor(message: string) {
    super('MXRAY_INVALID_OPTION', message);
    this.name = 'InvalidOptionError';
  }
}

/** Whether an error is a usage error (exit 2) rather than a fatal one (exit 3). */
export function isUsageError(error: unknown): boolean {
  return (
    error instanceof MxrayError &&
    (error.code === 'MXRAY_INVALID_OPTION' ||
      error.code === 'MXRAY_NO_INPUT' ||
      error.code === 'MXRAY_OUT_NOT_EMPTY' ||
      error.code === 'MXRAY_OUT_INSIDE_INPUT' ||
      error.code === 'MXRAY_UNKNOWN_FORMAT')
  );
}
