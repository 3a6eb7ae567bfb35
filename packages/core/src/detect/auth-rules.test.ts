import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SpillArea } from '../aggregate/account-spill.js';
import { byRule, detect, failure, habits, login, logout, request, submit, DAY, HOUR } from '../../../../test/helpers/detection.js';

const ATTACKER = '203.0.113.66';
const WEBMAIL = '192.0.2.30';
const exploit = (ip = ATTACKER) => request(HOUR, ip, `/am_bin/amlogin?${'%90'.repeat(3000)}`, { status: 500 });

describe('auth.ioc-source', () => {
  it('marks a login from the exploit source critical, accounts compared case-insensitively', () => {
    const { findings, accounts } = detect([...habits('taro@example.co.jp', '198.51.100.10'), exploit(), login(2 * HOUR, 'taro@example.co.jp', ATTACKER)]);
    expect(byRule(findings, 'auth.ioc-source')).toMatchObject([{ account: 'taro@example.co.jp', ip: ATTACKER, severity: 'critical' }]);
    expect(accounts[0]).toMatchObject({ account: 'taro@example.co.jp', severity: 'critical' });
  });

  it('uses the --ioc list, IPv6 CIDRs included', () => {
    const { findings } = detect([login(HOUR, 'jiro@example.co.jp', '2001:db8:bad::7')], { ioc: ['2001:db8:bad::/48'] });
    expect(byRule(findings, 'auth.ioc-source')).toMatchObject([{ ip: '2001:db8:bad::7', evidence: { reason: 'ioc-list' } }]);
  });

  it('does not flag a login from the exploit source before --since', () => {
    const { findings } = detect([exploit(), login(-2 * DAY, 'taro@example.co.jp', ATTACKER)]);
    expect(byRule(findings, 'auth.ioc-source')).toEqual([]);
  });
});

describe('auth.new-source', () => {
  it('a traveller with one new IP stays low', () => {
    const { findings, accounts, ips } = detect([...habits('kenji@example.jp', '198.51.100.20'), login(DAY, 'kenji@example.jp', '2001:db8:77::20')]);
    expect(byRule(findings, 'auth.new-source')).toMatchObject([{ severity: 'low', ip: '2001:db8:77::20', evidence: { network: '2001:db8:77::/48' } }]);
    expect(accounts).toMatchObject([{ account: 'kenji@example.jp', severity: 'low' }]);
    expect(ips).toMatchObject([{ severity: 'low' }]);
  });

  it('a new address in a known /24 is not new; a trusted network is not flagged', () => {
    const { findings } = detect([...habits('a@example.jp', '198.51.100.20'), login(DAY, 'a@example.jp', '198.51.100.99'), login(DAY, 'a@example.jp', '10.1.2.3')], {
      trustedNets: ['10.0.0.0/8'],
    });
    expect(byRule(findings, 'auth.new-source')).toEqual([]);
  });

  it('with a mass download from the same new source, the account is suspicious at medium (two families in a day), not compromised', () => {
    const { accounts, ips } = detect([...habits('b@example.jp', '198.51.100.21'), login(DAY, 'b@example.jp', '192.0.2.200'), logout(DAY + 600_000, 'b@example.jp', '192.0.2.200', 900_000_000)]);
    expect(accounts[0]).toMatchObject({ account: 'b@example.jp', verdict: 'suspicious', severity: 'medium', rules: ['access.mass-download', 'auth.new-source'] });
    expect(accounts[0]!.reason).toMatch(/location and volume/);
    expect(ips.find((v) => v.ip === '192.0.2.200')).toMatchObject({ verdict: 'suspicious', severity: 'medium' });
  });
});

describe('webmail-proxied logins', () => {
  const users = Array.from({ length: 12 }, (_, i) => `u${i}@example.jp`);
  const viaWebmail = (offset: number, account: string, client: string) => [
    request(offset, client, '/am_bin/amlogin/login_auth', { method: 'POST', status: 302 }),
    login(offset + 1000, account, WEBMAIL),
  ];
  const baseline = users.flatMap((u, i) => [1, 2, 3].flatMap((d) => viaWebmail(-d * DAY + i * 60_000, u, `198.51.100.${i + 10}`)));

  it('learns the webmail host, ties each IMAP login to the browser and judges the browser', () => {
    const { findings, ledger } = detect([...baseline, ...viaWebmail(DAY, 'u3@example.jp', '198.51.100.13'), ...viaWebmail(DAY + HOUR, 'u4@example.jp', '203.0.113.5')]);
    expect([...ledger.webmailHosts()]).toEqual([WEBMAIL]);
    const nw = byRule(findings, 'auth.new-source');
    expect(nw.map((f) => [f.account, f.ip, f.evidence.tie])).toEqual([['u4@example.jp', '203.0.113.5', 'exact']]);
    expect(byRule(findings, 'auth.spray')).toEqual([]);
  });

  it('an attacker in the webmail is caught through the tie', () => {
    const { findings } = detect([...baseline, exploit(), ...viaWebmail(2 * HOUR, 'u5@example.jp', ATTACKER)]);
    expect(byRule(findings, 'auth.ioc-source')).toMatchObject([{ account: 'u5@example.jp', ip: ATTACKER, evidence: { via: 'webmail', tie: 'exact', webmailHost: WEBMAIL } }]);
  });

  it('an address first seen in the window is never learned as a webmail host', () => {
    const many = users.map((u, i) => login(HOUR + i * 1000, u, ATTACKER));
    const { ledger, findings } = detect([...users.flatMap((u, i) => habits(u, `198.51.100.${i + 10}`, 3)), ...many]);
    expect(ledger.webmailHosts().has(ATTACKER)).toBe(false);
    expect(byRule(findings, 'auth.new-source')).toHaveLength(users.length);
  });
});

