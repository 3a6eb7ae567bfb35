import { describe, expect, it } from 'vitest';
import { byRule, detect, ev, request, DAY, HOUR } from '../../../../test/helpers/detection.js';

const ATTACKER = '203.0.113.66';

describe('web.overflow-request', () => {
  it.each([
    ['9 KB run of one byte, 414 (high, raised by the failed CGI)', 'critical', `/am_bin/amlogin?${'A'.repeat(9000)}`, 414, ATTACKER],
    ['NOP sled to a CGI, 500 (high, raised)', 'critical', `/am_bin/amlogin/login_auth?id=${'%90'.repeat(400)}`, 500, ATTACKER],
    ['NOP sled outside any CGI, answered 404', 'high', `/images/x.gif?${'%90'.repeat(400)}`, 404, ATTACKER],
    ['%u9090 sled over IPv6, answered 200 (a sled alone: %u escapes are not scored, old browsers wrote Japanese that way)', 'high', `/am_bin/am_main.cgi?${'%u9090'.repeat(100)}`, 200, '2001:db8:bad::1'],
    ['%u9090 sled of 9 KB to a CGI that answered 500', 'critical', `/am_bin/am_main.cgi?${'%u9090'.repeat(1500)}`, 500, '2001:db8:bad::1'],
    ['9 KB of plain text that made a CGI answer 502 (the bug, not necessarily an attacker)', 'medium', `/am_bin/am_main.cgi/mail_search?q=${'abcdefghij'.repeat(900)}`, 502, ATTACKER],
    ['9 KB of plain text refused with 414', 'low', `/am_bin/am_main.cgi/mail_search?q=${'abcdefghij'.repeat(900)}`, 414, ATTACKER],
    ['format string with NUL, answered 200', 'high', '/cgi-bin/login.cgi?u=%n%n%n%n%n%n%n%n%x%x%00', 200, ATTACKER],
    ['a short run of one byte, 200', 'low', `/am_bin/amlogin?x=${'A'.repeat(150)}`, 200, ATTACKER],
  ])('%s is %s', (_name, severity, path, status, ip) => {
    const { findings } = detect([request(HOUR, ip, path, { status })]);
    const f = byRule(findings, 'web.overflow-request');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity, ip, account: null });
  });

  it('keeps long Japanese searches in UTF-8, Shift_JIS and raw bytes at low, even over 8 KB', () => {
    const utf8 = `/am_bin/am_main.cgi/mail_search?query=${encodeURIComponent('氏名 請求書 見積書 '.repeat(200))}`;
    const sjis = `/am_bin/am_main.cgi/mail_search?query=${'%90%BF%8B%81%8F%91%81%40'.repeat(400)}`;
    const raw = `/am_bin/am_main.cgi/mail_search?query=${[...Buffer.from('名前 '.repeat(600))].map((b) => (b >= 0x80 ? `\\x${b.toString(16)}` : String.fromCharCode(b))).join('')}`;
    const { findings } = detect([request(HOUR, '198.51.100.7', utf8), request(HOUR, '198.51.100.8', sjis), request(HOUR, '198.51.100.9', raw)]);
    const f = byRule(findings, 'web.overflow-request');
    expect(f).toHaveLength(3);
    for (const x of f) expect(x.severity, x.message).toBe('low');
  });

  it('keeps a long search URL, a tracking query and a base64 name at low or below', () => {
    const search = `/am_bin/am_main.cgi/mail_search?query=${encodeURIComponent('見積書 OR 請求書 '.repeat(120))}`;
    const tracking = `/am_bin/am_main.cgi/mail_view?id=1&${Array.from({ length: 120 }, (_, i) => `utm_p${i}=campaign-${i}-abcdef`).join('&')}`;
    const b64 = `/am_bin/am_main.cgi/attach?name=${Buffer.from('報告書'.repeat(800)).toString('base64')}`;
    const { findings } = detect([request(HOUR, '198.51.100.7', search), request(HOUR, '198.51.100.8', tracking), request(HOUR, '198.51.100.9', b64)]);
    expect(search.length).toBeGreaterThan(4096);
    for (const f of byRule(findings, 'web.overflow-request')) expect(['info', 'low']).toContain(f.severity);
  });

  it('does not report an overflow request before --since', () => {
    const { findings } = detect([request(-3 * DAY, ATTACKER, `/am_bin/amlogin?${'%90'.repeat(3000)}`, { status: 414 })]);
    expect(findings).toEqual([]);
  });

  it('keeps a line cut by the line cap as evidence, scored on its true length', () => {
    const e = request(HOUR, ATTACKER, `/am_bin/amlogin?${'%41%42'.repeat(100)}`, { truncated: true, length: 5_000_000, status: undefined });
    const { findings } = detect([e]);
    expect(byRule(findings, 'web.overflow-request')[0]).toMatchObject({ evidence: expect.objectContaining({ targetLength: 5_000_000, truncated: true }) });
  });
});

