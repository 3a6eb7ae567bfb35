/**
 * Whether a scan saw enough evidence to mean anything. A wrong mount point, an empty folder or
 * a folder of files nothing can parse must not end in "scan complete" with no findings: that
 * reads as a clean bill of health.
 */
import type { Manifest } from './manifest.js';

export interface EvidenceAssessment {
  /** Why the scan means nothing (no readable input, no parsed line); undefined when it means something. */
  fatal?: string;
  /** What weakens it: inputs that failed, no baseline, nothing in the window. */
  warnings: string[];
  /** Inputs that failed to read (not counting files an interrupt left unread). */
  failedInputs: number;
}

export function assessEvidence(manifest: Manifest): EvidenceAssessment {
  const t = manifest.totals;
  const warnings: string[] = [];
  const read = manifest.inputs.filter((i) => !i.error?.startsWith('not scanned'));
  const failed = read.filter((i) => i.error !== undefined && !i.error.startsWith('interrupted'));
  let fatal: string | undefined;
  if (manifest.inputs.length === 0) {
    fatal = `no input file found under ${manifest.args.paths.join(', ')}${manifest.skipped.length ? ` (${manifest.skipped.length} skipped: see manifest.json)` : ''}; wrong path or mount point?`;
  } else if (read.length > 0 && failed.length === read.length) {
    fatal = `none of the ${read.length} input file(s) could be read (first: ${failed[0]!.path}: ${failed[0]!.error}); see manifest.json`;
  } else if (manifest.complete && t.events === 0) {
    fatal = `${t.lines.toLocaleString('en-US')} line(s) read and none parsed as a known log format (mxray formats lists them; --format forces one); wrong files?`;
  }
  if (!fatal) {
    if (failed.length > 0) warnings.push(`${failed.length} of ${manifest.inputs.length} input file(s) had errors; their evidence may be missing (see problems; --strict makes this an error)`);
    if (t.baselineEvents === 0 && t.events > 0) warnings.push('no events before --since: rules that learn from the baseline (new source, mass download, send burst, usual request lengths) are blind; add older logs or move --since');
    if (t.windowEvents === 0 && t.events > 0) warnings.push('no events in the investigation window: nothing after --since was judged');
  }
  return { ...(fatal !== undefined && { fatal }), warnings, failedInputs: failed.length };
}
