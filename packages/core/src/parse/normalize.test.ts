import { describe, expect, it } from 'vitest';
import { isIPv4 } from 'node:net';
import fc from 'fast-check';
import { normalizeAccount, normalizeIp } from './normalize.js';
import { redactSecrets } from './redact.js';
import { POSTFIX_FIELDS, readKeyValues } from './key-values.js';

describe('normalizeIp', () => {
  it.each([
    ['198.51.100.23', '198.51.100.23'],
    ['unknown[198.51.100.23]', '198.51.100.23'],
    ['unknown[192.0.2.237]:55729', '192.0.2.237'],
    ['192.0.2.237:55729', '192.0.2.237'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['unknown[::ffff:203.0.113.9]', '203.0.113.9'],
    ['::ffff:cb00:7109', '203.0.113.9'],
    ['2001:DB8:0:0:0:0:0:5', '2001:db8::5'],
    ['mail.example.org[2001:db8::25]', '2001:db8::25'],
    ['[IPv6:2001:db8::1]', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['unknown[unknown]', undefined],
    ['', undefined],
    ['999.1.1.1', undefined],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeIp(raw)).toBe(expected);
  });

  it('takes dotted decimal as it is exactly when node:net calls it IPv4 (the fast path agrees with the slow one)', () => {
    const part = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.stringMatching(/^[0-9]{1,4}$/), fc.constantFrom('', '-1', ' 1', '1 ', 'a'));
    const dotted = fc.array(part, { minLength: 3, maxLength: 5 }).map((parts) => parts.join('.'));
    fc.assert(
      fc.property(dotted, (raw) => {
        const out = normalizeIp(raw);
        if (isIPv4(raw)) expect(out).toBe(raw);
        else if (!isIPv4(raw.trim())) expect(out).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('normalizeAccount', () => {
  it('compares accounts case-insensitively and drops empty names', () => {
    expect(normalizeAccount('Taro@Example.co.jp')).toBe('taro@example.co.jp');
    expect(normalizeAccount(' ')).toBeUndefined();
    expect(normalizeAccount('')).toBeUndefined();
  });
});

describe('redactSecrets', () => {
  it.each([
    ['Password mismatch (given password: hunter2)', 'Password mismatch (given password: [REDACTED])'],
    ['mismatch (SHA1 of given password: f638ff)', 'mismatch (SHA1 of given password: [REDACTED])'],
    ['(given password: a)b)c) tail', '(given password: [REDACTED]) tail'],
    ['no secret here', 'no secret here'],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });
});

describe('readKeyValues', () => {
  it('reads angle values with commas and flags', () => {
    const kv = readKeyValues('user=<a,b>c@example.jp>, method=PLAIN, rip=203.0.113.7, TLS, session=<k3Hq>');
    expect(kv.get('user')).toBe('a,b>c@example.jp');
    expect(kv.get('rip')).toBe('203.0.113.7');
    expect(kv.has('TLS')).toBe(true);
    expect(kv.get('session')).toBe('k3Hq');
  });

  it('is linear on pathological tails', () => {
    const evil = `user=<${'>'.repeat(200_000)}`;
    const kv = readKeyValues(evil);
    expect(kv.get('user')?.length).toBe(199_999);
  });

  // Kept in the lists alone, these 150,000 keys took 52 s to read; past 32 keys they move to a Map.
  it('keeps its rules on a tail padded with 150,000 keys, whose fields move to a Map', () => {
    const padding = Array.from({ length: 150_000 }, (_, i) => `k${i}=${i}`).join(', ');
    const dovecot = readKeyValues(`user=<victim>, rip=198.51.100.7, ${padding}, user=<other>, rip=203.0.113.66, TLS`);
    expect(dovecot.get('user')).toBe('victim');
    expect(dovecot.get('rip')).toBe('203.0.113.66');
    expect(dovecot.get('k149999')).toBe('149999');
    expect(dovecot.has('TLS')).toBe(true);
    const postfix = readKeyValues(`client=a[192.0.2.1], ${padding}, client=b[203.0.113.66]`, POSTFIX_FIELDS);
    expect(postfix.get('client')).toBe('a[192.0.2.1]');
  });
});
