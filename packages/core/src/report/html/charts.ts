/**
 * Bar charts as inline SVG, drawn at report time: the report needs no script and no network, and
 * every bar carries its numbers (`data-*` and a tooltip) so a browser test can read them.
 */
import { zoneOffsetAt } from '../../time/zone.js';
import { html, type Html } from './escape.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface TimeBucket {
  /** UTC epoch ms of the bucket's start and end. */
  start: number;
  end: number;
  /** Local date (`2024-08-03`) or local hour (`2024-08-03 14:00`) in the report's zone. */
  label: string;
}

/**
 * Contiguous buckets over [first, last] in the zone: hours when the span is three days or less,
 * else days, merged to several days when there would be more than `maxBuckets`.
 */
export function timeBuckets(first: number, last: number, tz: string, maxBuckets = 400): TimeBucket[] {
  const offsets = new Map<number, number>();
  const offset = (utc: number): number => {
    const key = Math.floor(utc / HOUR);
    let o = offsets.get(key);
    if (o === undefined) offsets.set(key, (o = zoneOffsetAt(tz, key * HOUR)));
    return o;
  };
  const hourly = last - first <= 3 * DAY;
  const unit = hourly ? HOUR : DAY;
  const localStart = Math.floor((first + offset(first)) / unit);
  const localEnd = Math.floor((last + offset(last)) / unit);
  const step = Math.max(1, Math.ceil((localEnd - localStart + 1) / maxBuckets));
  const buckets: TimeBucket[] = [];
  for (let k = localStart; k <= localEnd; k += step) {
    const startLocal = k * unit;
    const endLocal = (k + step) * unit;
    const iso = new Date(startLocal).toISOString();
    buckets.push({
      start: startLocal - offset(startLocal),
      end: endLocal - offset(endLocal),
      label: hourly ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10),
    });
  }
  return buckets;
}

/** Index of the bucket holding `ts`, or -1. Buckets are sorted and contiguous. */
export function bucketIndex(buckets: readonly TimeBucket[], ts: number): number {
  let lo = 0;
  let hi = buckets.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = buckets[mid]!;
    if (ts < b.start) hi = mid - 1;
    else if (ts >= b.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

export interface Series {
  name: string;
  color: string;
  /** One value per bucket. */
  values: number[];
}

export interface Marker {
  at: number;
  label: string;
}

/** Width of a label character at the report's 11 px font (digits and dashes), and the gap between labels. */
export const LABEL_PX_PER_CHAR = 7;
export const LABEL_GAP_PX = 12;
const W = 960;
const H = 240;
const PAD = { left: 56, right: 12, top: 24, bottom: 44 };

/** A stacked bar chart; `markers` are vertical lines (the cutoff) at their instant. */
export function stackedBarChart(id: string, title: string, buckets: readonly TimeBucket[], series: readonly Series[], markers: readonly Marker[]): Html {
  const totals = buckets.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / Math.max(1, buckets.length);
  const bars: Html[] = [];
  buckets.forEach((b, i) => {
    let y = PAD.top + plotH;
    for (const s of series) {
      const v = s.values[i] ?? 0;
      if (v === 0) continue;
      const h = (v / max) * plotH;
      y -= h;
      bars.push(
        html`<rect class="bar" x="${(PAD.left + i * bw + bw * 0.1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, bw * 0.8).toFixed(1)}" height="${Math.max(0.5, h).toFixed(1)}" fill="${s.color}" data-series="${s.name}" data-bucket="${b.label}" data-count="${v}"><title>${b.label} ${s.name}: ${v.toLocaleString('en-US')}</title></rect>`,
      );
    }
  });
  // As many labels as fit side by side: an hourly label ("2024-08-03 09:00") is about 7 px a
  // character at the report's 11 px, and twelve of them overlapped on the plot's 892 px.
  const widest = buckets.reduce((w, b) => Math.max(w, b.label.length), 1) * LABEL_PX_PER_CHAR + LABEL_GAP_PX;
  const labelEvery = Math.max(1, Math.ceil(buckets.length / Math.max(1, Math.floor(plotW / widest))));
  const labels = buckets
    .map((b, i) => (i % labelEvery === 0 ? html`<text class="x-label" x="${(PAD.left + i * bw + bw / 2).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${b.label}</text>` : undefined))
    .filter((x): x is Html => x !== undefined);
  const span = buckets.length ? { start: buckets[0]!.start, end: buckets[buckets.length - 1]!.end } : undefined;
  const lines = markers
    .filter((m) => span && m.at >= span.start && m.at <= span.end)
    .map((m) => {
      const i = Math.max(0, bucketIndex(buckets, m.at === span!.end ? m.at - 1 : m.at));
      const b = buckets[i]!;
      const x = PAD.left + (i + (m.at - b.start) / (b.end - b.start)) * bw;
      return html`<g class="marker" data-at="${new Date(m.at).toISOString()}"><line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${PAD.top - 8}" y2="${PAD.top + plotH}" stroke="#111" stroke-dasharray="4 3"/><text x="${(x + 4).toFixed(1)}" y="${PAD.top - 10}">${m.label}</text></g>`;
    });
  const legend = series.map(
    (s, i) => html`<g transform="translate(${PAD.left + i * 110},${H - 12})"><rect width="10" height="10" y="-9" fill="${s.color}"/><text x="14">${s.name}</text></g>`,
  );
  return html`<figure class="chart" id="${id}">
<figcaption>${title}</figcaption>
<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${title}" xmlns="http://www.w3.org/2000/svg">
<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}" stroke="#999"/>
<text class="y-label" x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${max.toLocaleString('en-US')}</text>
<text class="y-label" x="${PAD.left - 6}" y="${PAD.top + plotH}" text-anchor="end">0</text>
${bars}${labels}${lines}${legend}
</svg>
</figure>`;
}
