import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scanToDirectory, severityRank } from '@mxray/core';
// @ts-expect-error: plain JS module shared with the benchmarks
import { generateScenario } from '../benchmarks/lib/scenario.mjs';
// @ts-expect-error: plain JS module shared with the benchmarks
import { evaluate } from '../benchmarks/lib/evaluate.mjs';
import { SAMPLES } from './helpers/corpus.js';

interface Truth {
  attackerIps: string[];
  compromised: string[];
}
interface Score {
  recall: number;
  precision: number;
  attackerIps: Array<{ ip: string; severity: string }>;
  overflowFound: number;
  overflowInjected: number;
  findingsBeforeCutoff: number;
  baselineOverflowReported: number;
  missed: string[];
  falsePositives: string[];
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'mxray-scenario-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('generated incident with ground truth', () => {
  it('finds every attacker IP, the overflow requests and the compromised accounts, and nothing before --since', async () => {
    const evidence = path.join(work, 'evidence');
    const truth = (await generateScenario({ out: evidence, accounts: 2000, baselineDays: 10, windowDays: 5, seed: 7 })) as Truth;
    const out = path.join(work, 'out');
    await scanToDirectory({ paths: [evidence], out, concurrency: 2 });
    const score = (await evaluate(out, truth, 'medium')) as Score;
    for (const { ip, severity } of score.attackerIps) {
      expect(severity, ip).not.toBe('none');
      expect(severityRank(severity as 'high'), ip).toBeGreaterThanOrEqual(severityRank('high'));
    }
    expect(score.overflowFound / score.overflowInjected).toBeGreaterThanOrEqual(0.95);
    expect(score.recall, `missed ${score.missed.join(', ')}`).toBeGreaterThanOrEqual(0.9);
    expect(score.precision, `false positives ${score.falsePositives.join(', ')}`).toBeGreaterThanOrEqual(0.8);
    expect(score.findingsBeforeCutoff).toBe(0);
    expect(score.baselineOverflowReported).toBe(0);
  });
});

describe('samples', () => {
  it('tell the attack story and nothing else above low', async () => {
    const out = path.join(work, 'samples');
    const { accounts, ips, findings } = await scanToDirectory({ paths: [SAMPLES], out });
    const above = (s: string) => severityRank(s as 'low') > severityRank('low');
    expect(accounts.filter((a) => above(a.severity)).map((a) => a.account).sort()).toEqual([
      'hanako@example.jp',
      'jiro@example.co.jp',
      'taro@example.co.jp',
      'yuki@example.jp',
    ]);
    expect(ips.filter((v) => above(v.severity)).map((v) => [v.ip, v.severity])).toEqual([['203.0.113.66', 'critical']]);
    const exploit = findings.filter((f) => f.rule.startsWith('web.overflow') && above(f.severity));
    expect(exploit.length).toBe(5);
    expect(exploit.every((f) => f.ip === '203.0.113.66' && f.time >= Date.parse('2024-08-03T00:00:00+09:00'))).toBe(true);
    expect((await readFile(path.join(out, 'pivot', 'ips.txt'), 'utf8'))).toBe('203.0.113.66\n');
    expect((await readFile(path.join(out, 'pivot', 'accounts.txt'), 'utf8')).trim().split('\n')).toHaveLength(4);
  });
});
