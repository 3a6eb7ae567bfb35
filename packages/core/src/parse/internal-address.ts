/**
 * Addresses that never come from the internet: what a proxy in front of a web server connects
 * from, and what a forwarded chain's own hops are. Documentation ranges are NOT here: they stand
 * for public addresses in examples and tests (enrich/special-ranges.ts treats them apart).
 */
import { BlockList, isIPv6 } from 'node:net';

const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['0.0.0.0', 8],
] as const) INTERNAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::1', 128], ['fc00::', 7], ['fe80::', 10], ['::', 128]] as const) INTERNAL.addSubnet(net, prefix, 'ipv6');

/** `ip` is normalized (see normalize.ts). */
export function isInternalAddress(ip: string): boolean {
  return INTERNAL.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4');
}
