import { describe, expect, it } from 'vitest';
import { byRule, detect, failure, habits, login, logout, request, submit, DAY, HOUR } from '../../../../test/helpers/detection.js';
import type { GeoLookup } from '../enrich/geo.js';
import type { MailEvent } from '../event.js';

const OFFICE_NAT = '198.51.100.1';
const EXPLOIT = `/am_bin/amlogin/login_auth?id=${'%90'.repeat(400)}`;
/** Twenty colleagues behind one office NAT, every working day of the baseline. */
const office = Array.from({ length: 20 }, (_, i) => `staff${i}@example.co.jp`);
const officeHabits = office.flatMap((a) => habits(a, OFFICE_NAT, 10));
const verdictOf = (r: ReturnType<typeof detect>, account: string) => r.accounts.find((a) => a.account === account);

describe('verdicts: attribution respects shared addresses', () => {
  it('an exploit source of its own: its logins are compromised (critical), it is the block list', () => {
    const r = detect([...habits('a@example.jp', '198.51.100.21'), request(HOUR, '203.0.113.66', EXPLOIT, { status: 500 }), login(2 * HOUR, 'a@example.jp', '203.0.113.66')]);
    expect(verdictOf(r, 'a@example.jp')).toMatchObject({ verdict: 'compromised', severity: 'critical' });
    expect(verdictOf(r, 'a@example.jp')!.chain[0]).toMatchObject({ rule: 'auth.ioc-source', role: 'attribution', ip: '203.0.113.66' });
    expect(r.ips.find((v) => v.ip === '203.0.113.66')).toMatchObject({ verdict: 'attacker', severity: 'critical' });
  });

  it('an exploit source behind the office NAT: colleagues logging in as every day are not compromised; the one at the exploit hour is', () => {
    const events: MailEvent[] = [
      ...officeHabits,
      request(3 * DAY, OFFICE_NAT, EXPLOIT, { status: 500 }),
      // staff0 logs in twenty minutes after the exploit traffic; the others days later.
      login(3 * DAY + 20 * 60_000, 'staff0@example.co.jp', OFFICE_NAT),
      ...office.slice(1).map((a, i) => login(5 * DAY + i * 60_000, a, OFFICE_NAT)),
    ];
    const r = detect(events);
    const ioc = byRule(r.findings, 'auth.ioc-source');
    expect(ioc).toHaveLength(20);
    expect(ioc.filter((f) => f.severity === 'critical').map((f) => f.account)).toEqual(['staff0@example.co.jp']);
    expect(ioc.find((f) => f.account === 'staff1@example.co.jp')).toMatchObject({ severity: 'low', evidence: { shared: true, sharedAccounts: 20, usualForAccount: true, attributed: false } });
    expect(r.accounts.filter((a) => a.verdict === 'compromised').map((a) => a.account)).toEqual(['staff0@example.co.jp']);
    expect(verdictOf(r, 'staff5@example.co.jp')).toMatchObject({ verdict: 'suspicious', severity: 'low' });
    expect(r.ips.find((v) => v.ip === OFFICE_NAT)).toMatchObject({ verdict: 'attacker', sharedAccounts: 20 });
  });

  it('a login from a shared exploit source, new to the account, is attributed when a mass download from it follows within a day', () => {
    const events = [
      ...officeHabits,
      ...habits('remote@example.co.jp', '192.0.2.77'),
      request(HOUR, OFFICE_NAT, EXPLOIT, { status: 500 }),
      login(3 * DAY, 'remote@example.co.jp', OFFICE_NAT),
      logout(3 * DAY + 600_000, 'remote@example.co.jp', OFFICE_NAT, 900_000_000),
    ];
    const r = detect(events);
    expect(verdictOf(r, 'remote@example.co.jp')).toMatchObject({ verdict: 'compromised', severity: 'critical' });
    expect(verdictOf(r, 'remote@example.co.jp')!.chain.map((l) => [l.rule, l.role])).toEqual([
      ['auth.ioc-source', 'attribution'],
      ['access.mass-download', 'corroboration'],
      ['auth.new-source', 'corroboration'],
    ]);
  });

  it('from the account\'s own office NAT, the same download is a question (suspicious, medium), not a reset', () => {
    const events = [...officeHabits, request(HOUR, OFFICE_NAT, EXPLOIT, { status: 500 }), login(3 * DAY, 'staff7@example.co.jp', OFFICE_NAT), logout(3 * DAY + 600_000, 'staff7@example.co.jp', OFFICE_NAT, 900_000_000)];
    const r = detect(events);
    expect(verdictOf(r, 'staff7@example.co.jp')).toMatchObject({ verdict: 'suspicious', severity: 'medium' });
  });

  it('medium exploit evidence (a long plain request that crashed a handler) attributes nothing', () => {
    const crash = `/am_bin/am_main.cgi/mail_search?q=${'abcdefghij'.repeat(900)}`;
    const r = detect([...habits('c@example.jp', '198.51.100.30'), request(HOUR, '198.51.100.99', crash, { status: 502 }), login(2 * HOUR, 'c@example.jp', '198.51.100.99')]);
    expect(byRule(r.findings, 'web.overflow-request')).toMatchObject([{ severity: 'medium' }]);
    expect(byRule(r.findings, 'auth.ioc-source')).toEqual([]);
    expect(r.accounts.some((a) => a.verdict === 'compromised')).toBe(false);
    expect(r.ips.find((v) => v.ip === '198.51.100.99')).toMatchObject({ verdict: 'suspicious', severity: 'medium' });
  });

  it('a kiosk behind the office NAT failing for everyone is no stuffing source, and its users are not compromised', () => {
    const kiosk = office.map((a, i) => failure(DAY + i * 1000, a, OFFICE_NAT));
    const r = detect([...officeHabits, ...kiosk, ...office.map((a, i) => login(DAY + HOUR + i * 1000, a, OFFICE_NAT))]);
    expect(byRule(r.findings, 'auth.spray').find((f) => f.account === null)).toMatchObject({ severity: 'low', evidence: { shared: true } });
    expect(r.accounts.filter((a) => a.verdict === 'compromised')).toEqual([]);
    expect(r.ips.find((v) => v.ip === OFFICE_NAT)?.verdict).not.toBe('attacker');
  });
});

