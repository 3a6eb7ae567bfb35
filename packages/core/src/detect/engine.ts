/**
 * Runs detectors over a scan's events. `observe` takes events in any order (files are read in
 * parallel); `finish` runs the detectors in registry order and returns findings in a total
 * order, so the result is the same whatever the concurrency.
 */
import type { MailEvent, EventKind } from '../event.js';
import { InvalidOptionError } from '../errors.js';
import { LoginLedger, DEFAULT_LEDGER_OPTIONS, type LedgerOptions } from '../aggregate/login-ledger.js';
import type { DetectionContext } from './context.js';
import { readTogether, type Detector, type DetectorInstance, type FinishContext } from './detector.js';
import { compareFindings, severityRank, type Finding, type Severity } from '../finding.js';
import { DETECTORS } from './registry.js';
import { SourceFanout } from '../aggregate/source-fanout.js';

export interface DetectionEngineOptions {
  context: DetectionContext;
  /** Detectors to run, in finish order; default: all built-in ones. Add your own here. */
  detectors?: readonly Detector[];
  ledger?: Partial<LedgerOptions>;
}

export interface DetectionResult {
  findings: Finding[];
  ledger: LoginLedger;
  /** What rules said that is no finding, in registry order. */
  warnings: string[];
}

export class DetectionEngine {
  readonly ledger: LoginLedger;
  private readonly instances: Array<{ detector: Detector; instance: DetectorInstance }>;
  private readonly byKind = new Map<EventKind, DetectorInstance[]>();
  private readonly context: DetectionContext;

  constructor(options: DetectionEngineOptions) {
    const ctx = options.context;
    this.context = ctx;
    this.ledger = new LoginLedger(ctx, { ...DEFAULT_LEDGER_OPTIONS, ...options.ledger });
    const detectors = options.detectors ?? DETECTORS;
    const ids = new Set<string>();
    this.instances = detectors.map((detector) => {
      if (ids.has(detector.id)) throw new InvalidOptionError(`two detectors share the id ${detector.id}`);
      ids.add(detector.id);
      const values: Record<string, number> = {};
      for (const [name, spec] of Object.entries(detector.options)) values[name] = spec.default;
      for (const [name, value] of Object.entries(ctx.ruleOptions[detector.id] ?? {})) {
        if (!(name in detector.options)) throw new InvalidOptionError(`rule ${detector.id} has no option ${name}`);
        values[name] = value;
      }
      return { detector, instance: detector.create(values, ctx) };
    });
    for (const { detector, instance } of this.instances) {
      for (const kind of detector.kinds) {
        let list = this.byKind.get(kind);
        if (!list) this.byKind.set(kind, (list = []));
        list.push(instance);
      }
    }
    for (const rule of Object.keys(ctx.ruleOptions)) {
      if (!ids.has(rule)) throw new InvalidOptionError(`unknown rule ${rule}`);
    }
  }

  observe(event: MailEvent): void {
    this.ledger.observe(event);
    const list = this.byKind.get(event.kind);
    if (list) for (const d of list) d.observe(event);
  }

  observeAll(events: readonly MailEvent[]): void {
    for (const e of events) this.observe(e);
  }

  finish(): DetectionResult {
    const findings: Finding[] = [];
    const ledger = this.ledger;
    let ledgerResolved = false;
    let fanout: SourceFanout | undefined;
    const warnings: string[] = [];
    const flaggedIps = (min: Severity): Set<string> => {
      const out = new Set<string>();
      for (const f of findings) if (f.ip !== null && severityRank(f.severity) >= severityRank(min)) out.add(f.ip);
      return out;
    };
    const exploitSources = (): Map<string, number[]> => {
      const out = new Map<string, number[]>();
      for (const f of findings) {
        if (f.ip === null || !f.rule.startsWith('web.') || severityRank(f.severity) < severityRank('high')) continue;
        const times = out.get(f.ip);
        if (times) times.push(f.time);
        else out.set(f.ip, [f.time]);
      }
      return out;
    };
    const ctx: FinishContext = {
      findings,
      flaggedIps,
      exploitSources,
      warn: (message) => warnings.push(message),
      get fanout() {
        fanout ??= SourceFanout.fromLedger(this.logins);
        return fanout;
      },
      get logins() {
        // Resolved once, after the rules before the first reader: exploit sources are never
        // learned as webmail hosts.
        if (!ledgerResolved) {
          ledger.resolve(flaggedIps('medium'));
          ledgerResolved = true;
        }
        return ledger;
      },
    };
    try {
      // Rules that read every account's logins, when they follow each other, share one pass of
      // the ledger: materializing every login was a fifth of the finish, once per rule.
      for (let i = 0; i < this.instances.length; ) {
        const group: DetectorInstance[] = [];
        for (let j = i; j < this.instances.length && this.instances[j]!.instance.readLogins; j++) group.push(this.instances[j]!.instance);
        if (group.length === 0) {
          findings.push(...this.instances[i]!.instance.finish(ctx));
          i++;
          continue;
        }
        readTogether(group.map((d) => d.readLogins!(ctx)), ctx, findings);
        i += group.length;
      }
      // Resolved here if no rule read the logins: the webmail hosts are asked for after the end.
      void ctx.logins;
    } finally {
      // The detectors were the last readers of spilled records.
      this.context.spill.dispose();
    }
    findings.sort(compareFindings);
    return { findings, ledger, warnings };
  }
}
