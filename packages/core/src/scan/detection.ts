/**
 * Detection for one scan: the engine, the per-account counters and the correlation, configured
 * from user settings (lists, webmail hosts, GeoIP, per-rule options).
 */
import type { MailEvent } from '../event.js';
import type { EventBatch } from '../report/event-batch.js';
import type { TimeWindow } from '../time/window.js';
import type { DetectionSummary } from '../report/manifest.js';
import { createDetectionContext } from '../detect/context.js';
import { DetectionEngine } from '../detect/engine.js';
import type { Detector } from '../detect/detector.js';
import { DETECTORS } from '../detect/registry.js';
import { SEVERITIES, type Finding, type Severity } from '../finding.js';
import { AccountActivity } from '../aggregate/account-activity.js';
import { reachVerdicts, type AccountVerdict, type IpVerdict } from '../verdict/verdicts.js';
import { loadGeo, type GeoLookup, type GeoOptions } from '../enrich/geo.js';
import { KeyLimits } from '../aggregate/bounded-map.js';
import type { Identities } from '../aggregate/identities.js';
import type { SpillArea, SpillOptions } from '../aggregate/account-spill.js';

export interface DetectionSettings {
  /** CIDRs/IPs never flagged for access. */
  trustedNets?: readonly string[];
  /** CIDRs/IPs known to be hostile. */
  ioc?: readonly string[];
  /** Webmail servers that log into IMAP for users (more are learned from the baseline). */
  webmailHosts?: readonly string[];
  /**
   * IP enrichment: a ready lookup, options for the packaged/user databases, or false for none.
   * Default: the packaged databases.
   */
  geo?: GeoLookup | GeoOptions | false;
  /** `{ 'auth.spray': { minAccounts: 20 } }` */
  ruleOptions?: Record<string, Record<string, number>>;
  /** Detectors to run, in order; default all built-in ones. */
  detectors?: readonly Detector[];
  /** Caps on per-key state; default 2,000,000 keys per structure. */
  limits?: KeyLimits;
  /** The scan's identity tables (a scan passes its own, so state shares its ids); default new ones. */
  identities?: Identities;
  /**
   * Where logins, sessions and messages go once they pass a memory budget (default 128 MiB, in
   * a new directory of the OS temp dir; scanToDirectory makes it in --out). Removed when finish
   * ends.
   */
  spill?: SpillArea | SpillOptions;
}


export interface Detection {
  observeAll(events: readonly MailEvent[]): void;
  /**
   * `observeAll` of a batch's events, with each event's keys in the detection's tables primed
   * first (`Identities.prime`): the ledger, the rules and the activity counters each look the
   * same account and address up, and the batch has the ids already.
   */
  observeBatch(batch: EventBatch): void;
  finish(): { findings: Finding[]; accounts: AccountVerdict[]; ips: IpVerdict[] };
  describe(findings: readonly Finding[]): DetectionSummary;
}

export async function createDetection(window: TimeWindow, settings: DetectionSettings): Promise<Detection> {
  const detectors = settings.detectors ?? DETECTORS;
  const limits = settings.limits ?? new KeyLimits();
  const g = settings.geo;
  const geo = g === false ? undefined : g !== undefined && 'lookup' in g ? g : await loadGeo(g ?? {});
  const context = createDetectionContext({
    window,
    ...(settings.trustedNets && { trustedNets: settings.trustedNets }),
    ...(settings.ioc && { ioc: settings.ioc }),
    ...(settings.webmailHosts && { webmailHosts: settings.webmailHosts }),
    ...(geo && { geo }),
    ...(settings.ruleOptions && { ruleOptions: settings.ruleOptions }),
    limits,
    ...(settings.identities && { identities: settings.identities }),
    ...(settings.spill && { spill: settings.spill }),
  });
  const engine = new DetectionEngine({ context, detectors });
  const activity = new AccountActivity(context.identities, limits);
  let hosts: string[] = [];
  let warnings: string[] = [];
  const observe = (e: MailEvent): void => {
    engine.observe(e);
    activity.observe(e);
  };
  return {
    observeAll(events) {
      for (const e of events) observe(e);
    },
    observeBatch(batch) {
      const identities = context.identities;
      const keys = batch.keys(identities);
      const events = batch.events;
      for (let i = 0; i < events.length; i++) {
        identities.prime(events[i]!, keys, i);
        observe(events[i]!);
      }
    },
    finish() {
      const { findings, ledger, warnings: said } = engine.finish();
      hosts = [...ledger.webmailHosts()].sort();
      warnings = said;
      return { findings, ...reachVerdicts(findings, activity, geo) };
    },
    describe(findings) {
      const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
      const byRule: Record<string, number> = Object.fromEntries(detectors.map((d) => [d.id, 0]));
      for (const f of findings) {
        bySeverity[f.severity]++;
        byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
      }
      return { rules: detectors.map((d) => d.id), findings: findings.length, bySeverity, byRule, webmailHosts: hosts, geo: [...(geo?.sources ?? [])], warnings };
    },
  };
}
