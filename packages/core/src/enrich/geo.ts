/**
 * Offline IP enrichment: ASN and country. Nothing is downloaded: the default databases ship in
 * npm packages (@ip-location-db/asn, CSV from RouteViews and DB-IP; and
 * @ip-location-db/geo-whois-asn-country-mmdb), pinned by the lockfile and named with their
 * versions in the manifest; `--geoip FILE` adds MaxMind-format databases (GeoLite2 Country, City
 * or ASN, or any MMDB with the same fields), which win over the packaged ones.
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { Reader, type CountryResponse } from 'maxmind';
import { InvalidOptionError } from '../errors.js';
import { isSpecialPurpose } from './special-ranges.js';
import { parseCanonicalIPv4 } from '../ipv4.js';
import { ipv6Value } from './nets.js';

export interface GeoInfo {
  asn?: number;
  asnOrg?: string;
  country?: string;
}

export interface GeoLookup {
  lookup(ip: string): GeoInfo;
  /** What the answers come from, for the manifest (`@ip-location-db/asn@2.3…`, file paths). */
  readonly sources: readonly string[];
}

export interface GeoOptions {
  /** Use the databases shipped in npm packages. Default true. */
  packaged?: boolean;
  /** MaxMind-format databases to read (country and/or ASN fields). */
  files?: readonly string[];
}

const require = createRequire(import.meta.url);

interface MmdbRecord {
  country?: { iso_code?: string };
  registered_country?: { iso_code?: string };
  country_code?: string;
  autonomous_system_number?: number;
  autonomous_system_organization?: string;
}

/** Sorted, non-overlapping ranges with binary search: ~400k IPv4 and ~100k IPv6 rows. */
class AsnRanges {
  constructor(
    private readonly starts: Float64Array | bigint[],
    private readonly ends: Float64Array | bigint[],
    private readonly asns: Uint32Array,
    private readonly orgIds: Uint32Array,
    private readonly orgs: string[],
  ) {}

  find(v: number | bigint): { asn: number; org: string } | undefined {
    let lo = 0;
    let hi = this.asns.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! > v) hi = mid - 1;
      else if (this.ends[mid]! < v) lo = mid + 1;
      else return { asn: this.asns[mid]!, org: this.orgs[this.orgIds[mid]!]! };
    }
    return undefined;
  }

  static parse(csv: string, big: boolean): AsnRanges {
    const rows = csv.split('\n').filter(Boolean);
    const starts = big ? new Array<bigint>(rows.length) : new Float64Array(rows.length);
    const ends = big ? new Array<bigint>(rows.length) : new Float64Array(rows.length);
    const asns = new Uint32Array(rows.length);
    const orgIds = new Uint32Array(rows.length);
    const orgs: string[] = [];
    const orgIndex = new Map<string, number>();
    rows.forEach((row, i) => {
      const a = row.indexOf(',');
      const b = row.indexOf(',', a + 1);
      const c = row.indexOf(',', b + 1);
      let org = row.slice(c + 1);
      if (org.startsWith('"')) org = org.slice(1, -1).replaceAll('""', '"');
      let id = orgIndex.get(org);
      if (id === undefined) {
        id = orgs.length;
        orgs.push(org);
        orgIndex.set(org, id);
      }
      if (big) {
        (starts as bigint[])[i] = BigInt(row.slice(0, a));
        (ends as bigint[])[i] = BigInt(row.slice(a + 1, b));
      } else {
        (starts as Float64Array)[i] = Number(row.slice(0, a));
        (ends as Float64Array)[i] = Number(row.slice(a + 1, b));
      }
      asns[i] = Number(row.slice(b + 1, c));
      orgIds[i] = id;
    });
    return new AsnRanges(starts, ends, asns, orgIds, orgs);
  }
}

/**
 * The records a database's lookups decoded, by their place in the file. Millions of addresses
 * share a few hundred country records (or a city database's thousands), and without a cache the
 * reader decoded the record, its strings included, at every lookup: 2 s of the finish at IIJ
 * scale. Read only by us, so sharing a decoded record is safe. Bounded as maxmind's own cache
 * is (10,000 records): a city database's records carry names in many languages.
 */
