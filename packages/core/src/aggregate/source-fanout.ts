/**
 * How many distinct accounts logged in from each address in the baseline. An office NAT, a
 * carrier's CGNAT gateway or a proxy serves hundreds of accounts; an attacker's own address
 * serves none before the window. Attribution rules use it to tell "this address is the
 * attacker's" from "this address is shared, and the attacker was one of its users".
 *
 * A column by the scan's IP id (4 bytes an address), not a Map of strings: at millions of
 * addresses a Map entry costs twenty times that.
 */
import type { Login, LoginLedger } from './login-ledger.js';
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

  /** From the ledger's records, without making its logins: the same counts as `fromLogins` over `byAccount`. */
  static fromLedger(ledger: Pick<LoginLedger, 'eachBaselineSource' | 'ipTable'>): SourceFanout {
    const fanout = new SourceFanout(ledger.ipTable);
    ledger.eachBaselineSource((_account, ip) => fanout.counts.add(ip, 1));
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
  /** Baseline logins that had an address. */
  readonly logins: number;
  private sources: { ips: Set<string>; networks: Set<string> } | undefined;
  private asnSet: Set<number> | undefined;

  /**
   * Counts now; the sets are made on the first question, and the ASNs only when an address and
   * its network were not enough: most questions are answered by the account's own addresses,
   * and it made a GeoIP lookup for every baseline login of every account it was built for.
   */
  constructor(
    private readonly all: readonly Login[],
    private readonly asnOf: (ip: string) => number | undefined,
  ) {
    let n = 0;
    for (const l of all) if (l.phase === 'baseline' && l.ip !== undefined) n++;
    this.logins = n;
  }

  /** The account's baseline addresses. */
  get ips(): ReadonlySet<string> {
    return this.made().ips;
  }

  /** Their networks (/24, /48). */
  get networks(): ReadonlySet<string> {
    return this.made().networks;
  }

  /** Whether `ip` is the account's address, in one of its networks, or of one of its ASNs. */
  has(ip: string): boolean {
    const { ips, networks } = this.made();
    if (ips.has(ip) || networks.has(networkOf(ip))) return true;
    const asn = this.asnOf(ip);
    return asn !== undefined && this.asns().has(asn);
  }

  private made(): { ips: Set<string>; networks: Set<string> } {
    if (this.sources) return this.sources;
    const ips = new Set<string>();
    const networks = new Set<string>();
    for (const l of this.all) {
      if (l.phase !== 'baseline' || l.ip === undefined || ips.has(l.ip)) continue;
      ips.add(l.ip);
      networks.add(networkOf(l.ip));
    }
    this.sources = { ips, networks };
    return this.sources;
  }

  private asns(): Set<number> {
    if (this.asnSet) return this.asnSet;
    this.asnSet = new Set();
    for (const ip of this.made().ips) {
      const asn = this.asnOf(ip);
      if (asn !== undefined) this.asnSet.add(asn);
    }
    return this.asnSet;
  }
}
