import { describe, expect, it } from 'vitest';
import type { MailEvent } from '../event.js';
import { createDetectionContext } from '../detect/context.js';
import { LoginLedger } from './login-ledger.js';
import { SpillArea } from './account-spill.js';
import { SourceFanout } from './source-fanout.js';
import fc from 'fast-check';

const T = Date.UTC(2024, 7, 5, 9, 0, 0);
const WEBMAIL = '192.0.2.30';

const post = (ip: string, line: number): MailEvent => ({
  ts: T, phase: 'window', source: { file: 'web01/access_log', line }, app: 'httpd', kind: 'http.request', length: 120,
  protocol: 'http', ip, method: 'POST', path: '/am_bin/amlogin/login_auth', status: 302,
});
const imapLogin = (account: string, line: number): MailEvent => ({
  ts: T + 1000, phase: 'window', source: { file: 'mx01/maillog', line }, app: 'dovecot', kind: 'auth.success', length: 120,
  protocol: 'imap', account, ip: WEBMAIL,
});

function ledgerOf(events: readonly MailEvent[], spill?: SpillArea): LoginLedger {
  const ledger = new LoginLedger(createDetectionContext({ window: { since: 0, until: Infinity }, webmailHosts: [WEBMAIL], ...(spill && { spill }) }));
  for (const e of events) ledger.observe(e);
  return ledger;
}

describe('LoginLedger webmail tie', () => {
  // Two browsers post the login form in the same second (logs have whole seconds), then the
  // webmail logs into IMAP: the tie is ambiguous, and which client it names must not depend on
  // which log was read first (with -j it depends on timing).
  it('names the same client for an ambiguous tie whatever order the posts arrived in', () => {
    const a = post('203.0.113.9', 1);
    const b = post('198.51.100.7', 2);
    const login = imapLogin('alice@example.jp', 10);
    const orders = [[a, b, login], [b, a, login], [login, b, a]];
    const results = orders.map((events) => ledgerOf(events).loginsOf('alice@example.jp'));
    for (const logins of results) {
      expect(logins).toHaveLength(1);
      expect(logins[0]).toMatchObject({ via: 'webmail', webmailHost: WEBMAIL, tie: 'ambiguous' });
      expect(logins[0]!.ip).toBe(results[0]![0]!.ip);
    }
  });

  it('gives each account its logins in time order, one account at a time, and none for a stranger', () => {
    const events: MailEvent[] = [];
    for (let i = 0; i < 50; i++) {
      events.push({ ts: T + ((i * 37) % 50) * 60_000, phase: 'window', source: { file: 'mx01/maillog', line: i + 1 }, app: 'dovecot', kind: 'auth.success', length: 120, protocol: 'imap', account: `u${i % 5}@example.jp`, ip: `10.0.0.${i}` });
    }
    const ledger = ledgerOf(events);
    const seen = [...ledger.byAccount()];
    expect(seen.map(([account]) => account).sort()).toEqual(['u0@example.jp', 'u1@example.jp', 'u2@example.jp', 'u3@example.jp', 'u4@example.jp']);
    for (const [account, logins] of seen) {
      expect(logins).toHaveLength(10);
      expect(logins.every((l) => l.account === account && l.via === 'direct')).toBe(true);
      expect(logins.map((l) => l.ts)).toEqual([...logins.map((l) => l.ts)].sort((x, y) => x - y));
      expect(ledger.loginsOf(account)).toEqual(logins);
    }
    expect(ledger.loginsOf('nobody@example.jp')).toEqual([]);
  });

  it('gives the same logins, ties and webmail hosts when its rows went to disk', () => {
    const events: MailEvent[] = [];
    for (let i = 0; i < 600; i++) {
      const account = `u${(i * 7) % 300}@example.jp`;
      const phase = i < 200 ? 'baseline' : 'window';
      const ts = T + (i < 200 ? -86_400_000 : 0) + i * 30_000;
      if (i % 3 === 0) {
        events.push({ ...post(`198.51.100.${i % 50}`, i), ts: ts - 1000, phase });
        events.push({ ...imapLogin(account, 1000 + i), ts, phase });
      } else {
        events.push({ ts, phase, source: { file: `mx0${i % 2}/maillog`, line: i }, app: 'dovecot', kind: 'auth.success', length: 120, protocol: 'pop3', account, ip: `10.0.${i % 4}.${i % 200}` });
      }
    }
    const inMemory = ledgerOf(events);
    const spill = new SpillArea({ memoryBytes: 256 });
    try {
      const spilled = ledgerOf(events, spill);
      const sorted = (l: LoginLedger) => [...l.byAccount()].sort(([a], [b]) => (a < b ? -1 : 1));
      const expected = sorted(inMemory);
      expect(expected).toHaveLength(300);
      expect(expected.some(([, logins]) => logins.some((l) => l.via === 'webmail' && l.tie === 'exact'))).toBe(true);
      expect(spill.directory).toBeDefined();
      expect(sorted(spilled)).toEqual(expected);
      expect([...spilled.webmailHosts()]).toEqual([...inMemory.webmailHosts()]);
      expect(spilled.loginsOf('u7@example.jp')).toEqual(inMemory.loginsOf('u7@example.jp'));
    } finally {
      spill.dispose();
    }
  });

  it('ties a login to a POST across an hour boundary, the last hour partition to the first included', () => {
    const HOUR = 3_600_000;
    const hour = Math.floor(T / HOUR);
    // An hour whose partition is the last (255): its POSTs and the next hour's logins meet across the wrap.
    const edge = (hour - (hour % 256) + 255 + 1) * HOUR;
    const later = edge + 256 * HOUR;
    const events = [
      // Back across the wrap: the POST in the last partition, the login 5 s later in the first.
      { ...post('203.0.113.9', 1), ts: edge - 2000 },
      { ...imapLogin('alice@example.jp', 10), ts: edge + 3000 },
      // Forward across it: the login in the last partition, its POST 1.5 s later in the first.
      { ...imapLogin('bob@example.jp', 11), ts: later - 500 },
      { ...post('198.51.100.7', 2), ts: later + 1000 },
    ];
    const ledger = ledgerOf(events);
    expect(ledger.loginsOf('alice@example.jp')).toMatchObject([{ via: 'webmail', tie: 'exact', ip: '203.0.113.9' }]);
    expect(ledger.loginsOf('bob@example.jp')).toMatchObject([{ via: 'webmail', tie: 'exact', ip: '198.51.100.7' }]);
  });
});

