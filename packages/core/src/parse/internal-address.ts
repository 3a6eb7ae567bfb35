/**
 * Addresses that never come from the internet: what a proxy in front of a web server connects
 * from, and what a forwarded chain's own hops are. Documentation ranges are NOT here: they stand
 * for public addresses in examples and tests (enrich/special-ranges.ts treats them apart).
 */
import { BlockList, isIPv6 } from 'node:net';
import { normalizeIp } from './normalize.js';

const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['0.0.0.0', 8],
] as const) INTERNAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::1', 128], ['fc00::', 7], ['fe80::', 10], ['::', 128]] as const) INTERNAL.addSubnet(net, prefix, 'ipv6');

/** `ip` is normalized (see normalize.ts). */
export function isInternalAddress(ip: string): boolean {
  return INTERNAL.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4');
}

/** A forwarded chain's client: its rightmost address that is not internal, else its leftmost. */
export function chainClient(chain: readonly string[]): string | undefined {
  for (let i = chain.length - 1; i >= 0; i--) if (!isInternalAddress(chain[i]!)) return chain[i];
  return chain[0];
}

/**
 * The client of a request that names its connecting address and, maybe, a forwarded-for header
 * (`203.0.113.9, 10.0.0.1`). The header is the client's text at its left end, each proxy
 * appending what it saw: it is used only when the connection came from an internal proxy (or
 * names none), and then its rightmost address that is not internal is the client.
 */
export function clientBehindProxy(connecting: string | undefined, forwarded: string | undefined): { ip: string | undefined; chain: string[] | undefined } {
  if (forwarded === undefined) return { ip: connecting, chain: undefined };
  const chain = forwarded
    .split(',')
    .map((a) => normalizeIp(a.trim()))
    .filter((a): a is string => a !== undefined);
  if (chain.length === 0) return { ip: connecting, chain: undefined };
  const behindProxy = connecting === undefined || isInternalAddress(connecting);
  return { ip: behindProxy ? chainClient(chain) : connecting, chain };
}
