/**
 * Bounded, mergeable length distribution for baselines: power-of-two-ish buckets (8 per doubling),
 * so memory is fixed whatever the traffic and quantiles are within about 9%.
 */
const SUB = 8;
const MAX_BUCKET = 40 * SUB;

export class LengthHistogram {
  private readonly counts = new Float64Array(MAX_BUCKET + 1);
  total = 0;

  add(length: number): void {
    this.counts[bucketOf(length)]!++;
    this.total++;
  }

  merge(other: LengthHistogram): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
  }

  /** Upper bound of the bucket holding the q-quantile; 0 when empty. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const target = Math.ceil(q * this.total);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= target) return upperOf(i);
    }
    return upperOf(MAX_BUCKET);
  }
}

function bucketOf(length: number): number {
  if (length < SUB) return Math.max(0, Math.floor(length));
  const exp = Math.floor(Math.log2(length));
  const frac = Math.floor(((length / 2 ** exp) - 1) * SUB);
  return Math.min(MAX_BUCKET, SUB + (exp - 3) * SUB + frac);
}

function upperOf(bucket: number): number {
  if (bucket < SUB) return bucket;
  const exp = Math.floor((bucket - SUB) / SUB) + 3;
  const frac = (bucket - SUB) % SUB;
  return Math.ceil(2 ** exp * (1 + (frac + 1) / SUB));
}

/** The folder a log was found in, standing for the server that wrote it (`webmail01/access_log` → `webmail01`). */
export function siteOf(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash === -1 ? '.' : file.slice(0, slash);
}
