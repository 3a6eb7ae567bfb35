import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scanToDirectory } from '@mxray/core';
// @ts-expect-error: plain JS module shared with the benchmarks
import { generateRealistic } from '../benchmarks/lib/realistic.mjs';
// @ts-expect-error: plain JS module shared with the benchmarks
import { evaluateVerdicts, formatEvaluation } from '../benchmarks/lib/evaluate-verdicts.mjs';

interface Rates {
  predicted: number;
  precision: number;
  recall: number;
  falsePositives: string[];
  missed: string[];
}
interface Evaluation {
  compromised: Rates;
  targeted: Rates;
  attackerIps: Rates;
  exploitIps: Array<{ ip: string; verdict: string; severity: string }>;
  overflowFound: number;
  overflowInjected: number;
  benignLongRequests: number;
  benignLongAboveLow: number;
  travellers: number;
  travellersAboveLow: string[];
  findingsBeforeCutoff: number;
  baselineOverflowReported: number;
}

let work: string;
let evaluation: Evaluation;
let out: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'mxray-realistic-'));
  const evidence = path.join(work, 'evidence');
  out = path.join(work, 'out');
  const truth = await generateRealistic({ out: evidence, accounts: 1200, baselineDays: 10, windowDays: 6, seed: 7 });
  await scanToDirectory({ paths: [evidence], out, concurrency: 2 });
  evaluation = (await evaluateVerdicts(out, truth)) as Evaluation;
  // The table, for whoever reads a failing CI log.
  console.log(formatEvaluation(evaluation));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

// The targets on the realistic scenario (NAT, CGNAT, renumbering, travellers, Tor, scanners).
describe('verdicts on a realistic scenario with ground truth', () => {
  it('compromised accounts: precision at least 0.9 at recall at least 0.95', () => {
    expect(evaluation.compromised.precision, `false positives ${evaluation.compromised.falsePositives.join(', ')}`).toBeGreaterThanOrEqual(0.9);
    expect(evaluation.compromised.recall, `missed ${evaluation.compromised.missed.join(', ')}`).toBeGreaterThanOrEqual(0.95);
  });

  it('every exploit source is an attacker at high or above; the block list holds only attackers', async () => {
    for (const { ip, verdict, severity } of evaluation.exploitIps) {
      expect(verdict, ip).toBe('attacker');
      expect(['high', 'critical'], ip).toContain(severity);
    }
    expect(evaluation.attackerIps.precision).toBe(1);
    const blockList = (await readFile(path.join(out, 'pivot', 'ips.txt'), 'utf8')).trim().split('\n');
    expect(blockList).toHaveLength(evaluation.attackerIps.predicted);
  });

  it('finds at least 95% of the overflow requests at high or above', () => {
    expect(evaluation.overflowFound / evaluation.overflowInjected).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps every benign long request and every traveller at low or below', () => {
    expect(evaluation.benignLongRequests).toBeGreaterThan(10);
    expect(evaluation.benignLongAboveLow).toBe(0);
    expect(evaluation.travellers).toBeGreaterThan(5);
    expect(evaluation.travellersAboveLow).toEqual([]);
  });

  it('reports nothing before --since, and the reset list is the compromised accounts', async () => {
    expect(evaluation.findingsBeforeCutoff).toBe(0);
    expect(evaluation.baselineOverflowReported).toBe(0);
    const resetList = (await readFile(path.join(out, 'pivot', 'accounts.txt'), 'utf8')).trim().split('\n');
    expect(resetList).toHaveLength(evaluation.compromised.predicted);
  });

  it('targeted accounts are the ones a stuffer only tried, not names that never logged in', () => {
    expect(evaluation.targeted.precision).toBeGreaterThanOrEqual(0.95);
    expect(evaluation.targeted.recall).toBeGreaterThanOrEqual(0.9);
  });
});
