#!/usr/bin/env node
/**
 * Writes a synthetic mail archive at any scale, streaming (a multi-GB archive never sits in memory).
 *   node benchmarks/archive.mjs --out /tmp/iij --accounts 4072650 --days 1
 * Options: --hosts N (mail hosts, default 4), --seed N, --baseline-days N (default 1 when --days > 1),
 * --compression zst|gz|mixed|none (default zst). Ground truth goes to OUT.truth.json, beside the archive.
 */
import { parseArgs } from 'node:util';
import { writeArchive, attackedAccounts, writeTruth } from './lib/archive.mjs';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    accounts: { type: 'string', default: '100000' },
    days: { type: 'string', default: '1' },
    hosts: { type: 'string', default: '4' },
    seed: { type: 'string', default: '1' },
    'baseline-days': { type: 'string' },
    compression: { type: 'string', default: 'zst' },
    quiet: { type: 'boolean', default: false },
  },
});
if (!values.out || !['zst', 'gz', 'mixed', 'none'].includes(values.compression)) {
  console.error('usage: archive.mjs --out DIR [--accounts N] [--days N] [--hosts N] [--seed N] [--baseline-days N] [--compression zst|gz|mixed|none]');
  process.exit(2);
}
const options = {
  accounts: Number(values.accounts),
  days: Number(values.days),
  hosts: Number(values.hosts),
  seed: Number(values.seed),
  compression: values.compression,
  ...(values['baseline-days'] !== undefined && { baselineDays: Number(values['baseline-days']) }),
};
const started = performance.now();
const truth = await writeArchive(values.out, options, (name, lines) => {
  if (!values.quiet) process.stderr.write(`  ${name}: ${lines.toLocaleString('en-US')} lines\n`);
});
truth.compromised = attackedAccounts(options);
await writeTruth(`${values.out.replace(/\/$/, '')}.truth.json`, truth);
console.log(`wrote ${values.out}: ${truth.files.length} files, ${truth.lines.toLocaleString('en-US')} lines, ${truth.compromised.length} attacked accounts in ${((performance.now() - started) / 1000).toFixed(1)} s`);
