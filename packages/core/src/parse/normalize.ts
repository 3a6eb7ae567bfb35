/**
 * Identity normalization: the same account or IP must be one key everywhere, whatever the log
 * wrote (`Taro@Example.co.jp`, `unknown[::ffff:198.51.100.23]:55729`).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { parseCanonicalIPv4 } from '../ipv4.js';

const ipCache = new Map<string, string | undefined>();
/** Bounded so that a spray of millions of distinct addresses cannot grow it without limit. */
const IP_CACHE_MAX = 65_536;

/**
 * Normalizes an address as logged: strips a `name[...]` wrapper and a port, unwraps IPv4-mapped
 * IPv6, compresses IPv6 (RFC 5952, via the WHATWG URL serializer). Returns undefined for
 * anything that is not an IP (`unknown`, empty, garbage).
 */
export function normalizeIp(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.length === 0 || raw.length > 100) return undefined;
  // Most addresses are already plain dotted decimal, which is what computeIp would return: no
  // cache, no regular expression (the cache misses on every new address, and archives hold
  // hundreds of thousands).
  if (parseCanonicalIPv4(raw) >= 0) return raw;
  const cached = ipCache.get(raw);
  if (cached !== undefined || ipCache.has(raw)) return cached;
  const value = computeIp(raw);
  if (ipCache.size >= IP_CACHE_MAX) ipCache.clear();
  ipCache.set(raw, value);
  return value;
}

function computeIp(raw: string): string | undefined {
  let s = raw.trim();
  const open = s.indexOf('[');
  if (open !== -1) {
    const close = s.indexOf(']', open);
    if (close === -1) return undefined;
    s = s.slice(open + 1, close);
  } else if (s.includes('.') && s.lastIndexOf(':') !== -1 && !s.includes('::') && s.split(':').length === 2) {
    // IPv4 with a port: `192.0.2.237:55729`
    s = s.slice(0, s.indexOf(':'));
  }
  if (s.toLowerCase().startsWith('ipv6:')) s = s.slice(5);
  const zone = s.indexOf('%');
  if (zone !== -1) s = s.slice(0, zone);
  if (isIPv4(s)) return s;
  if (!isIPv6(s)) return undefined;
  const lower = s.toLowerCase();
  const mapped = /^(?:0{0,4}:){0,4}:?(?:0{0,4}:)?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1];
  const canonical = new URL(`http://[${lower}]/`).hostname.slice(1, -1);
  // `::ffff:c000:0201` style (mapped, written in hex) after canonicalization
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (hexMapped) {
    const hi = parseInt(hexMapped[1]!, 16);
    const lo = parseInt(hexMapped[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return canonical;
}

/** Lower-cased, trimmed account name; undefined for empty names (`user=<>`). */
export function normalizeAccount(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const s = raw.trim();
  if (s.length === 0) return undefined;
  return s.toLowerCase();
}