describe('auth.spray and auth.bruteforce', () => {
  it('one source failing over many accounts is a spray; the account that then logs in is compromised, the others targeted', () => {
    const targets = Array.from({ length: 15 }, (_, i) => `t${i}@example.jp`);
    const events = [
      ...targets.map((t, i) => failure(HOUR + i * 1000, t, '198.51.100.250')),
      failure(HOUR + 20_000, 'no-such-user@example.jp', '198.51.100.250'),
      ...targets.flatMap((t, i) => habits(t, `198.51.100.${i + 3}`, 3)),
      login(2 * HOUR, 't3@example.jp', '198.51.100.250'),
    ];
    const { findings, accounts, ips } = detect(events);
    expect(byRule(findings, 'auth.spray').find((f) => f.account === null)?.evidence).toMatchObject({ distinctAccounts: 16, neverLoggedIn: 1 });
    const spray = byRule(findings, 'auth.spray');
    expect(spray.filter((f) => f.evidence.targeted !== true).map((f) => [f.severity, f.account, f.ip])).toEqual([
      ['medium', null, '198.51.100.250'],
      ['high', 't3@example.jp', '198.51.100.250'],
    ]);
    expect(spray.filter((f) => f.evidence.targeted === true).map((f) => f.account).sort()).toEqual(targets.filter((t) => t !== 't3@example.jp').sort());
    expect(accounts.filter((a) => a.verdict === 'compromised').map((a) => [a.account, a.severity])).toEqual([['t3@example.jp', 'high']]);
    expect(accounts.filter((a) => a.verdict === 'targeted')).toHaveLength(14);
    expect(ips).toMatchObject([{ ip: '198.51.100.250', verdict: 'attacker', severity: 'high' }]);
  });

  it('a few typos across users from one NAT are not a spray', () => {
    const events = Array.from({ length: 5 }, (_, i) => failure(HOUR + i, `x${i}@example.jp`, '198.51.100.1'));
    expect(byRule(detect(events).findings, 'auth.spray')).toEqual([]);
  });

  it('twelve failures then a success is brute force; counts come from Dovecot attempts', () => {
    const events = [
      failure(HOUR, 'v@example.jp', '198.51.100.77', { attempts: 3 }),
      ...Array.from({ length: 9 }, (_, i) => failure(HOUR + (i + 1) * 60_000, 'v@example.jp', '198.51.100.77')),
      failure(HOUR + 100_000, 'v@example.jp', '198.51.100.77', { app: 'dovecot/auth' }),
      login(HOUR + 20 * 60_000, 'v@example.jp', '198.51.100.77'),
    ];
    expect(byRule(detect(events).findings, 'auth.bruteforce')).toMatchObject([{ severity: 'high', evidence: { failuresBefore: 12 } }]);
  });

  it('gives the same brute-force findings when failures and logins went to disk', () => {
    const events = [];
    for (let a = 0; a < 300; a++) {
      const account = `b${a}@example.jp`;
      const ip = `198.51.100.${a % 200}`;
      // Every third account is brute-forced (12 failures, then a login), the others fail a few times.
      const fails = a % 3 === 0 ? 12 : 1 + (a % 4);
      for (let i = 0; i < fails; i++) events.push(failure(HOUR + a * 1000 + i * 60_000, account, ip));
      events.push(login(HOUR + a * 1000 + 20 * 60_000, account, ip));
    }
    const spill = new SpillArea({ memoryBytes: 256 });
    const inMemory = byRule(detect(events).findings, 'auth.bruteforce');
    const spilled = byRule(detect(events, { spill }).findings, 'auth.bruteforce');
    expect(inMemory).toHaveLength(100);
    expect(spill.spilledBytes).toBeGreaterThan(0);
    expect(spilled).toEqual(inMemory);
  });

  it('three failures before a success are not brute force', () => {
    const events = [...Array.from({ length: 3 }, (_, i) => failure(HOUR + i, 'w@example.jp', '198.51.100.78')), login(HOUR + 60_000, 'w@example.jp', '198.51.100.78')];
    expect(byRule(detect(events).findings, 'auth.bruteforce')).toEqual([]);
  });
});

