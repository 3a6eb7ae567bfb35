/**
 * Dotted-decimal IPv4 read and written by hand: the parsers meet an address on most lines, and
 * the identity tables key state by it, so neither pays for a regular expression or a split.
 */

/** The address as a number, or -1 unless `value` is dotted decimal exactly as `formatIPv4` writes it. */
export function parseCanonicalIPv4(value: string): number {
  const n = value.length;
  if (n < 7 || n > 15) return -1;
  let result = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      result = result * 256 + part;
      dots++;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      // A leading zero ("010") would not come back the same from the number.
      if (digits > 0 && part === 0) return -1;
      part = part * 10 + (c - 48);
      if (part > 255) return -1;
      digits++;
    } else return -1;
  }
  if (digits === 0 || dots !== 3) return -1;
  return result * 256 + part;
}

export function formatIPv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
