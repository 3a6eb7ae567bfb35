import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../../finding.js';
import type { AccountVerdict, IpVerdict } from '../../verdict/verdicts.js';
import type { Manifest } from '../manifest.js';
import { renderHtmlReport } from './report.js';

const SEVERITIES: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
const BASE = Date.parse('2024-08-03T00:00:00Z');

const manifest = {
  tool: { name: 'mxray', version: '0.0.0' },
  args: { paths: ['logs'], since: '2024-08-03T00:00:00+09:00', until: null, tz: 'Asia/Tokyo', format: 'auto', year: null, maxLineBytes: 1 << 20, events: false },
  window: { since: '2024-08-02T15:00:00.000Z', until: null, tz: 'Asia/Tokyo' },
  startedAt: '2024-08-10T00:00:00.000Z',
  finishedAt: '2024-08-10T00:00:00.000Z',
  complete: true,
  inputs: [],
  skipped: [],
  totals: { files: 0, filesWithErrors: 0, skipped: 0, bytes: 0, decodedBytes: 0, lines: 0, parseErrors: 0, overlongLines: 0, invalidUtf8Lines: 0, events: 0, baselineEvents: 0, windowEvents: 0, afterEvents: 0, eventsByKind: {}, accounts: { total: 0, baseline: 0, window: 0 }, ips: { total: 0, baseline: 0, window: 0 } },
} as unknown as Manifest;

function spray(n: number): { findings: Finding[]; accounts: AccountVerdict[]; ips: IpVerdict[] } {
  const findings: Finding[] = [];
  for (let i = 0; i < n; i++) {
    findings.push({ time: BASE + (i % 240) * 3_600_000, rule: 'auth.spray', severity: SEVERITIES[i % 5]!, account: `u${i % 100}@example.jp`, ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, source: { file: 'maillog', line: i + 1 }, message: `failed login ${i}`, evidence: {} });
  }
  const accounts: AccountVerdict[] = Array.from({ length: Math.min(n, 50_000) }, (_, i) => ({ account: `u${i}@example.jp`, verdict: 'compromised', severity: 'high', reason: 'test', firstSeen: '', lastSeen: '', rules: ['auth.spray'], ips: [], chain: [], counts: { findings: 1, logins: 0, failedAttempts: 1, bytesOut: 0, messagesSent: 0 } }));
  const ips: IpVerdict[] = Array.from({ length: Math.min(n, 50_000) }, (_, i) => ({ ip: `10.0.${(i >> 8) & 255}.${i & 255}`, verdict: 'attacker', severity: 'high', reason: 'test', rules: ['auth.spray'], accounts: [], firstSeen: '', lastSeen: '', findings: 1, chain: [] }));
  return { findings, accounts, ips };
}

describe('renderHtmlReport at scale', () => {
  it('stays the same size for 60 thousand or 300 thousand findings: charts aggregate, tables show the top rows', () => {
    const small = renderHtmlReport({ manifest, ...spray(60_000), volume: [], activity: [] });
    const big = renderHtmlReport({ manifest, ...spray(300_000), volume: [], activity: [] });
    expect(big).toContain('Showing 500 of 300,000; all are in <code>findings.jsonl</code>');
    expect(big.length).toBeLessThan(small.length * 1.1);
    // Bounded by the limits (100 drill-downs × 200 rows), not by the number of findings.
    expect(big.length).toBeLessThan(8_000_000);
    // Every finding is still counted in the chart of all findings; the high-and-up chart has exactly those.
    const chart = (id: string): string => big.slice(big.indexOf(`id="${id}"`), big.indexOf('</svg>', big.indexOf(`id="${id}"`)));
    const counted = (svg: string): number => [...svg.matchAll(/data-series="(critical|high|medium|low|info)" data-bucket="[^"]*" data-count="(\d+)"/g)].reduce((a, m) => a + Number(m[2]), 0);
    expect(counted(chart('chart-findings'))).toBe(300_000);
    expect(counted(chart('chart-high'))).toBe(120_000);
  }, 60_000);

  it('marks an incomplete scan', () => {
    const html = renderHtmlReport({ manifest: { ...manifest, complete: false }, findings: [], accounts: [], ips: [], volume: [], activity: [] });
    expect(html).toContain('INCOMPLETE');
    expect(html).toContain("default-src 'none'");
  });
});
