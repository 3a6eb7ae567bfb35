import { afterEach, describe, expect, it, vi } from 'vitest';
import { DetectionEngine } from './engine.js';
import { createDetectionContext } from './context.js';
import { DETECTORS } from './registry.js';
import type { Detector } from './detector.js';
import { LoginLedger } from '../aggregate/login-ledger.js';
import type { GeoLookup } from '../enrich/geo.js';
import { failure, habits, login, request, DAY, HOUR, SINCE } from '../../../../test/helpers/detection.js';

const ATTACKER = '203.0.113.66';
/** Countries by the last octet and networks by the first, so that travel and new sources have something to find. */
const geo: GeoLookup = { sources: ['test'], lookup: (ip) => ({ country: Number(ip.split('.').pop()) % 2 ? 'JP' : 'US', asn: 64_000 + Number(ip.split('.')[0]) }) };

/** The same rules without their login readers: each reads the ledger in a pass of its own. */
const alone = (d: Detector): Detector => ({
  ...d,
  create(options, ctx) {
    const instance = d.create(options, ctx);
    return { observe: (e) => instance.observe(e), finish: (f) => instance.finish(f) };
  },
});

const events = [
  ...habits('taro@example.jp', '198.51.100.10'),
  ...habits('hanako@example.jp', '198.51.100.11'),
  request(HOUR, ATTACKER, `/am_bin/amlogin?${'%90'.repeat(3000)}`, { status: 500 }),
  login(2 * HOUR, 'taro@example.jp', ATTACKER),
  login(2 * HOUR + 600_000, 'hanako@example.jp', '192.0.2.12'),
  login(2 * HOUR + 1_800_000, 'taro@example.jp', '198.51.100.13'),
  ...Array.from({ length: 30 }, (_, i) => failure(3 * HOUR + i * 1000, `user${i}@example.jp`, '192.0.2.99')),
  ...Array.from({ length: 12 }, (_, i) => failure(4 * HOUR + i * 1000, 'jiro@example.jp', '192.0.2.77')),
  login(4 * HOUR + 20_000, 'jiro@example.jp', '192.0.2.77'),
  login(DAY, 'user3@example.jp', '192.0.2.99'),
];

const run = (detectors: readonly Detector[]) => {
  const engine = new DetectionEngine({ context: createDetectionContext({ window: { since: SINCE, until: Infinity }, geo }), detectors });
  for (const e of events) engine.observe(e);
  return engine.finish();
};

afterEach(() => vi.restoreAllMocks());

describe('the engine', () => {
  it('feeds the rules that read logins from one pass of the ledger, with the findings and warnings of a pass each', () => {
    const passes = vi.spyOn(LoginLedger.prototype, 'byAccount');
    const shared = run(DETECTORS);
    const sharedPasses = passes.mock.calls.length;
    passes.mockClear();
    const separate = run(DETECTORS.map(alone));
    expect(shared.findings).toEqual(separate.findings);
    expect(shared.warnings).toEqual(separate.warnings);
    expect(new Set(shared.findings.map((f) => f.rule))).toEqual(new Set(['web.overflow-request', 'auth.ioc-source', 'auth.spray', 'auth.bruteforce', 'auth.new-source', 'auth.impossible-travel']));
    // One pass for every reader (the fan-out of addresses reads the records, not the logins), against one per reader.
    expect(sharedPasses).toBe(1);
    expect(passes.mock.calls.length).toBeGreaterThan(4);
  });
});