describe('web.overflow-post', () => {
  it('flags a megabyte POST to the login form, critical when it failed', () => {
    const { findings } = detect([
      request(HOUR, ATTACKER, '/am_bin/amlogin/login_auth', { method: 'POST', bytesIn: 1_048_921, status: 500 }),
      request(HOUR + 1, '198.51.100.3', '/am_bin/amlogin/login_auth', { method: 'POST', bytesIn: 900, status: 302 }),
    ]);
    expect(byRule(findings, 'web.overflow-post').map((f) => [f.ip, f.severity])).toEqual([[ATTACKER, 'critical']]);
  });

  it('judges large uploads elsewhere against the site baseline', () => {
    const baseline = Array.from({ length: 50 }, (_, i) => request(-DAY - i * 1000, '198.51.100.3', '/am_bin/am_main.cgi/attach', { method: 'POST', bytesIn: 8_000_000, status: 200 }));
    const { findings } = detect([...baseline, request(HOUR, '198.51.100.3', '/am_bin/am_main.cgi/attach', { method: 'POST', bytesIn: 9_000_000, status: 200 })]);
    expect(byRule(findings, 'web.overflow-post')).toEqual([]);
  });

  it('reports a storm of 413 answers from one source', () => {
    const storm = Array.from({ length: 25 }, (_, i) => request(HOUR + i * 1000, ATTACKER, '/am_bin/amlogin/login_auth', { method: 'POST', status: 413 }));
    expect(byRule(detect(storm).findings, 'web.overflow-post')).toMatchObject([{ severity: 'medium', ip: ATTACKER, evidence: { rejected: 25 } }]);
  });
});

describe('web.handler-crash', () => {
  const crash = (offset: number, ip: string | undefined, detail = 'script died') =>
    ev(offset, { kind: 'http.error', app: 'httpd', protocol: 'http', ...(ip && { ip }), detail, source: { file: 'web/error_log', line: 0 } });
  const plainLong = `/am_bin/am_main.cgi/mail_search?q=${'abcdefghij'.repeat(900)}`;
  const sled = `/am_bin/amlogin/login_auth?id=${'%90'.repeat(400)}`;
  const crashFinding = (events: ReturnType<typeof ev>[]) => byRule(detect(events).findings, 'web.handler-crash');

  it('a crash right after a request built to overflow is critical, charged to its sender', () => {
    expect(crashFinding([request(HOUR, ATTACKER, sled, { status: 500 }), crash(HOUR + 1000, ATTACKER)])).toMatchObject([
      { severity: 'critical', ip: ATTACKER, evidence: { tiedCrashes: 1, strongestTiedRequest: 'critical' } },
    ]);
  });

  it('one crash after a long plain request is medium; an address that keeps crashing the handler is high', () => {
    const once = crashFinding([request(HOUR, ATTACKER, plainLong, { status: 502 }), crash(HOUR + 2000, ATTACKER)]);
    expect(once.map((f) => f.severity)).toEqual(['medium']);
    const repeated = crashFinding([
      request(HOUR, ATTACKER, plainLong, { status: 502 }),
      crash(HOUR + 2000, ATTACKER),
      request(2 * HOUR, ATTACKER, plainLong, { status: 502 }),
      crash(2 * HOUR + 2000, ATTACKER),
    ]);
    expect(repeated.map((f) => [f.severity, f.evidence.tiedCrashes])).toEqual([['high', 2]]);
  });

  it('crashes naming no client never make a long plain request high, however many coincide', () => {
    const f = crashFinding([
      request(HOUR, ATTACKER, plainLong, { status: 502 }),
      crash(HOUR + 1000, undefined, 'handler crash: segfault at 0 in am_main.cgi'),
      request(2 * HOUR, ATTACKER, plainLong, { status: 502 }),
      crash(2 * HOUR + 1000, undefined, 'handler crash: segfault at 0 in am_main.cgi'),
    ]);
    expect(f.map((x) => [x.ip, x.severity, x.evidence.tiedCrashes])).toEqual([[ATTACKER, 'medium', 2]]);
  });

  it('a crash naming no client is charged to the one address whose flagged request came just before it', () => {
    const f = crashFinding([request(HOUR, ATTACKER, sled, { status: 500 }), crash(HOUR + 3000, undefined, 'handler crash: Segmentation fault (11)')]);
    expect(f).toMatchObject([{ severity: 'critical', ip: ATTACKER }]);
  });

  it('a crash from another address, or long after the request, ties to nothing and stays low', () => {
    const f = crashFinding([request(HOUR, ATTACKER, sled, { status: 500 }), crash(HOUR + 1000, '198.51.100.77'), crash(HOUR + 600_000, ATTACKER)]);
    expect(f.map((x) => [x.ip, x.severity, x.evidence.tiedCrashes])).toEqual([
      ['198.51.100.77', 'low', 0],
      [ATTACKER, 'low', 0],
    ]);
  });

  it('an error that is the server refusing a request (URI too long) is no crash', () => {
    expect(crashFinding([request(HOUR, ATTACKER, sled, { status: 414 }), crash(HOUR + 1000, ATTACKER, 'uri too long')])).toEqual([]);
  });
});