describe('verdicts: anomalies need corroboration', () => {
  const geo: GeoLookup = {
    sources: ['test'],
    lookup: (ip: string) => (ip.startsWith('198.51.100.') ? { country: 'JP', asn: 64500 } : ip.startsWith('203.0.113.') ? { country: 'FR', asn: 64501 } : {}),
  };

  it('a traveller (new source and another country within the hour) is suspicious, low', () => {
    const r = detect([...habits('t@example.jp', '198.51.100.40'), login(DAY, 't@example.jp', '198.51.100.40'), login(DAY + 30 * 60_000, 't@example.jp', '203.0.113.80')], { geo });
    expect(byRule(r.findings, 'auth.impossible-travel')).toMatchObject([{ severity: 'low' }]);
    expect(verdictOf(r, 't@example.jp')).toMatchObject({ verdict: 'suspicious', severity: 'low' });
    expect(r.ips.find((v) => v.ip === '203.0.113.80')).toMatchObject({ verdict: 'suspicious', severity: 'low' });
  });

  it('brute force ending at the account\'s own address is low; ending at a new address is compromised', () => {
    const burst = (account: string, ip: string) => Array.from({ length: 12 }, (_, i) => failure(DAY + i * 60_000, account, ip));
    const r = detect([
      ...habits('phone@example.jp', '198.51.100.50'),
      ...burst('phone@example.jp', '198.51.100.50'),
      login(DAY + 15 * 60_000, 'phone@example.jp', '198.51.100.50'),
      ...habits('victim@example.jp', '198.51.100.51'),
      ...burst('victim@example.jp', '192.0.2.77'),
      login(DAY + 15 * 60_000, 'victim@example.jp', '192.0.2.77'),
    ]);
    expect(verdictOf(r, 'phone@example.jp')).toMatchObject({ verdict: 'suspicious', severity: 'low' });
    expect(verdictOf(r, 'victim@example.jp')).toMatchObject({ verdict: 'compromised', severity: 'high' });
    expect(r.ips.find((v) => v.ip === '192.0.2.77')).toMatchObject({ verdict: 'attacker' });
  });

  it('a send burst from a stuffed login makes the compromise critical', () => {
    const targets = Array.from({ length: 12 }, (_, i) => `s${i}@example.jp`);
    const r = detect([
      ...targets.map((t, i) => failure(HOUR + i * 1000, t, '192.0.2.250')),
      ...habits('s2@example.jp', '198.51.100.60'),
      login(2 * HOUR, 's2@example.jp', '192.0.2.250'),
      ...Array.from({ length: 60 }, (_, i) => submit(2 * HOUR + i * 10_000, 's2@example.jp', '192.0.2.250')),
    ]);
    expect(verdictOf(r, 's2@example.jp')).toMatchObject({ verdict: 'compromised', severity: 'critical' });
    expect(verdictOf(r, 's2@example.jp')!.reason).toMatch(/followed by smtp.send-burst/);
  });
});
