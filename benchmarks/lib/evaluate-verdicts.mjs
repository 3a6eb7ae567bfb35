/**
 * Scores a scan's verdicts against a realistic scenario's ground truth: precision and recall per
 * verdict, the exploit sources' severity, the overflow requests found, the benign long requests
 * and travellers kept at low, and false positives by cause.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const RANK = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
const jsonl = async (file) => (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
const ratio = (a, b) => (b === 0 ? 1 : a / b);

function score(predicted, actual) {
  const truth = new Set(actual);
  const tp = predicted.filter((x) => truth.has(x)).length;
  return {
    predicted: predicted.length,
    actual: truth.size,
    truePositives: tp,
    precision: ratio(tp, predicted.length),
    recall: ratio(tp, truth.size),
    falsePositives: predicted.filter((x) => !truth.has(x)).sort(),
    missed: [...truth].filter((x) => !predicted.includes(x)).sort(),
  };
}

export async function evaluateVerdicts(outDir, truth) {
  const findings = await jsonl(path.join(outDir, 'findings.jsonl'));
  const accounts = await jsonl(path.join(outDir, 'accounts.jsonl'));
  const ips = await jsonl(path.join(outDir, 'ips.jsonl'));
  const byAccount = new Map(accounts.map((a) => [a.account, a]));
  const byIp = new Map(ips.map((v) => [v.ip, v]));
  const withVerdict = (list, v) => list.filter((x) => x.verdict === v);

  const compromised = score(withVerdict(accounts, 'compromised').map((a) => a.account), truth.compromised);
  const targeted = score(withVerdict(accounts, 'targeted').map((a) => a.account), truth.targeted);
  const attackerIps = score(withVerdict(ips, 'attacker').map((v) => v.ip), truth.attackerIps);
  const key = (s) => `${s.file}:${s.line}`;
  const web = findings.filter((f) => f.rule.startsWith('web.'));
  const webAt = new Map();
  for (const f of web) webAt.set(key(f.source), Math.max(webAt.get(key(f.source)) ?? 0, RANK[f.severity]));
  const overflowHigh = truth.overflowRequests.filter((s) => (webAt.get(key(s)) ?? -1) >= RANK.high).length;
  const benignAboveLow = truth.benignLongRequests.filter((s) => (webAt.get(key(s)) ?? -1) > RANK.low);
  const travellersAboveLow = truth.travellers.filter((a) => RANK[byAccount.get(a)?.severity ?? 'info'] > RANK.low);

  // False positives by cause: what made a wrong compromised verdict, or a medium-and-up suspicious one.
  const causes = {};
  const count = (cause) => (causes[cause] = (causes[cause] ?? 0) + 1);
  const guilty = new Set(truth.compromised);
  for (const a of accounts) {
    if (guilty.has(a.account)) continue;
    if (a.verdict === 'compromised') count(`compromised via ${a.chain.find((l) => l.role === 'attribution')?.rule ?? '?'}`);
    else if (a.verdict === 'suspicious' && RANK[a.severity] >= RANK.medium) count(`suspicious medium: ${a.reason.replace(/ \(.*$/, '')}`);
  }
  const lookalikes = Object.fromEntries(
    Object.entries(truth.benignLookalikes ?? {}).map(([kind, list]) => [kind, list.map((a) => `${byAccount.get(a)?.verdict ?? 'clean'}/${byAccount.get(a)?.severity ?? 'info'}`).reduce((m, v) => {
  m[v] = (m[v] ?? 0) + 1;
  return m;
}, {})]),
  );
  const cutoff = Date.parse(truth.cutoff);
  return {
    compromised,
    targeted,
    attackerIps,
    suspicious: {
      low: accounts.filter((a) => a.verdict === 'suspicious' && a.severity === 'low').length,
      medium: accounts.filter((a) => a.verdict === 'suspicious' && a.severity === 'medium').length,
    },
    exploitIps: truth.exploitIps.map((ip) => ({ ip, verdict: byIp.get(ip)?.verdict ?? 'none', severity: byIp.get(ip)?.severity ?? 'none' })),
    overflowFound: overflowHigh,
    overflowInjected: truth.overflowRequests.length,
    benignLongRequests: truth.benignLongRequests.length,
    benignLongAboveLow: benignAboveLow.length,
    travellers: truth.travellers.length,
    travellersAboveLow,
    findingsBeforeCutoff: findings.filter((f) => Date.parse(f.time) < cutoff).length,
    baselineOverflowReported: truth.baselineOverflowRequests.filter((s) => webAt.has(key(s))).length,
    falsePositivesByCause: causes,
    lookalikes,
    missedVerdicts: compromised.missed.map((a) => ({ account: a, verdict: byAccount.get(a)?.verdict ?? 'clean', severity: byAccount.get(a)?.severity ?? 'info', reason: byAccount.get(a)?.reason ?? '' })),
  };
}

/** The evaluation as Markdown, for RESULTS.md and the terminal. */
export function formatEvaluation(e) {
  const pr = (s) => `${s.truePositives}/${s.predicted} | ${s.truePositives}/${s.actual} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)}`;
  const rows = [
    '| verdict | correct / predicted | found / true | precision | recall |',
    '|---|---|---|---|---|',
    `| compromised accounts | ${pr(e.compromised)} |`,
    `| targeted accounts | ${pr(e.targeted)} |`,
    `| attacker IPs | ${pr(e.attackerIps)} |`,
    '',
    `- exploit sources: ${e.exploitIps.map((x) => `${x.ip} ${x.verdict}/${x.severity}`).join(', ')}`,
    `- overflow requests found at high or above: ${e.overflowFound} of ${e.overflowInjected}`,
    `- benign long requests above low: ${e.benignLongAboveLow} of ${e.benignLongRequests}`,
    `- benign travellers above low: ${e.travellersAboveLow.length} of ${e.travellers}`,
    `- suspicious accounts: ${e.suspicious.medium} medium, ${e.suspicious.low} low`,
    `- findings before --since: ${e.findingsBeforeCutoff}; baseline scanner probes reported: ${e.baselineOverflowReported}`,
    `- false positives by cause: ${Object.entries(e.falsePositivesByCause).map(([c, n]) => `${c}: ${n}`).join('; ') || 'none'}`,
    `- benign look-alikes (verdict/severity): ${Object.entries(e.lookalikes).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join('; ')}`,
    `- missed compromised: ${e.missedVerdicts.map((m) => `${m.account} (${m.verdict}/${m.severity}: ${m.reason})`).join('; ') || 'none'}`,
  ];
  return `${rows.join('\n')}\n`;
}
