/**
 * The CLI as hunting tools set the conventions: one-line usage errors, colour only where it
 * belongs, quiet mode, CSV beside JSONL, rules turned off from flags or a config file, and
 * explain telling "never seen" from "not flagged".
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { main } from '@mxray/cli';
import { SAMPLES } from './helpers/corpus.js';
import { captureIo } from './helpers/cli-io.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'mxray-cli-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const run = async (argv: string[], tty = false) => {
  const c = captureIo();
  const io = tty ? { stdout: Object.assign(c.io.stdout, { isTTY: true }), stderr: c.io.stderr } : c.io;
  const code = await main(argv, io);
  return { code, ...c.chunks };
};
const ANSI = /\x1b\[[0-9;]*m/;

describe('usage errors', () => {
  it.each([
    [['scan', SAMPLES], /required option '-o, --out <dir>'/],
    [['scan', SAMPLES, '-o', 'x', '--bogus'], /unknown option '--bogus'/],
    [['scan', SAMPLES, '-o', 'x', '--min-level', 'loud'], /--min-level <level>' argument 'loud' is invalid/],
  ])('%j: one error line with one prefix, then the usage, exit 2', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^mxray: error: /);
    expect(lines[0]).toMatch(message);
    expect(lines[1]).toBe('usage: mxray scan [options] <paths...>');
    expect(lines.length).toBeLessThanOrEqual(3);
  });

  it('an --out that is a file, or under /proc, fails at once with exit 2', async () => {
    const file = path.join(work, 'a-file');
    await writeFile(file, 'x');
    const a = await run(['scan', SAMPLES, '-o', file]);
    expect([a.code, a.stderr]).toEqual([2, `mxray: error: --out ${file} exists and is not a directory\n`]);
    const b = await run(['scan', SAMPLES, '-o', '/proc/self/mxray-out']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/under \/proc, a kernel file system/);
  });
});

describe('scan output conventions', () => {
  it('colours severities on a terminal, and never with NO_COLOR, --no-color or a pipe', async () => {
    const out = path.join(work, 'colour');
    const tty = await run(['scan', SAMPLES, '-o', out, '--no-progress'], true);
    expect(tty.stdout).toMatch(ANSI);
    expect(tty.stdout).toMatch(/\x1b\[1m\x1b\[31mcritical/);
    const plain = await run(['scan', SAMPLES, '-o', out, '--force', '--no-progress']);
    expect(plain.stdout).not.toMatch(ANSI);
    const off = await run(['scan', SAMPLES, '-o', out, '--force', '--no-progress', '--no-color'], true);
    expect(off.stdout).not.toMatch(ANSI);
    process.env['NO_COLOR'] = '1';
    try {
      const env = await run(['scan', SAMPLES, '-o', out, '--force', '--no-progress'], true);
      expect(env.stdout).not.toMatch(ANSI);
    } finally {
      delete process.env['NO_COLOR'];
    }
  });

  it('-q prints nothing on success and keeps the exit code', async () => {
    const r = await run(['scan', SAMPLES, '-o', path.join(work, 'quiet'), '-q', '--fail-on', 'critical']);
    expect([r.code, r.stdout, r.stderr]).toEqual([1, '', '']);
  });

  it('--csv writes findings, accounts and ips as CSV with the JSONL columns and rows', async () => {
    const out = path.join(work, 'csv');
    expect((await run(['scan', SAMPLES, '-o', out, '--csv', '--no-progress'])).code).toBe(0);
    for (const name of ['findings', 'accounts', 'ips']) {
      const jsonl = (await readFile(path.join(out, `${name}.jsonl`), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const rows = parseCsv(await readFile(path.join(out, `${name}.csv`), 'utf8'), { columns: true }) as Array<Record<string, string>>;
      expect(rows).toHaveLength(jsonl.length);
      for (const key of Object.keys(jsonl[0]!)) expect(Object.keys(rows[0]!), name).toContain(key);
      rows.forEach((row, i) => {
        for (const [key, value] of Object.entries(jsonl[i]!)) {
          expect(row[key], `${name} ${i} ${key}`).toBe(value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
        }
      });
    }
  });
});

describe('rules off, and settings from a config file', () => {
  it('--disable turns rules off; an unknown rule is a usage error', async () => {
    const out = path.join(work, 'disable');
    expect((await run(['scan', SAMPLES, '-o', out, '--no-progress', '--disable', 'web.handler-crash,auth.new-source'])).code).toBe(0);
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as { detection: { rules: string[] } };
    expect(manifest.detection.rules).not.toContain('web.handler-crash');
    expect(manifest.detection.rules).not.toContain('auth.new-source');
    expect(manifest.detection.rules).toContain('web.overflow-request');
    const bad = await run(['scan', SAMPLES, '-o', path.join(work, 'x'), '--disable', 'no.such-rule']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--disable: no rule "no.such-rule"/);
  });

  it('a config file sets what the command line does not, and a flag wins over it', async () => {
    const config = path.join(work, 'case.json');
    await writeFile(config, JSON.stringify({ minLevel: 'critical', csv: true, disable: ['auth.new-source'], rule: { 'auth.spray.minAccounts': 50 } }));
    const out = path.join(work, 'config');
    expect((await run(['scan', SAMPLES, '-o', out, '--no-progress', '--config', config, '--min-level', 'high'])).code).toBe(0);
    expect(await readdir(out)).toContain('findings.csv');
    const findings = (await readFile(path.join(out, 'findings.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as { rule: string; severity: string });
    // --min-level high from the command line, not critical from the file:
    expect(new Set(findings.map((f) => f.severity))).toEqual(new Set(['critical', 'high']));
    // the spray (14 names) is under the file's threshold of 50:
    expect(findings.some((f) => f.rule === 'auth.spray')).toBe(false);
  });

  it('every problem of a bad config file is named, and the scan does not start', async () => {
    const config = path.join(work, 'bad.json');
    await writeFile(config, JSON.stringify({ minLevl: 'high', concurrency: 0, rule: { spray: 1 } }));
    const r = await run(['scan', SAMPLES, '-o', path.join(work, 'never'), '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown setting "minLevl"/);
    expect(r.stderr).toMatch(/concurrency: must be >= 1/);
    expect(r.stderr).toMatch(/rule options are written "rule\.id\.option"/);
    await expect(readdir(path.join(work, 'never'))).rejects.toThrow();
  });
});

describe('explain', () => {
  it('tells "never seen" from "seen, not flagged" when the scan kept its events, and refuses ambiguous addresses', async () => {
    const out = path.join(work, 'events');
    expect((await run(['scan', SAMPLES, '-o', out, '--events', '--no-progress'])).code).toBe(0);
    expect((await run(['explain', out, 'nobody@example.jp'])).stdout).toMatch(/never seen/);
    expect((await run(['explain', out, 'sora@example.jp'])).stdout).toMatch(/seen, not flagged/);
    const zeros = await run(['explain', out, '203.000.113.066']);
    expect(zeros.code).toBe(2);
    expect(zeros.stderr).toMatch(/leading zeros.*203\.0\.113\.66/);
  });
});
