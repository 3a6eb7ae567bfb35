/**
 * A string's hash for our own open-addressing tables (V8 does not expose its own): FNV-1a over
 * UTF-16 code units, with a final avalanche so that the low bits (the slot) mix.
 */
export function hashString(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}
