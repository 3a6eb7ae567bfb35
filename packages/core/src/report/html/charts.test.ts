import { describe, expect, it } from 'vitest';
import { bucketIndex, stackedBarChart, timeBuckets, LABEL_PX_PER_CHAR } from './charts.js';

const t = (iso: string): number => Date.parse(iso);

describe('timeBuckets', () => {
  it('cuts days at local midnight in the zone, so the JST cutoff is a bucket boundary', () => {
    const b = timeBuckets(t('2024-07-31T10:00:00Z'), t('2024-08-05T10:00:00Z'), 'Asia/Tokyo');
    expect(b.map((x) => x.label)).toEqual(['2024-07-31', '2024-08-01', '2024-08-02', '2024-08-03', '2024-08-04', '2024-08-05']);
    const cutoff = t('2024-08-03T00:00:00+09:00');
    expect(b[3]!.start).toBe(cutoff);
    expect(bucketIndex(b, cutoff - 1)).toBe(2);
    expect(bucketIndex(b, cutoff)).toBe(3);
    for (let i = 1; i < b.length; i++) expect(b[i]!.start).toBe(b[i - 1]!.end);
  });

  it('uses hours for three days or less, and merges days past the bucket limit', () => {
    const hours = timeBuckets(t('2024-08-03T00:10:00Z'), t('2024-08-03T05:50:00Z'), 'UTC');
    expect(hours.map((x) => x.label)).toEqual(['2024-08-03 00:00', '2024-08-03 01:00', '2024-08-03 02:00', '2024-08-03 03:00', '2024-08-03 04:00', '2024-08-03 05:00']);
    const years = timeBuckets(t('2020-01-01T00:00:00Z'), t('2024-12-31T00:00:00Z'), 'UTC', 100);
    expect(years.length).toBeLessThanOrEqual(100);
    expect(bucketIndex(years, t('2022-06-01T00:00:00Z'))).toBeGreaterThan(0);
    expect(bucketIndex(years, t('2019-01-01T00:00:00Z'))).toBe(-1);
  });

  it('follows DST: a New York day in November is 25 hours long', () => {
    const b = timeBuckets(t('2024-11-01T12:00:00Z'), t('2024-11-06T12:00:00Z'), 'America/New_York');
    const fallBack = b.find((x) => x.label === '2024-11-03')!;
    expect(fallBack.end - fallBack.start).toBe(25 * 3_600_000);
  });
});

describe('stackedBarChart axis labels', () => {
  it.each([
    ['72 hourly buckets', t('2024-08-01T00:00:00Z'), t('2024-08-03T23:00:00Z')],
    ['90 daily buckets', t('2024-06-01T00:00:00Z'), t('2024-08-29T00:00:00Z')],
  ])('never overlap: %s', (_name, from, to) => {
    const buckets = timeBuckets(from, to, 'Asia/Tokyo');
    const svg = stackedBarChart('c', 'title', buckets, [{ name: 'x', color: '#000', values: buckets.map(() => 1) }], []).value;
    const labels = [...svg.matchAll(/<text class="x-label" x="([\d.]+)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({ x: Number(m[1]), width: m[2]!.length * LABEL_PX_PER_CHAR }));
    expect(labels.length).toBeGreaterThan(2);
    for (let i = 1; i < labels.length; i++) {
      // Centred labels: half of each must fit between their centres.
      expect(labels[i]!.x - labels[i - 1]!.x).toBeGreaterThanOrEqual((labels[i]!.width + labels[i - 1]!.width) / 2);
    }
  });
});
