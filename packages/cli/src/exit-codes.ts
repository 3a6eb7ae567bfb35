/** Exit codes (DESIGN §5), mapped from error codes in one place. */
import { isUsageError } from '@mxray/core';

export const EXIT = {
  ok: 0,
  /** A finding at or above `--fail-on`. */
  findings: 1,
  usage: 2,
  /** An error, or a scan that means nothing: no readable input, no parsed line. */
  fatal: 3,
  /** Ctrl-C or SIGTERM: outputs cover what was read, the manifest says `complete: false`. */
  interrupted: 4,
  /** `--strict`: some input could not be read completely. */
  incomplete: 5,
} as const;

export function exitCodeFor(error: unknown): number {
  return isUsageError(error) ? EXIT.usage : EXIT.fatal;
}
