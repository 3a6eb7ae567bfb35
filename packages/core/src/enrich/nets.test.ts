import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NetList, networkOf } from './nets.js';

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((p) => p.join('.'));
/** The address as a number, written out independently of the code under test. */
const value = (ip: string): number => ip.split('.').reduce((a, p) => a * 256 + Number(p), 0);

describe('NetList', () => {
  it('holds an IPv4 address exactly when it lies in one of the networks (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })), { minLength: 1, maxLength: 4 }), fc.array(ipv4, { maxLength: 20 }), (nets, ips) => {
        const list = NetList.parse(nets.map(([ip, len]) => `${ip}/${len}`), 'test');
        for (const ip of ips) {
          const inside = nets.some(([base, len]) => Math.floor(value(ip) / 2 ** (32 - len)) === Math.floor(value(base) / 2 ** (32 - len)));
          expect(list.has(ip), `${ip} in ${nets.join(' ')}`).toBe(inside);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps IPv4 and IPv6 apart, and reads single addresses and comments', () => {
    const list = NetList.parse(['198.51.100.0/24  # office NAT', '2001:db8:10::/48', '203.0.113.7', '', '# nothing'], 'test');
    expect(list.size).toBe(3);
    expect(list.has('198.51.100.200')).toBe(true);
    expect(list.has('198.51.101.1')).toBe(false);
    expect(list.has('203.0.113.7')).toBe(true);
    expect(list.has('203.0.113.8')).toBe(false);
    expect(list.has('2001:db8:10:ffff::1')).toBe(true);
    expect(list.has('2001:db8:11::1')).toBe(false);
    expect(list.has(undefined)).toBe(false);
    expect(list.has('not an address')).toBe(false);
    expect(NetList.parse(['0.0.0.0/0'], 'test').has('2001:db8::1')).toBe(false);
    expect(NetList.parse(['0.0.0.0/0'], 'test').has('255.255.255.255')).toBe(true);
    expect(() => NetList.parse(['198.51.100.0/33'], 'test')).toThrow(/not an IP or CIDR/);
  });

  it('names the /24 or /48 of an address', () => {
    expect(networkOf('198.51.100.23')).toBe('198.51.100.0/24');
    expect(networkOf('2001:db8:10:ffff::1')).toBe('2001:db8:10::/48');
  });
});
