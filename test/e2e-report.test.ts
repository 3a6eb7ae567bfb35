import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Browser } from 'playwright-core';
import { renderHtmlReport, scanToDirectory, TIMELINE_COLUMNS, type Finding, type Manifest } from '@mxray/core/internal';
import { main } from '@mxray/cli';
import { SAMPLES } from './helpers/corpus.js';
import { CHROMIUM, launchChromium } from './helpers/chromium.js';
import { captureIo } from './helpers/cli-io.js';

const ATTACKER = '203.0.113.66';
/** The four accounts the attacker got into. */
const TOUCHED = ['hanako@example.jp', 'jiro@example.co.jp', 'taro@example.co.jp', 'yuki@example.jp'];
/** The six real example.ne.jp accounts its SMTP AUTH spray tried on mx03 (targeted). */
const SPRAYED = ['aoi', 'haru', 'kei', 'nana', 'riku', 'shun'].map((n) => `${n}@example.ne.jp`);

let work: string;
let out: string;
let findingLines: Array<{ time: string; rule: string; severity: string; account: string | null; ip: string | null }>;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'mxray-report-'));
  out = path.join(work, 'out');
  await scanToDirectory({
    paths: [SAMPLES],
    out,
    timeline: [path.join(work, 'timeline.csv'), path.join(work, 'timeline.jsonl')],
    timelineEvents: true,
  });
  const text = await readFile(path.join(out, 'findings.jsonl'), 'utf8');
  findingLines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as (typeof findingLines)[number]);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe.skipIf(!CHROMIUM)(`report.html in headless Chromium (${CHROMIUM ?? 'no chromium: install Debian chromium or set MXRAY_CHROMIUM'})`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the attack story: chart with the cutoff, the attacker IP, the touched accounts', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(path.join(out, 'report.html')).href);

    // Chart bars, summed per severity, equal the findings file counted here.
    const bars = await page.$$eval('#chart-findings rect.bar', (rects) =>
      rects.map((r) => ({ series: r.getAttribute('data-series')!, count: Number(r.getAttribute('data-count')), x: Number(r.getAttribute('x')) })),
    );
    const fromChart: Record<string, number> = {};
    for (const b of bars) fromChart[b.series] = (fromChart[b.series] ?? 0) + b.count;
    const fromFile: Record<string, number> = {};
    for (const f of findingLines) fromFile[f.severity] = (fromFile[f.severity] ?? 0) + 1;
    expect(fromChart).toEqual(fromFile);

    // The cutoff line is drawn, at the manifest's since, left of every finding bar.
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    const marker = page.locator('#chart-findings g.marker');
    expect(await marker.getAttribute('data-at')).toBe(manifest.window.since);
    const markerX = Number(await marker.locator('line').getAttribute('x1'));
    expect(Math.min(...bars.map((b) => b.x))).toBeGreaterThan(markerX);
    expect(await page.locator('#chart-events rect.bar[data-series="baseline"]').count()).toBeGreaterThan(0);

    // The attacker is the top IP, critical; the touched accounts are the critical ones.
    const topIp = page.locator('#top-ips tbody tr').first();
    expect(await topIp.getAttribute('data-ip')).toBe(ATTACKER);
    expect(await topIp.getAttribute('data-severity')).toBe('critical');
    const critical = await page.$$eval('#top-accounts tbody tr[data-severity="critical"]', (rows) => rows.map((r) => r.getAttribute('data-account')));
    expect(critical.sort()).toEqual(TOUCHED);
    expect(await page.locator('#verdict').innerText()).toMatch(/4 compromised account\(s\) \(the reset list, pivot\/accounts\.txt\) and 1 attacker IP address\(es\) \(the block list, pivot\/ips\.txt\)/);
    expect(await topIp.getAttribute('data-verdict')).toBe('attacker');

    // Drill-down of the attacker lists its logins to every touched account.
    const attacker = page.locator(`details.entity[data-ip="${ATTACKER}"]`);
    const logins = await attacker.locator('tr[data-type="auth.success"] td.msg').allInnerTexts();
    for (const account of TOUCHED) expect(logins.some((t) => t.includes(account)), account).toBe(true);
    // The link from the top-IPs table lands on it.
    const href = await topIp.locator('a').getAttribute('href');
    expect(await page.locator(`${href}`).getAttribute('data-ip')).toBe(ATTACKER);

    // Scope: one row per input, with its hash.
    const hashes = await page.$$eval('#scope table.inputs td.hash', (cells) => cells.map((c) => c.textContent));
    expect(hashes).toEqual(manifest.inputs.map((i) => i.sha256));
    expect(requests).toEqual([]);
    await page.close();
  });

  it('shows attacker-written text as text: no markup, no script, no request', async () => {
    const hostile = `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>`;
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    const finding: Finding = {
      time: Date.parse('2024-08-03T01:00:00Z'),
      rule: 'web.overflow-request',
      severity: 'critical',
      account: `${hostile}@example.jp`,
      ip: '203.0.113.9',
      source: { file: `logs/${hostile}`, line: 1 },
      message: `GET /am_bin/${hostile}\u001b[31m`,
      evidence: {},
    };
    const account = { account: finding.account!, verdict: 'compromised' as const, severity: 'critical' as const, reason: `attributed by ${hostile}`, chain: [], firstSeen: '2024-08-03T01:00:00.000Z', lastSeen: '2024-08-03T01:00:00.000Z', rules: [finding.rule], ips: [finding.ip!], counts: { findings: 1, logins: 0, failedAttempts: 0, bytesOut: 0, messagesSent: 0 } };
    const file = path.join(work, 'hostile.html');
    await writeFile(file, renderHtmlReport({ manifest, findings: [finding], accounts: [account], ips: [], volume: [], activity: [] }));
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(file).href);
    expect(await page.title()).not.toBe('pwned');
    expect(await page.locator('img, script').count()).toBe(0);
    const msg = await page.locator('#findings td.msg').first().innerText();
    expect(msg).toContain('<img src=x onerror=');
    expect(msg).toContain('\\x1b[31m');
    // The verdict's reason is evidence text too: shown as text, never markup.
    expect(await page.locator('#top-accounts tbody tr td').nth(3).innerText()).toContain('<img src=x onerror=');
    expect(requests).toEqual([]);
    await page.close();
  });
});

