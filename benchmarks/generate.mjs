#!/usr/bin/env node
/**
 * Writes the realistic incident archive (benchmarks/lib/realistic.mjs) with its ground truth.
 *   node benchmarks/generate.mjs --out /tmp/case --accounts 20000 --baseline-days 14 --window-days 6 --seed 2024
 * The ground truth goes to OUT.truth.json, beside the archive (never inside the evidence).
 * `node benchmarks/evaluate.mjs` generates, scans and scores in one step.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { generateRealistic } from './lib/realistic.mjs';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    accounts: { type: 'string', default: '20000' },
    'baseline-days': { type: 'string', default: '14' },
    'window-days': { type: 'string', default: '6' },
    seed: { type: 'string', default: '2024' },
  },
});
if (!values.out) {
  console.error('usage: generate.mjs --out DIR [--accounts N] [--baseline-days N] [--window-days N] [--seed N]');
  process.exit(2);
}
const truth = await generateRealistic({
  out: values.out,
  accounts: Number(values.accounts),
  baselineDays: Number(values['baseline-days']),
  windowDays: Number(values['window-days']),
  seed: Number(values.seed),
});
await writeFile(`${values.out.replace(/\/$/, '')}.truth.json`, `${JSON.stringify(truth, null, 2)}\n`);
console.log(`wrote ${values.out}: ${truth.compromised.length} compromised accounts, ${truth.overflowRequests.length} overflow requests, ${truth.benignLongRequests.length} benign long requests`);