describe('bulk access', () => {
  it('a mailbox download far above the baseline is a mass download; an ordinary one is not', () => {
    const { findings } = detect([...habits('d@example.jp', '198.51.100.30'), logout(HOUR, 'd@example.jp', '198.51.100.30', 3_000_000), logout(2 * HOUR, 'd@example.jp', '198.51.100.30', 734_003_221)]);
    expect(byRule(findings, 'access.mass-download').map((f) => f.evidence.bytesOut)).toEqual([734_003_221]);
  });

  it('sums each window day apart and points at its first session, whatever the arrival order', () => {
    const MB = 1_000_000;
    const events = [
      ...habits('m@example.jp', '198.51.100.31'),
      logout(2 * HOUR, 'm@example.jp', '198.51.100.32', 30 * MB),
      logout(HOUR, 'm@example.jp', '198.51.100.31', 30 * MB),
      logout(DAY + HOUR, 'm@example.jp', '198.51.100.31', 10 * MB),
      logout(2 * DAY + 3 * HOUR, 'm@example.jp', '198.51.100.33', 40 * MB),
      logout(2 * DAY + HOUR, 'm@example.jp', '198.51.100.34', 20 * MB),
    ];
    const days = (list: typeof events) =>
      byRule(detect(list).findings, 'access.mass-download').map((f) => ({ time: f.time, ip: f.ip, bytes: f.evidence.bytesOutDay }));
    // No session is over the 50 MB floor; two days are, each pointing at its earliest session.
    const expected = [
      { time: events.at(-4)!.ts, ip: '198.51.100.31', bytes: 60 * MB },
      { time: events.at(-1)!.ts, ip: '198.51.100.34', bytes: 60 * MB },
    ];
    expect(days(events)).toEqual(expected);
    expect(days([...events.slice(-5), ...events.slice(0, -5)])).toEqual(expected);
  });

  it('a send burst is attributed to its busiest source', () => {
    const events = [...Array.from({ length: 10 }, (_, d) => submit(-(d + 1) * DAY, 's@example.jp', '198.51.100.40')), submit(HOUR, 's@example.jp', '198.51.100.40'), ...Array.from({ length: 30 }, (_, i) => submit(2 * HOUR + i * 1000, 's@example.jp', ATTACKER))];
    expect(byRule(detect(events).findings, 'smtp.send-burst')).toMatchObject([{ ip: ATTACKER, evidence: { messages: 31 } }]);
  });
});

describe('auth.impossible-travel', () => {
  it('needs GeoIP; with it, two countries within an hour are flagged', () => {
    const events = [login(HOUR, 'g@example.jp', '198.51.100.50'), login(HOUR + 20 * 60_000, 'g@example.jp', '203.0.113.50')];
    expect(byRule(detect(events).findings, 'auth.impossible-travel')).toEqual([]);
    const geo = { sources: [], lookup: (ip: string) => ({ country: ip.startsWith('198.') ? 'JP' : 'RU' }) };
    expect(byRule(detect(events, { geo }).findings, 'auth.impossible-travel')).toMatchObject([{ account: 'g@example.jp', ip: '203.0.113.50' }]);
  });

  it("flags what asking for every login's country flags, asking only where a pair could be flagged (property)", () => {
    // Addresses with countries, one the database does not place, one on an ocean of its own.
    const COUNTRY: Record<string, string | undefined> = { '198.51.100.1': 'JP', '198.51.100.2': 'JP', '203.0.113.7': 'RU', '192.0.2.9': 'US', '198.51.100.250': undefined };
    const ips = Object.keys(COUNTRY);
    const loginArb = fc.record({ minutes: fc.integer({ min: -300, max: 600 }), account: fc.constantFrom('a@example.jp', 'b@example.jp'), ip: fc.constantFrom(...ips) });
    fc.assert(
      fc.property(fc.array(loginArb, { maxLength: 25 }), (drawn) => {
        const events = drawn.map((d, i) => login(d.minutes * 60_000, d.account, d.ip, { source: { file: 'mx01/maillog', line: i + 1 } }));
        const geo = { sources: [], lookup: (ip: string) => ({ country: COUNTRY[ip] }) };
        const { findings, ledger } = detect(events, { geo });
        // The rule as it was: every login's country, then each window login against the latest placed one.
        const expected: Array<{ account: string; ip: string; time: number; message: string }> = [];
        for (const [account, logins] of ledger.byAccount()) {
          let prev: { ts: number; ip: string; country: string } | undefined;
          for (const l of logins) {
            if (l.ip === undefined) continue;
            const country = COUNTRY[l.ip];
            if (!country) continue;
            if (l.phase === 'window' && prev && prev.country !== country && l.ts - prev.ts < HOUR) {
              expected.push({ account, ip: l.ip, time: l.ts, message: `${account} logged in from ${l.ip} (${country}) ${Math.round((l.ts - prev.ts) / 60_000)} minutes after a login from ${prev.ip} (${prev.country})` });
            }
            prev = { ts: l.ts, ip: l.ip, country };
          }
        }
        const got = byRule(findings, 'auth.impossible-travel').map((f) => ({ account: f.account!, ip: f.ip!, time: f.time, message: f.message }));
        const order = (a: { time: number; message: string }, b: { time: number; message: string }) => a.time - b.time || a.message.localeCompare(b.message);
        expect(got.sort(order)).toEqual(expected.sort(order));
      }),
      { numRuns: 300 },
    );
  });
});
