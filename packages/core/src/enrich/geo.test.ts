import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Reader, type CountryResponse } from 'maxmind';
import { loadGeo } from './geo.js';
import { isSpecialPurpose } from './special-ranges.js';
import { InvalidOptionError } from '../errors.js';
import { byRule, detect, habits, login, DAY } from '../../../../test/helpers/detection.js';

describe('offline enrichment', () => {
  it('answers ASN and country from the packaged databases, and nothing for special-purpose ranges', async () => {
    const geo = (await loadGeo())!;
    expect(geo.lookup('8.8.8.8')).toMatchObject({ asn: 15169, country: 'US' });
    expect(geo.lookup('2001:4860:4860::8888')).toMatchObject({ asn: 15169 });
    for (const ip of ['198.51.100.1', '203.0.113.66', '10.1.2.3', '2001:db8::1', '127.0.0.1', 'fd00::1', '100.64.1.1']) {
      expect(isSpecialPurpose(ip), ip).toBe(true);
      expect(geo.lookup(ip), ip).toEqual({});
    }
    expect(geo.sources.join(' ')).toMatch(/@ip-location-db\/asn@/);
  });

  it('answers with its decoded-record cache what the database answers without one, address after address', async () => {
    const geo = (await loadGeo())!;
    const require = createRequire(import.meta.url);
    const plain = new Reader<CountryResponse>(readFileSync(require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb')));
    // Public addresses across the space, each asked twice: the second answer comes from the caches.
    const addresses = Array.from({ length: 400 }, (_, i) => `${(i * 37) % 223 + 1}.${(i * 91) % 256}.${(i * 53) % 256}.${i % 256}`).filter((ip) => !isSpecialPurpose(ip));
    for (const round of [1, 2]) {
      for (const ip of addresses) {
        const record = plain.get(ip) as { country?: { iso_code?: string }; country_code?: string; registered_country?: { iso_code?: string } } | null;
        expect(geo.lookup(ip).country, `${ip}, round ${round}`).toBe(record?.country?.iso_code ?? record?.country_code ?? record?.registered_country?.iso_code);
      }
    }
  });

  it('refuses a --geoip file that is not a MaxMind database', async () => {
    await expect(loadGeo({ packaged: false, files: [new URL(import.meta.url).pathname] })).rejects.toBeInstanceOf(InvalidOptionError);
    expect(await loadGeo({ packaged: false })).toBeUndefined();
  });

  it('a new address in an ASN the account already used is not a new source', () => {
    const geo = { sources: [], lookup: (ip: string) => ({ asn: ip.startsWith('192.0.2.') ? 64500 : 64501 }) };
    const events = [...habits('m@example.jp', '192.0.2.10'), login(DAY, 'm@example.jp', '192.0.2.200'.replace('192.0.2', '192.0.3')), login(DAY, 'm@example.jp', '198.51.100.9')];
    const found = byRule(detect(events, { geo }).findings, 'auth.new-source').map((f) => f.ip);
    expect(found).toEqual(['192.0.3.200', '198.51.100.9']);
    const sameAsn = { sources: [], lookup: () => ({ asn: 64500 }) };
    expect(byRule(detect(events, { geo: sameAsn }).findings, 'auth.new-source')).toEqual([]);
  });
});
