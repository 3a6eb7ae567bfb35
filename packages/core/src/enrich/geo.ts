/** Offline IP enrichment: ASN and country, from packaged or user-supplied databases. */

export interface GeoInfo {
  asn?: number;
  asnOrg?: string;
  country?: string;
}

export interface GeoLookup {
  lookup(ip: string): GeoInfo;
}
