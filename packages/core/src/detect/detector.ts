/**
 * A detector is one file: a stable id, a title, a default severity, a description, known false
 * positives, options with defaults, and per-key state fed by every event. Events arrive in no
 * particular order (files are read in parallel), so state must not depend on order; findings are
 * produced once, in `finish`, and the engine sorts them.
 */
import type { MailEvent } from '../event.js';
import type { Finding, Severity } from '../finding.js';
import type { DetectionContext } from './context.js';
import type { Login, LoginLedger } from '../aggregate/login-ledger.js';
import type { SourceFanout } from '../aggregate/source-fanout.js';

export interface OptionSpec {
  default: number;
  description: string;
}

export type OptionValues<O extends Record<string, OptionSpec>> = { [K in keyof O]: number };

export interface FinishContext {
  /** Findings of the detectors that finished before this one (registry order). */
  readonly findings: readonly Finding[];
  /** Successful logins, with webmail-proxied ones tied to their client IP. */
  readonly logins: LoginLedger;
  /** IPs that earlier findings in the window flagged at `min` severity or above. */
  flaggedIps(min: Severity): Set<string>;
  /**
   * IPs whose exploit evidence (the web rules' findings) is high or above, with the times of
   * that traffic: the only sources whose logins are attributed to the attacker without more.
   */
  exploitSources(): Map<string, number[]>;
  /** Distinct accounts per address in the baseline: shared addresses (NAT, CGNAT, proxies) need corroboration. */
  readonly fanout: SourceFanout;
  /** Something the responder must know that is no finding (e.g. exploit traffic just before --since). */
  warn(message: string): void;
}

export interface DetectorInstance {
  observe(event: MailEvent): void;
  finish(ctx: FinishContext): Finding[];
  /**
   * For a rule that reads every account's logins: a reader the engine feeds in one pass shared
   * with the other such rules, instead of each making every login again (`finish` is then
   * `finishByReading`). Readers of one pass see the findings of the rules before the pass.
   */
  readLogins?(ctx: FinishContext): LoginReader;
}

/** A rule's reading of the ledger: each account's logins in turn, then its findings. */
export interface LoginReader {
  account(account: string, logins: readonly Login[]): void;
  finish(): Finding[];
}

const skipAccount = (): void => undefined;

/** A reader with nothing to look for in the logins, and these findings: the pass leaves it out. */
export function noReading(findings: Finding[] = []): LoginReader {
  return { account: skipAccount, finish: () => findings };
}

/** Whether a reader looks at logins at all (see `noReading`). */
export function reads(reader: LoginReader): boolean {
  return reader.account !== skipAccount;
}

/**
 * One pass of the ledger for these readers (none when no reader looks at logins); then each
 * reader's findings go to `into` in turn, before the next reader finishes.
 */
export function readTogether(readers: readonly LoginReader[], ctx: FinishContext, into: Finding[]): void {
  const reading = readers.filter(reads);
  if (reading.length > 0) for (const [account, logins] of ctx.logins.byAccount()) for (const r of reading) r.account(account, logins);
  for (const r of readers) into.push(...r.finish());
}

/** `finish` of a rule with a login reader, run on its own: one pass of the ledger for it alone. */
export function finishByReading(instance: Pick<DetectorInstance, 'readLogins'>, ctx: FinishContext): Finding[] {
  const findings: Finding[] = [];
  readTogether([instance.readLogins!(ctx)], ctx, findings);
  return findings;
}

export interface Detector<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly description: string;
  readonly falsePositives: readonly string[];
  readonly options: O;
  /** Event kinds it reads; the engine only hands it those. */
  readonly kinds: ReadonlyArray<MailEvent['kind']>;
  create(options: OptionValues<O>, ctx: DetectionContext): DetectorInstance;
}

/** Identity helper that keeps a detector's option types. */
export function defineDetector<O extends Record<string, OptionSpec>>(d: Detector<O>): Detector<O> {
  return d;
}
