/**
 * IP networks: CIDR lists (`--trusted-nets`, `--ioc`) and the /24 (IPv4) or /48 (IPv6) network
 * of an address, which `auth.new-source` compares. Addresses are normalized strings from
 * parse/normalize.ts.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { InvalidOptionError } from '../errors.js';
import { normalizeIp } from '../parse/normalize.js';
import { parseCanonicalIPv4 } from '../ipv4.js';

/** An IPv6 address (valid, as isIPv6 says) as its 128-bit value. */
export function ipv6Value(ip: string): bigint {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  let v = 0n;
  for (const g of groups) v = (v << 16n) + BigInt(parseInt(g || '0', 16));
  return v;
}

/** An address as a bigint plus its width (32 or 128). */
function toBig(ip: string): { v: bigint; bits: 32 | 128 } | undefined {
  // parseCanonicalIPv4 reads exactly the dotted decimal isIPv4 accepts.
  const v4 = parseCanonicalIPv4(ip);
  if (v4 >= 0) return { v: BigInt(v4), bits: 32 };
  if (!isIPv6(ip)) return undefined;
  return { v: ipv6Value(ip), bits: 128 };
}

export interface Cidr {
  text: string;
  base: bigint;
  prefix: number;
  bits: 32 | 128;
}

export function parseCidr(text: string): Cidr | undefined {
  const [addr, len] = text.trim().split('/');
  const ip = normalizeIp(addr);
  if (!ip) return undefined;
  const big = toBig(ip);
  if (!big) return undefined;
  const prefix = len === undefined ? big.bits : Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > big.bits) return undefined;
  const shift = BigInt(big.bits - prefix);
  return { text: `${ip}/${prefix}`, base: (big.v >> shift) << shift, prefix, bits: big.bits };
}

export class NetList {
  private readonly cidrs: Cidr[];
  /** The IPv4 networks as 32-bit base and mask: an IPv4 address is tested without a bigint. */
  private readonly v4: Array<{ base: number; mask: number }>;
  private readonly v6: Cidr[];
  private readonly cache = new Map<string, boolean>();

  constructor(cidrs: readonly Cidr[] = []) {
    this.cidrs = [...cidrs];
    this.v4 = this.cidrs.filter((c) => c.bits === 32).map((c) => {
      const mask = c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0;
      return { base: Number(c.base) >>> 0, mask };
    });
    this.v6 = this.cidrs.filter((c) => c.bits === 128);
  }

  /** Parses lines of IPs/CIDRs; `#` starts a comment. Throws InvalidOptionError naming the bad entry. */
  static parse(entries: readonly string[], what: string): NetList {
    const out: Cidr[] = [];
    for (const raw of entries) {
      const text = raw.replace(/#.*/, '').trim();
      if (!text) continue;
      const c = parseCidr(text);
      if (!c) throw new InvalidOptionError(`${what}: not an IP or CIDR: ${JSON.stringify(text)}`);
      out.push(c);
    }
    return new NetList(out);
  }

  get size(): number {
    return this.cidrs.length;
  }

  has(ip: string | undefined): boolean {
    if (ip === undefined || this.cidrs.length === 0) return false;
    // Dotted decimal (what normalizeIp gives for IPv4) with plain numbers: detection asks about
    // every login, and the bigint path with its cache cost half a second per 200,000 accounts.
    const n = parseCanonicalIPv4(ip);
    if (n >= 0) {
      for (const c of this.v4) if ((n & c.mask) >>> 0 === c.base) return true;
      return false;
    }
    if (this.v6.length === 0) return false;
    const hit = this.cache.get(ip);
    if (hit !== undefined) return hit;
    const big = toBig(ip);
    let found = false;
    if (big?.bits === 128) {
      for (const c of this.v6) {
        const shift = BigInt(c.bits - c.prefix);
        if ((big.v >> shift) << shift === c.base) {
          found = true;
          break;
        }
      }
    }
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(ip, found);
    return found;
  }
}

/** The network an address belongs to for "new source" purposes: /24 for IPv4, /48 for IPv6. */
export function networkOf(ip: string): string {
  if (isIPv4(ip)) return `${ip.slice(0, ip.lastIndexOf('.'))}.0/24`;
  const big = toBig(ip);
  if (!big) return ip;
  const net = (big.v >> 80n) << 80n;
  const hex = net.toString(16).padStart(32, '0');
  return `${hex.slice(0, 4)}:${hex.slice(4, 8)}:${hex.slice(8, 12)}::/48`.replace(/(^|:)0{1,3}(?=[0-9a-f])/g, '$1');
}

export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}
