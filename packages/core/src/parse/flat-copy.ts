/**
 * A string that owns its characters (not a slice or rope of a bigger one).
 *
 * A string a parser cuts out of a line is, in V8, a slice that keeps the whole line alive; a map
 * of a million accounts keyed by such slices holds a million lines. Every key kept for the scan
 * (see Identities) is copied once with this.
 */
export function flatCopy(value: string): string {
  // V8 copies strings shorter than 13 characters when slicing; longer ones need a real copy.
  return value.length < 13 ? value : JSON.parse(JSON.stringify(value)) as string;
}
