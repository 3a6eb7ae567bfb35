#!/usr/bin/env node
/**
 * Writes a synthetic incident archive with ground truth.
 *   node benchmarks/generate.mjs --out /tmp/case --accounts 2000 --baseline-days 10 --window-days 5 --seed 42
 * The ground truth goes to OUT.truth.json, beside the archive (never inside the evidence).
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { generateScenario } from './lib/scenario.mjs';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    accounts: { type: 'string', default: '2000' },
    'baseline-days': { type: 'string', default: '10' },
    'window-days': { type: 'string', default: '5' },
    seed: { type: 'string', default: '42' },
  },
});
if (!values.out) {
  console.error('usage: generate.mjs --out DIR [--accounts N] [--baseline-days N] [--window-days N] [--seed N]');
  process.exit(2);
}
const truth = await generateScenario({
  out: values.out,
  accounts: Number(values.accounts),
  baselineDays: Number(values['baseline-days']),
  windowDays: Number(values['window-days']),
  seed: Number(values.seed),
});
await writeFile(`${values.out.replace(/\/$/, '')}.truth.json`, `${JSON.stringify(truth, null, 2)}\n`);
console.log(`wrote ${values.out}: ${truth.compromised.length} compromised accounts, ${truth.overflowRequests.length} overflow requests`);
