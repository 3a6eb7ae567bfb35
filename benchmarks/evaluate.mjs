#!/usr/bin/env node
/**
 * Generates the realistic scenario, scans it as a user would (default options) and prints
 * precision and recall per verdict against its ground truth.
 *   node benchmarks/evaluate.mjs [--accounts 20000] [--baseline-days 14] [--window-days 6] [--seed 2024] [--keep DIR] [--json]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { scanToDirectory } from '@mxray/core';
import { generateRealistic } from './lib/realistic.mjs';
import { evaluateVerdicts, formatEvaluation } from './lib/evaluate-verdicts.mjs';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '20000' },
    'baseline-days': { type: 'string', default: '14' },
    'window-days': { type: 'string', default: '6' },
    seed: { type: 'string', default: '2024' },
    keep: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const work = values.keep ?? (await mkdtemp(path.join(tmpdir(), 'mxray-evaluate-')));
try {
  const evidence = path.join(work, 'evidence');
  const out = path.join(work, 'out');
  const t0 = performance.now();
  const truth = await generateRealistic({
    out: evidence,
    accounts: Number(values.accounts),
    baselineDays: Number(values['baseline-days']),
    windowDays: Number(values['window-days']),
    seed: Number(values.seed),
  });
  const t1 = performance.now();
  const { manifest } = await scanToDirectory({ paths: [evidence], out, force: true });
  const t2 = performance.now();
  const evaluation = await evaluateVerdicts(out, truth);
  if (values.json) console.log(JSON.stringify(evaluation, null, 2));
  else {
    console.log(
      `realistic scenario: ${values.accounts} accounts, ${values['baseline-days']}+${values['window-days']} days, seed ${values.seed}: ` +
        `${manifest.totals.lines.toLocaleString('en-US')} lines, ${(manifest.totals.decodedBytes / 1e6).toFixed(1)} MB decoded; ` +
        `generated in ${((t1 - t0) / 1000).toFixed(1)} s, scanned in ${((t2 - t1) / 1000).toFixed(1)} s\n`,
    );
    console.log(formatEvaluation(evaluation));
  }
} finally {
  if (!values.keep) await rm(work, { recursive: true, force: true });
}