describe('LoginLedger: each webmail host is tied only to the posts of its own access log', () => {
  const HOUR = 3_600_000;
  const WEBMAIL2 = '192.0.2.31';
  const at = (ts: number, phase: MailEvent['phase'], fields: Partial<MailEvent> & Pick<MailEvent, 'kind' | 'source'>): MailEvent =>
    ({ ts, phase, app: 'x', length: 100, ...fields }) as MailEvent;
  const postTo = (site: string, ts: number, ip: string, phase: MailEvent['phase'], line: number): MailEvent =>
    at(ts, phase, { kind: 'http.request', source: { file: `${site}/access_log`, line }, protocol: 'http', ip, method: 'POST', path: '/am_bin/amlogin/login_auth', status: 302 });
  const loginFrom = (host: string, ts: number, account: string, phase: MailEvent['phase'], line: number): MailEvent =>
    at(ts, phase, { kind: 'auth.success', source: { file: 'mx01/maillog', line }, protocol: 'imap', account, ip: host });

  it('learns which site feeds which host from the baseline, and ties a window login past a closer post to the other webmail', () => {
    const events: MailEvent[] = [];
    let line = 0;
    // A baseline of webmail01 users posting to webmail01 and webmail02 users to webmail02.
    for (let i = 0; i < 30; i++) {
      const ts = T - 10 * HOUR + i * 60_000;
      events.push(postTo('webmail01', ts, `198.51.100.${i + 1}`, 'baseline', ++line), loginFrom(WEBMAIL, ts + 1000, `a${i}@example.jp`, 'baseline', ++line));
      events.push(postTo('webmail02', ts + 30_000, `198.51.100.${i + 101}`, 'baseline', ++line), loginFrom(WEBMAIL2, ts + 31_000, `b${i}@example.jp`, 'baseline', ++line));
    }
    // In the window: the attacker posts to webmail01; a user posts to webmail02 half a second
    // before webmail01 logs in: the nearest post, but to the other webmail.
    events.push(postTo('webmail01', T, '203.0.113.66', 'window', ++line));
    events.push(postTo('webmail02', T + 1500, '198.51.100.200', 'window', ++line));
    events.push(loginFrom(WEBMAIL, T + 2000, 'victim@example.jp', 'window', ++line));
    const ledger = new LoginLedger(createDetectionContext({ window: { since: T - HOUR, until: Infinity }, webmailHosts: [WEBMAIL, WEBMAIL2] }));
    for (const e of events) ledger.observe(e);
    expect(ledger.loginsOf('victim@example.jp')).toMatchObject([{ via: 'webmail', webmailHost: WEBMAIL, ip: '203.0.113.66', tie: 'exact' }]);
  });

  it('does not learn an office NAT as a webmail host: its users post the login form through it', () => {
    const NAT = '198.51.100.1';
    const events: MailEvent[] = [];
    let line = 0;
    // Forty colleagues behind one NAT, each using the webmail and an IMAP client through it.
    for (let i = 0; i < 40; i++) {
      const ts = T - 10 * HOUR + i * 60_000;
      events.push(postTo('webmail01', ts, NAT, 'baseline', ++line), loginFrom(WEBMAIL, ts + 1000, `c${i}@example.jp`, 'baseline', ++line));
      events.push(loginFrom(NAT, ts + 1500, `c${i}@example.jp`, 'baseline', ++line));
    }
    const ledger = new LoginLedger(createDetectionContext({ window: { since: T - HOUR, until: Infinity } }));
    for (const e of events) ledger.observe(e);
    expect([...ledger.webmailHosts()].sort()).toEqual([WEBMAIL]);
  });
});