class DecodedRecords {
  private readonly records = new Map<number, unknown>();

  get(offset: number): unknown {
    return this.records.get(offset);
  }

  set(offset: number, record: unknown): void {
    if (this.records.size >= 10_000) this.records.clear();
    this.records.set(offset, record);
  }
}

/** A packaged ASN table, read and parsed on first use. */
function lazyRanges(file: string, big: boolean): () => AsnRanges {
  let ranges: AsnRanges | undefined;
  return () => (ranges ??= AsnRanges.parse(readFileSync(file, 'latin1'), big));
}

/** Loads the enrichment databases; resolves to undefined when none is wanted. */
export async function loadGeo(options: GeoOptions = {}): Promise<GeoLookup | undefined> {
  const packaged = options.packaged ?? true;
  const files = options.files ?? [];
  if (!packaged && files.length === 0) return undefined;
  const sources: string[] = [];
  // Typed as a country reader; records are read through MmdbRecord, which covers ASN fields too.
  const readers: Reader<CountryResponse>[] = [];
  for (const file of files) {
    try {
      readers.push(new Reader<CountryResponse>(await readFile(file), { cache: new DecodedRecords() }));
      sources.push(file);
    } catch (error) {
      throw new InvalidOptionError(`--geoip ${file}: not a readable MaxMind database (${(error as Error).message})`);
    }
  }
  // The ASN tables (515,000 CSV rows, 0.6 s to parse) are parsed when the first address of their
  // family is asked about: a scan without IPv6 never parses that table's 103,000 bigints.
  let v4: (() => AsnRanges) | undefined;
  let v6: (() => AsnRanges) | undefined;
  if (packaged) {
    const countryPkg = '@ip-location-db/geo-whois-asn-country-mmdb';
    const asnPkg = '@ip-location-db/asn';
    readers.push(new Reader<CountryResponse>(await readFile(require.resolve(`${countryPkg}/geo-whois-asn-country.mmdb`)), { cache: new DecodedRecords() }));
    sources.push(`${countryPkg}@${(require(`${countryPkg}/package.json`) as { version: string }).version}`);
    v4 = lazyRanges(require.resolve(`${asnPkg}/asn-ipv4-num.csv`), false);
    v6 = lazyRanges(require.resolve(`${asnPkg}/asn-ipv6-num.csv`), true);
    sources.push(`${asnPkg}@${(require(`${asnPkg}/package.json`) as { version: string }).version}`);
  }
  const cache = new Map<string, GeoInfo>();
  return {
    sources,
    lookup(ip: string): GeoInfo {
      const hit = cache.get(ip);
      if (hit) return hit;
      const info: GeoInfo = {};
      if (!isSpecialPurpose(ip)) {
        for (const r of readers) {
          let rec: MmdbRecord | null = null;
          try {
            rec = r.get(ip) as MmdbRecord | null;
          } catch {
            rec = null;
          }
          if (!rec) continue;
          info.country ??= rec.country?.iso_code ?? rec.country_code ?? rec.registered_country?.iso_code;
          if (info.asn === undefined && rec.autonomous_system_number !== undefined) {
            info.asn = rec.autonomous_system_number;
            if (rec.autonomous_system_organization) info.asnOrg = rec.autonomous_system_organization;
          }
        }
        if (info.asn === undefined) {
          // parseCanonicalIPv4 reads exactly the dotted decimal isIPv4 accepts: one parse tells the family and gives the number.
          const v4Number = parseCanonicalIPv4(ip);
          const found = v4Number >= 0 ? v4?.().find(v4Number) : v6?.().find(ipv6Value(ip));
          if (found) {
            info.asn = found.asn;
            info.asnOrg = found.org;
          }
        }
        if (info.country === undefined) delete info.country;
      }
      if (cache.size > 200_000) cache.clear();
      cache.set(ip, info);
      return info;
    },
  };
}
