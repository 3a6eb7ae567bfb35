/**
 * BSD syslog timestamps (`Aug  3 04:12:09`) carry no year. We anchor on the newest moment the
 * file can hold and give each line the latest year that does not put it after that anchor.
 *
 * Per line, not per file: a Dec→Jan rollover inside one file (anchor in January: December lines
 * get the year before) and out-of-order lines both come out right without sequential state.
 * Like Plaso, the anchor is, in order: the rotation date in the file name (`maillog-20240804`),
 * the gzip header's MTIME (set by logrotate's gzip from the original file), the file's mtime.
 * The manifest records which rule chose the year, since a copied file's mtime can be wrong.
 */

export type YearRule = 'filename' | 'gzip-mtime' | 'mtime' | 'option';

export interface YearAnchor {
  rule: YearRule;
  /** Epoch ms of the newest moment a line of the file can have. */
  at: number;
  /** Human-readable evidence for the manifest, e.g. `filename:20240804`. */
  evidence: string;
}

/** `maillog-20240804`, `access.log.20240804.gz`, `mail.log-2024-08-04.zst`, `maillog-2024080412` */
const ROTATION_DATE = /(?:^|[-._])((?:19|20)\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?:\d\d)?(?=$|[-._])/;

export function rotationDateFromName(fileName: string): { year: number; month: number; day: number } | undefined {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  const m = ROTATION_DATE.exec(base);
  if (!m) return undefined;
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** Picks the anchor for a file; `override` is a year given by the user (`--year`). */
export function chooseYearAnchor(input: {
  fileName: string;
  gzipMtime?: number | undefined;
  mtime: number;
  override?: number | undefined;
}): YearAnchor {
  if (input.override !== undefined) {
    return { rule: 'option', at: Date.UTC(input.override, 11, 31, 23, 59, 59), evidence: `option:${input.override}` };
  }
  const rotated = rotationDateFromName(input.fileName);
  if (rotated) {
    // The rotation runs on that date, so its lines end by the end of that day.
    const at = Date.UTC(rotated.year, rotated.month - 1, rotated.day, 23, 59, 59);
    const stamp = `${rotated.year}${pad(rotated.month)}${pad(rotated.day)}`;
    return { rule: 'filename', at, evidence: `filename:${stamp}` };
  }
  if (input.gzipMtime !== undefined) {
    return { rule: 'gzip-mtime', at: input.gzipMtime, evidence: `gzip-mtime:${new Date(input.gzipMtime).toISOString()}` };
  }
  return { rule: 'mtime', at: input.mtime, evidence: `mtime:${new Date(input.mtime).toISOString()}` };
}

/**
 * The year of a zone-less `month`/`day` given the anchor. A line up to two days after the anchor's
 * date still counts as the anchor's year (clock skew, zone differences, late rotation).
 */
export function inferYear(anchorMs: number, month: number, day: number): number {
  return yearInferrer(anchorMs)(month, day);
}

/** `inferYear` for one anchor, its date read once: a file asks for every line's year. */
export function yearInferrer(anchorMs: number): (month: number, day: number) => number {
  const anchor = new Date(anchorMs);
  const year = anchor.getUTCFullYear();
  const anchorOrdinal = (anchor.getUTCMonth() + 1) * 32 + anchor.getUTCDate() + 2;
  return (month, day) => (month * 32 + day <= anchorOrdinal ? year : year - 1);
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
