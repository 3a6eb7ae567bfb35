/**
 * What makes a request line look like a memory-corruption attempt, measured in one linear pass.
 * References: OWASP CRS flags NUL (920270), non-printable bytes (920271/272) and `%u` encoding
 * (920260); Apache refuses request lines over 8,190 bytes (414); shellcode is preceded by NOP
 * sleds (0x90: `%90`, `\x90`, `%u9090`); format-string attacks repeat `%n`/`%x`/`%s`/`%p`.
 */

export interface RequestFeatures {
  /** Length of the request target (path and query) as logged. */
  length: number;
  /** Longest run of one character, and the character. */
  longestRun: number;
  runChar: string;
  /** `%90`, `\x90` and `%u9090` occurrences. */
  nopSled: number;
  /** `%uXXXX` escapes. */
  unicodeEscapes: number;
  /** NUL or control characters: raw, `%00`-`%1f`, `\x00`-`\x1f`. */
  controlBytes: number;
  /** `%n %x %s %p %d` not forming a hex escape. */
  formatSpecifiers: number;
  /** `\xHH` escapes (Apache writes non-printable request bytes this way). */
  hexEscapes: number;
}

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const hexVal = (c: number): number => (c <= 57 ? c - 48 : (c | 32) - 87);

export function requestFeatures(target: string): RequestFeatures {
  const n = target.length;
  const f: RequestFeatures = {
    length: n,
    longestRun: 0,
    runChar: '',
    nopSled: 0,
    unicodeEscapes: 0,
    controlBytes: 0,
    formatSpecifiers: 0,
    hexEscapes: 0,
  };
  let run = 0;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const c = target.charCodeAt(i);
    if (c === prev) run++;
    else {
      run = 1;
      prev = c;
    }
    if (run > f.longestRun) {
      f.longestRun = run;
      f.runChar = target[i]!;
    }
    if (c < 32 || c === 127) f.controlBytes++;
    if (c === 37 /* % */ && i + 1 < n) {
      const a = target.charCodeAt(i + 1);
      if ((a === 117 || a === 85) /* u */ && i + 5 < n && isHex(target.charCodeAt(i + 2)) && isHex(target.charCodeAt(i + 3)) && isHex(target.charCodeAt(i + 4)) && isHex(target.charCodeAt(i + 5))) {
        f.unicodeEscapes++;
        if (target.slice(i + 2, i + 6) === '9090') f.nopSled++;
      } else if (i + 2 < n && isHex(a) && isHex(target.charCodeAt(i + 2))) {
        const v = hexVal(a) * 16 + hexVal(target.charCodeAt(i + 2));
        if (v === 0x90) f.nopSled++;
        if (v < 32 || v === 127) f.controlBytes++;
      } else if (a === 110 || a === 120 || a === 115 || a === 112 || a === 100) {
        f.formatSpecifiers++;
      }
    } else if (c === 92 /* \ */ && i + 3 < n && target.charCodeAt(i + 1) === 120 && isHex(target.charCodeAt(i + 2)) && isHex(target.charCodeAt(i + 3))) {
      f.hexEscapes++;
      const v = hexVal(target.charCodeAt(i + 2)) * 16 + hexVal(target.charCodeAt(i + 3));
      if (v === 0x90) f.nopSled++;
      if (v < 32 || v === 127) f.controlBytes++;
    }
  }
  return f;
}
