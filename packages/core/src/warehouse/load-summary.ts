/** What `mxray load` prints: files loaded, skipped and unfinished, and the records sent. */
import { escapeForTerminal } from '../report/terminal-summary.js';
import type { LoadResult } from './load.js';

export function formatLoadSummary(result: LoadResult): string {
  const by = (status: string) => result.files.filter((f) => f.status === status);
  const loaded = by('loaded');
  const skipped = by('skipped');
  const unfinished = by('unfinished');
  const lines = [
    `mxray load on ${escapeForTerminal(result.machine)}: ${loaded.length} file(s) loaded, ${result.records} record(s) inserted; ${skipped.length} skipped, ${unfinished.length} unfinished`,
  ];
  for (const f of skipped) lines.push(`  skipped ${escapeForTerminal(`${f.root}/${f.path}`)}: ${escapeForTerminal(f.reason ?? '')}`);
  for (const f of unfinished) lines.push(`  unfinished ${escapeForTerminal(`${f.root}/${f.path}`)}: ${escapeForTerminal(f.reason ?? '')}`);
  for (const f of loaded) if (f.report.error !== undefined) lines.push(`  problem in ${escapeForTerminal(`${f.root}/${f.path}`)}: ${escapeForTerminal(f.report.error)} (loaded what was read)`);
  return `${lines.join('\n')}\n`;
}
