/** Scores a scan's outputs against a scenario's ground truth (recall, precision, per IP). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const RANK = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
const jsonl = async (file) => (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));

export async function evaluate(outDir, truth, minSeverity = 'medium') {
  const findings = await jsonl(path.join(outDir, 'findings.jsonl'));
  const accounts = await jsonl(path.join(outDir, 'accounts.jsonl'));
  const ips = await jsonl(path.join(outDir, 'ips.jsonl'));
  const flagged = new Set(accounts.filter((a) => RANK[a.severity] >= RANK[minSeverity]).map((a) => a.account));
  const compromised = new Set(truth.compromised);
  const tp = [...flagged].filter((a) => compromised.has(a)).length;
  const ipSeverity = new Map(ips.map((v) => [v.ip, v.severity]));
  const key = (s) => `${s.file}:${s.line}`;
  const webFindings = new Set(findings.filter((f) => f.rule.startsWith('web.overflow')).map((f) => key(f.source)));
  const cutoff = Date.parse(truth.cutoff);
  return {
    compromised: compromised.size,
    flagged: flagged.size,
    truePositives: tp,
    recall: tp / compromised.size,
    precision: flagged.size ? tp / flagged.size : 1,
    falsePositives: [...flagged].filter((a) => !compromised.has(a)).sort(),
    missed: [...compromised].filter((a) => !flagged.has(a)).sort(),
    attackerIps: truth.attackerIps.map((ip) => ({ ip, severity: ipSeverity.get(ip) ?? 'none' })),
    overflowFound: truth.overflowRequests.filter((s) => webFindings.has(key(s))).length,
    overflowInjected: truth.overflowRequests.length,
    findingsBeforeCutoff: findings.filter((f) => Date.parse(f.time) < cutoff).length,
    baselineOverflowReported: truth.baselineOverflowRequests.filter((s) => webFindings.has(key(s))).length,
  };
}