describe('timeline export', () => {
  it('CSV has the columns Timesketch requires, one row per finding, in time order', async () => {
    const rows = parseCsv(await readFile(path.join(work, 'timeline.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...TIMELINE_COLUMNS]);
    for (const r of rows) {
      expect(r.message!.length).toBeGreaterThan(0);
      expect(r.datetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
      expect(Number(r.timestamp)).toBe(Date.parse(r.datetime!) * 1000);
      expect(r.timestamp_desc!.length).toBeGreaterThan(0);
    }
    const times = rows.map((r) => Number(r.timestamp));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(rows.filter((r) => r.type === 'finding')).toHaveLength(findingLines.length);
    // --timeline-events: the attacker's logins are rows too.
    const logins = rows.filter((r) => r.type === 'auth.success' && r.ip === ATTACKER).map((r) => r.account);
    expect(new Set(logins)).toEqual(new Set(TOUCHED));
  });

  it('JSONL carries the same rows as the CSV', async () => {
    const csv = parseCsv(await readFile(path.join(work, 'timeline.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const jsonl = (await readFile(path.join(work, 'timeline.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(jsonl).toHaveLength(csv.length);
    expect(jsonl.map((r) => `${r.datetime} ${r.type} ${r.rule}`)).toEqual(csv.map((r) => `${r.datetime} ${r.type} ${r.rule}`));
  });
});

describe('mxray explain', () => {
  it('tells the story of a compromised account, found case-insensitively', async () => {
    const { chunks, io } = captureIo();
    expect(await main(['explain', out, 'Taro@Example.CO.JP'], io)).toBe(0);
    const text = chunks.stdout;
    expect(text).toMatch(/^account taro@example\.co\.jp — compromised, critical\n {2}verdict {2}auth\.ioc-source attributes a login from 203\.0\.113\.66/m);
    for (const rule of ['auth.ioc-source', 'auth.new-source', 'access.mass-download']) expect(text).toContain(rule);
    // The timeline has the attacker's login and the download's logout with its bytes, in order.
    const login = text.indexOf(`imap login as taro@example.co.jp from ${ATTACKER}`);
    const download = text.indexOf(`ended from ${ATTACKER}: 734,003,221 bytes out`);
    expect(login).toBeGreaterThan(0);
    expect(download).toBeGreaterThan(login);
  });

  it('explains an IP with the accounts it touched, and says when something is not flagged', async () => {
    const ip = captureIo();
    expect(await main(['explain', out, ATTACKER, '--json'], ip.io)).toBe(0);
    const x = JSON.parse(ip.chunks.stdout) as { kind: string; verdict: { severity: string; accounts: string[] }; findings: unknown[] };
    expect(x.kind).toBe('ip');
    expect(x.verdict.severity).toBe('critical');
    expect(x.verdict.accounts).toEqual([...TOUCHED, ...SPRAYED].sort());
    expect(x.findings).toHaveLength(findingLines.filter((f) => f.ip === ATTACKER).length);

    const none = captureIo();
    expect(await main(['explain', out, 'nobody@example.jp'], none.io)).toBe(0);
    expect(none.chunks.stdout).toMatch(/not flagged/);
    expect(none.chunks.stdout).toMatch(/no findings/);

    const missing = captureIo();
    expect(await main(['explain', path.join(work, 'nope'), ATTACKER], missing.io)).toBe(2);
    expect(missing.chunks.stderr).toMatch(/no manifest\.json/);
  });
});

describe('mxray scan --json', () => {
  it('prints the summary as JSON with the per-severity table and every output path', async () => {
    const { chunks, io } = captureIo();
    const dir = path.join(work, 'json-out');
    expect(await main(['scan', SAMPLES, '--out', dir, '--json', '--no-progress'], io)).toBe(0);
    const s = JSON.parse(chunks.stdout) as { bySeverity: Record<string, { findings: number; accounts: number; ips: number }>; outputs: string[]; topIps: Array<{ ip: string }> };
    expect(s.bySeverity.critical!.accounts).toBe(TOUCHED.length);
    expect(s.bySeverity.critical!.ips).toBe(1);
    const total = Object.values(s.bySeverity).reduce((a, r) => a + r.findings, 0);
    expect(total).toBe(findingLines.length);
    expect(s.topIps[0]!.ip).toBe(ATTACKER);
    for (const name of ['manifest.json', 'findings.jsonl', 'report.html', 'activity.jsonl']) expect(s.outputs).toContain(path.join(dir, name));
  });
});