describe('baseline sources from the records', () => {
  // The engine counts each address's baseline accounts from the ledger's rows, without making
  // the logins; the count must be the one the logins themselves give: webmail logins counted
  // under their tied client (or not at all when untied), window logins not at all, an account's
  // repeated address once, an address without any baseline login as 0.
  it('counts what fromLogins counts over byAccount, for any mix of direct and webmail logins', () => {
    const ips = ['203.0.113.9', '198.51.100.7', '10.1.2.3', WEBMAIL, '2001:db8::5'];
    const arbLogin = fc.record({
      account: fc.integer({ min: 0, max: 7 }),
      ip: fc.integer({ min: 0, max: ips.length - 1 }),
      minute: fc.integer({ min: 0, max: 600 }),
      baseline: fc.boolean(),
    });
    const arbPost = fc.record({ ip: fc.integer({ min: 0, max: 2 }), minute: fc.integer({ min: 0, max: 600 }) });
    fc.assert(
      fc.property(fc.array(arbLogin, { maxLength: 60 }), fc.array(arbPost, { maxLength: 20 }), (logins, posts) => {
        const since = T;
        const events: MailEvent[] = [];
        logins.forEach((l, i) => {
          const ts = l.baseline ? since - (l.minute + 1) * 60_000 : since + l.minute * 60_000;
          events.push({ ...imapLogin(`u${l.account}@example.jp`, i + 1), ts, phase: l.baseline ? 'baseline' : 'window', ip: ips[l.ip]! });
        });
        posts.forEach((p, i) => {
          events.push({ ...post(ips[p.ip]!, 1000 + i), ts: since - p.minute * 60_000, phase: 'baseline' });
        });
        const ledger = new LoginLedger(createDetectionContext({ window: { since, until: Infinity }, webmailHosts: [WEBMAIL] }));
        for (const e of events) ledger.observe(e);
        const fromRows = SourceFanout.fromLedger(ledger);
        const fromObjects = SourceFanout.fromLogins(ledger.byAccount(), ledger.ipTable);
        for (const ip of [...ips, '192.0.2.99']) expect(fromRows.accounts(ip)).toBe(fromObjects.accounts(ip));
      }),
      { numRuns: 200 },
    );
  });
});
