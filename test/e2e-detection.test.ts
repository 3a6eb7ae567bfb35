import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scanToDirectory } from '@mxray/core';
import { SAMPLES } from './helpers/corpus.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'mxray-samples-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('samples', () => {
  it('tell the attack story: four compromised accounts, one attacker, and the noise at low', async () => {
    const out = path.join(work, 'samples');
    const { accounts, ips, findings } = await scanToDirectory({ paths: [SAMPLES], out });
    expect(accounts.filter((a) => a.verdict === 'compromised').map((a) => [a.account, a.severity]).sort()).toEqual([
      ['hanako@example.jp', 'critical'],
      ['jiro@example.co.jp', 'critical'],
      ['taro@example.co.jp', 'critical'],
      ['yuki@example.jp', 'critical'],
    ]);
    // Everything else is a question at low, never an answer.
    for (const a of accounts.filter((x) => x.verdict !== 'compromised')) expect([a.account, a.severity]).toEqual([a.account, 'low']);
    expect(ips.filter((v) => v.verdict === 'attacker').map((v) => [v.ip, v.severity])).toEqual([['203.0.113.66', 'critical']]);
    for (const v of ips.filter((x) => x.verdict !== 'attacker')) expect([v.ip, v.severity]).toEqual([v.ip, 'low']);
    const exploit = findings.filter((f) => f.rule.startsWith('web.overflow') && f.severity !== 'low');
    expect(exploit.length).toBe(5);
    expect(exploit.every((f) => f.ip === '203.0.113.66' && f.time >= Date.parse('2024-08-03T00:00:00+09:00'))).toBe(true);
    // Each compromised account's chain starts with the login that proves it.
    for (const a of accounts.filter((x) => x.verdict === 'compromised')) expect(a.chain[0]).toMatchObject({ rule: 'auth.ioc-source', role: 'attribution', ip: '203.0.113.66' });
    expect(await readFile(path.join(out, 'pivot', 'ips.txt'), 'utf8')).toBe('203.0.113.66\n');
    expect((await readFile(path.join(out, 'pivot', 'accounts.txt'), 'utf8')).trim().split('\n')).toEqual(['hanako@example.jp', 'jiro@example.co.jp', 'taro@example.co.jp', 'yuki@example.jp']);
    // The error log: the CGI died right after three of those requests (Apache error_log beside the access log).
    expect(findings.filter((f) => f.rule === 'web.handler-crash').map((f) => [f.ip, f.severity, f.evidence['tiedCrashes']])).toEqual([['203.0.113.66', 'critical', 3]]);
    // mx03 (Exim): the same address sprayed SMTP AUTH over 14 names; the six real accounts are targeted, not compromised,
    // and the eight guessed names are counted, not listed.
    expect(accounts.filter((a) => a.verdict === 'targeted').map((a) => a.account).sort()).toEqual(
      ['aoi', 'haru', 'kei', 'nana', 'riku', 'shun'].map((n) => `${n}@example.ne.jp`),
    );
    expect(accounts.some((a) => a.account === 'admin@example.ne.jp')).toBe(false);
  });

  it('with a date-only --since, reads it as midnight in --tz and tells the same story', async () => {
    const out = path.join(work, 'samples-date');
    const { accounts, manifest } = await scanToDirectory({ paths: [SAMPLES], out, since: '2024-08-03' });
    expect(manifest.window.since).toBe('2024-08-02T15:00:00.000Z');
    expect(accounts.filter((a) => a.verdict === 'compromised')).toHaveLength(4);
  });
});
