/**
 * How many distinct accounts logged in from each address in the baseline. An office NAT, a
 * carrier's CGNAT gateway or a proxy serves hundreds of accounts; an attacker's own address
 * serves none before the window. Attribution rules use it to tell "this address is the
 * attacker's" from "this address is shared, and the attacker was one of its users".
 *
 * A column by the scan's IP id (4 bytes an address), not a Map of strings: at millions of
 * addresses a Map entry costs twenty times that.
 */
import type { Login } from './login-ledger.js';
import type { KeyTable } from './identities.js';
import { IdColumn } from './growable-column.js';
import { networkOf } from '../enrich/nets.js';

export class SourceFanout {
  private readonly counts = new IdColumn((n) => new Uint32Array(n));

  constructor(private readonly ips: KeyTable) {}

  /** Reads every account's logins once; each (account, address) pair of the baseline counts once. */
  static fromLogins(byAccount: Iterable<[string, readonly Login[]]>, ips: KeyTable): SourceFanout {
    const fanout = new SourceFanout(ips);
    const seen = new Set<string>();
    for (const [, logins] of byAccount) {
      seen.clear();
      for (const l of logins) {
        if (l.phase !== 'baseline' || l.ip === undefined || seen.has(l.ip)) continue;
        seen.add(l.ip);
        fanout.counts.add(ips.intern(l.ip), 1);
      }
    }
    return fanout;
  }

  /** Distinct accounts that logged in from `ip` before the window; 0 for an address never seen there. */
  accounts(ip: string): number {
    const id = this.ips.find(ip);
    return id < 0 ? 0 : this.counts.get(id);
  }
}

/** An account's own baseline sources: what it is used to, so a login from them is no news. */
export function baselineSources(logins: readonly Login[]): Set<string> {
  const out = new Set<string>();
  for (const l of logins) if (l.phase === 'baseline' && l.ip !== undefined) out.add(l.ip);
  return out;
}

/**
 * What an account is used to, from its baseline logins: addresses, their networks (/24, /48) and,
 * with GeoIP, their ASNs (a phone behind a carrier's CGNAT changes address every session; its ASN
 * stays). A login from any of them is no new source.
 */
export class UsualSources {
  readonly ips = new Set<string>();
  readonly networks = new Set<string>();
  private readonly asns = new Set<number>();
  /** Baseline logins that had an address. */
  logins = 0;

  constructor(
    logins: readonly Login[],
    private readonly asnOf: (ip: string) => number | undefined,
  ) {
    for (const l of logins) {
      if (l.phase !== 'baseline' || l.ip === undefined) continue;
      this.logins++;
      this.ips.add(l.ip);
      this.networks.add(networkOf(l.ip));
      const asn = asnOf(l.ip);
      if (asn !== undefined) this.asns.add(asn);
    }
  }

  /** Whether `ip` is the account's address, in one of its networks, or of one of its ASNs. */
  has(ip: string): boolean {
    if (this.ips.has(ip) || this.networks.has(networkOf(ip))) return true;
    const asn = this.asnOf(ip);
    return asn !== undefined && this.asns.has(asn);
  }
}
