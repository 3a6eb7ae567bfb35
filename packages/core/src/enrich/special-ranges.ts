/**
 * Special-purpose address ranges (RFC 6890 and friends): private, loopback, link-local, CGNAT,
 * documentation, benchmarking, ULA. They are not routed on the internet, so any country or ASN
 * a database gives them is an artifact (whois data puts 198.51.100.0/24 in Australia).
 */
import { NetList } from './nets.js';

export const SPECIAL_PURPOSE = NetList.parse(
  [
    '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
    '192.0.0.0/24', '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24',
    '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
    '::/128', '::1/128', '64:ff9b::/96', '100::/64', '2001:db8::/32', 'fc00::/7', 'fe80::/10', 'ff00::/8',
  ],
  'special-purpose ranges',
);

export function isSpecialPurpose(ip: string): boolean {
  return SPECIAL_PURPOSE.has(ip);
}
