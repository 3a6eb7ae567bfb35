import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Manifest } from '@mxray/core';
import { main } from '@mxray/cli';
import { captureIo } from './helpers/cli-io.js';

const FAKE = 20_000;
const SPRAYER = '203.0.113.77';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'mxray-botnet-'));
  const lines: string[] = [];
  // A spraying botnet: every line a new invented account from a new address.
  for (let i = 0; i < FAKE; i++) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    lines.push(`Aug  4 0${i % 10}:00:00 mx dovecot: imap-login: Aborted login (auth failed, 1 attempts in 2 secs): user=<fake${i}@example.jp>, method=PLAIN, rip=${ip}, lip=192.0.2.10, session=<b${i}>`);
    // One real sprayer in the crowd, failing over 60 real accounts, many times each.
    if (i % 100 === 0) {
      for (let k = 0; k < 3; k++) {
        lines.push(`Aug  4 0${i % 10}:00:01 mx dovecot: imap-login: Aborted login (auth failed, 1 attempts in 2 secs): user=<user${(i / 100) % 60}@example.jp>, method=PLAIN, rip=${SPRAYER}, lip=192.0.2.10, session=<s${i}-${k}>`);
      }
    }
  }
  await mkdir(path.join(work, 'evidence'));
  await writeFile(path.join(work, 'evidence', 'maillog-20240805'), `${lines.join('\n')}\n`);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('a spraying botnet of invented accounts and addresses', () => {
  it('stays under --max-keys, says which structures hit the cap, and still finds the real sprayer', async () => {
    const out = path.join(work, 'out');
    const { chunks, io } = captureIo();
    expect(await main(['scan', path.join(work, 'evidence'), '--out', out, '--max-keys', '1000', '--no-geo', '--no-progress', '--no-report'], io)).toBe(0);
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.limits!.maxKeys).toBe(1000);
    const capped = Object.fromEntries(manifest.limits!.capped.map((c) => [c.structure, c.evicted]));
    for (const s of ['auth.spray sources', 'auth.bruteforce accounts', 'account activity', 'summary distinct accounts', 'summary distinct IPs']) {
      expect(capped[s], s).toBeGreaterThan(0);
    }
    // Counts are lower bounds and say so.
    expect(manifest.totals.accounts).toMatchObject({ total: 1000, capped: true });
    expect(chunks.stdout).toMatch(/accounts {3}at least 1,000 seen/);
    expect(chunks.stdout).toMatch(/warning {4}auth\.spray sources hit its cap of 1,000 keys: [\d,]+ dropped/);
    const findings = (await readFile(path.join(out, 'findings.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as { rule: string; ip: string; account: string | null; evidence: { distinctAccounts: number; neverLoggedIn?: number; targeted?: boolean } });
    const spray = findings.filter((f) => f.rule === 'auth.spray');
    expect(new Set(spray.map((f) => f.ip))).toEqual(new Set([SPRAYER]));
    const source = spray.filter((f) => f.account === null);
    expect(source).toHaveLength(1);
    expect(source[0]!.evidence.distinctAccounts).toBe(60);
    // None of the names it tried ever logged in here: they are counted on its finding, not listed as targeted accounts.
    expect(source[0]!.evidence.neverLoggedIn).toBe(60);
    expect(spray.filter((f) => f.evidence.targeted === true)).toEqual([]);
  });

  it('below the cap, nothing is dropped and nothing is said', async () => {
    const out = path.join(work, 'out-wide');
    const { chunks, io } = captureIo();
    expect(await main(['scan', path.join(work, 'evidence'), '--out', out, '--no-geo', '--no-progress', '--no-report'], io)).toBe(0);
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.limits!.capped).toEqual([]);
    expect(manifest.totals.accounts.total).toBe(FAKE + 60);
    expect(manifest.totals.accounts.capped).toBeUndefined();
    expect(chunks.stdout).not.toMatch(/hit its cap/);
  });
});
