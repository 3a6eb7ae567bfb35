/**
 * Detection without an output directory: scan, detect, and hand back findings and verdicts as
 * async iterables, for scripts that feed them to their own store. Nothing is written but the
 * spill directory (in the OS temp dir unless `detection.spill` says otherwise), removed at the end.
 */
import type { Finding } from '../finding.js';
import type { AccountVerdict, IpVerdict } from '../verdict/verdicts.js';
import { scan, type ScanHooks, type ScanResult } from './scan.js';
import { resolveScanOptions, type ScanOptions } from './options.js';
import { createDetection, type DetectionSettings } from './detection.js';

export interface InvestigateOptions extends ScanOptions {
  detection?: DetectionSettings;
  onProgress?: ScanHooks['onProgress'];
}

/** One item of an investigation's stream: a finding, then the verdicts (accounts, then IPs). */
export type InvestigationItem =
  | { type: 'finding'; finding: Finding }
  | { type: 'account'; verdict: AccountVerdict }
  | { type: 'ip'; verdict: IpVerdict };

export interface Investigation {
  /** Findings in time order (the order of findings.jsonl). */
  findings(): AsyncIterable<Finding>;
  /** Account verdicts, compromised first (the order of accounts.jsonl). */
  accounts(): AsyncIterable<AccountVerdict>;
  /** IP verdicts, attackers first (the order of ips.jsonl). */
  ips(): AsyncIterable<IpVerdict>;
  /** Everything above in one stream. */
  [Symbol.asyncIterator](): AsyncIterator<InvestigationItem>;
  /** The scan's totals and per-file reports. */
  readonly scan: ScanResult;
}

/**
 * Scans `options.paths` and runs detection. The scan runs once, when this resolves; the
 * iterables can then be read any number of times. Findings and verdicts depend on all the
 * evidence (a baseline, shared addresses), so none can be handed out before the last file is read.
 */
export async function investigate(options: InvestigateOptions): Promise<Investigation> {
  const resolved = resolveScanOptions(options);
  const detection = await createDetection(resolved.window, { ...options.detection, limits: resolved.limits, identities: resolved.identities });
  const result = await scan({ ...options, limits: resolved.limits, identities: resolved.identities }, {
    ...(options.onProgress && { onProgress: options.onProgress }),
    onEvents: (batch) => detection.observeAll(batch),
  });
  const { findings, accounts, ips } = detection.finish();
  const each = async function* <T>(list: readonly T[]): AsyncGenerator<T> {
    yield* list;
  };
  return {
    findings: () => each(findings),
    accounts: () => each(accounts),
    ips: () => each(ips),
    async *[Symbol.asyncIterator]() {
      for (const finding of findings) yield { type: 'finding', finding };
      for (const verdict of accounts) yield { type: 'account', verdict };
      for (const verdict of ips) yield { type: 'ip', verdict };
    },
    scan: result,
  };
}
