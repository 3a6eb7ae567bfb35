/**
 * What makes a request target look like a memory-corruption attempt, measured on its decoded
 * bytes in two linear passes.
 *
 * Why decoded: percent-encoded UTF-8 is full of 0x90 continuation bytes (名 is `%E5%90%8D`), and
 * Apache writes raw non-ASCII request bytes as `\xHH`, so counting `%90` or `\x90` in the text as
 * logged calls every long Japanese search a NOP sled. The target is first decoded into bytes
 * (`%HH`, `\xHH`, `%uXXXX`, raw characters as UTF-8); then every byte is either part of a
 * well-formed character (UTF-8, or the Shift_JIS and EUC-JP that Japanese webmails still put in
 * URLs) or binary. A sled is a run of 0x90 bytes outside valid UTF-8 (or of `%u9090` escapes);
 * long valid text in any script is just text.
 *
 * References: OWASP CRS flags NUL (920270), non-printable bytes (920271/272) and `%u` encoding
 * (920260); Apache refuses request lines over 8,190 bytes (414); shellcode is preceded by NOP
 * sleds (0x90); format-string attacks repeat `%n`/`%x`/`%s`/`%p`.
 */

export interface RequestFeatures {
  /** Length of the request target (path and query) as logged, in characters. */
  length: number;
  /** Bytes after decoding `%HH`, `\xHH` and `%uXXXX`. */
  decodedBytes: number;
  /** `%HH`, `\xHH` and `%uXXXX` escapes. */
  escapes: number;
  /** Longest run of one decoded character (a code point, or one binary byte), and that character. */
  longestRun: number;
  /** The run's character, printable: itself, or `\xHH` for a binary byte, `\u00HH` for a control. */
  runChar: string;
  /** Longest run of 0x90 bytes outside valid UTF-8, counting a `%u9090` escape as two. */
  sledRun: number;
  /** Decoded bytes that belong to no valid UTF-8, Shift_JIS or EUC-JP character. */
  binaryBytes: number;
  /** Decoded NUL and control characters other than tab, CR and LF. */
  controlBytes: number;
  /** `%uXXXX` escapes (old Internet Explorer encoding, or shellcode). */
  unicodeEscapes: number;
  /** `%n %x %s %p %d` in the decoded text. */
  formatSpecifiers: number;
  /** `\xHH` escapes: bytes the server itself had to escape when it logged the request. */
  hexEscapes: number;
}

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const hexVal = (c: number): number => (c <= 57 ? c - 48 : (c | 32) - 87);
const hex2 = (s: string, i: number): number => hexVal(s.charCodeAt(i)) * 16 + hexVal(s.charCodeAt(i + 1));

/** Code points above this stand for one binary byte (CODE_BINARY + byte) in the character stream. */
const CODE_BINARY = 0x110000;

interface Decoded {
  bytes: Uint8Array;
  length: number;
  escapes: number;
  unicodeEscapes: number;
  hexEscapes: number;
  /** Longest run of `%u9090` escapes, in escapes. */
  uSledRun: number;
}

/** Pass 1: the target as the server's handler would see it, in bytes. */
function decode(target: string): Decoded {
  const n = target.length;
  // A character becomes at most 3 bytes (a surrogate pair, 2 characters, becomes 4).
  const bytes = new Uint8Array(n * 3);
  let len = 0;
  let escapes = 0;
  let unicodeEscapes = 0;
  let hexEscapes = 0;
  let uSled = 0;
  let uSledRun = 0;
  const putCode = (c: number): void => {
    if (c < 0x80) bytes[len++] = c;
    else if (c < 0x800) {
      bytes[len++] = 0xc0 | (c >> 6);
      bytes[len++] = 0x80 | (c & 63);
    } else if (c < 0x10000) {
      bytes[len++] = 0xe0 | (c >> 12);
      bytes[len++] = 0x80 | ((c >> 6) & 63);
      bytes[len++] = 0x80 | (c & 63);
    } else {
      bytes[len++] = 0xf0 | (c >> 18);
      bytes[len++] = 0x80 | ((c >> 12) & 63);
      bytes[len++] = 0x80 | ((c >> 6) & 63);
      bytes[len++] = 0x80 | (c & 63);
    }
  };
  for (let i = 0; i < n; i++) {
    const c = target.charCodeAt(i);
    let u9090 = false;
    if (c === 37 /* % */ && i + 2 < n && isHex(target.charCodeAt(i + 1)) && isHex(target.charCodeAt(i + 2))) {
      bytes[len++] = hex2(target, i + 1);
      escapes++;
      i += 2;
    } else if (c === 37 && i + 5 < n && (target.charCodeAt(i + 1) | 32) === 117 /* u */ && isHex(target.charCodeAt(i + 2)) && isHex(target.charCodeAt(i + 3)) && isHex(target.charCodeAt(i + 4)) && isHex(target.charCodeAt(i + 5))) {
      const unit = hex2(target, i + 2) * 256 + hex2(target, i + 4);
      escapes++;
      unicodeEscapes++;
      u9090 = unit === 0x9090;
      // A lone surrogate is no text: it stands for its two bytes, as shellcode means them.
      if (unit >= 0xd800 && unit <= 0xdfff) {
        bytes[len++] = unit & 255;
        bytes[len++] = unit >> 8;
      } else putCode(unit);
      i += 5;
    } else if (c === 92 /* \ */ && i + 3 < n && target.charCodeAt(i + 1) === 120 /* x */ && isHex(target.charCodeAt(i + 2)) && isHex(target.charCodeAt(i + 3))) {
      bytes[len++] = hex2(target, i + 2);
      escapes++;
      hexEscapes++;
      i += 3;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (target.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      putCode(((c - 0xd800) << 10) + (target.charCodeAt(i + 1) - 0xdc00) + 0x10000);
      i++;
    } else putCode(c);
    uSled = u9090 ? uSled + 1 : 0;
    if (uSled > uSledRun) uSledRun = uSled;
  }
  return { bytes, length: len, escapes, unicodeEscapes, hexEscapes, uSledRun };
}

/** Length of the well-formed UTF-8 character at i (RFC 3629: no overlongs, surrogates or > U+10FFFF), or 0. */
function utf8At(b: Uint8Array, i: number, end: number): number {
  const c = b[i]!;
  const cont = (k: number): boolean => i + k < end && (b[i + k]! & 0xc0) === 0x80;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    const c1 = b[i + 1]!;
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f)) return 0;
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const c1 = b[i + 1]!;
    if ((c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return 0;
    return 4;
  }
  return 0;
}

function utf8Code(b: Uint8Array, i: number, len: number): number {
  if (len === 2) return ((b[i]! & 0x1f) << 6) | (b[i + 1]! & 63);
  if (len === 3) return ((b[i]! & 0x0f) << 12) | ((b[i + 1]! & 63) << 6) | (b[i + 2]! & 63);
  return ((b[i]! & 0x07) << 18) | ((b[i + 1]! & 63) << 12) | ((b[i + 2]! & 63) << 6) | (b[i + 3]! & 63);
}

/** Length of a Shift_JIS (2 bytes, or 1 for half-width kana) or EUC-JP character at i, or 0. */
function legacyJapaneseAt(b: Uint8Array, i: number, end: number): number {
  const c = b[i]!;
  const next = i + 1 < end ? b[i + 1]! : -1;
  if (((c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc)) && ((next >= 0x40 && next <= 0x7e) || (next >= 0x80 && next <= 0xfc))) return 2;
  if (c >= 0xa1 && c <= 0xfe && next >= 0xa1 && next <= 0xfe) return 2;
  if (c === 0x8e && next >= 0xa1 && next <= 0xdf) return 2;
  if (c >= 0xa1 && c <= 0xdf) return 1;
  return 0;
}

export function requestFeatures(target: string): RequestFeatures {
  const d = decode(target);
  const b = d.bytes;
  const end = d.length;
  const f: RequestFeatures = {
    length: target.length,
    decodedBytes: end,
    escapes: d.escapes,
    longestRun: 0,
    runChar: '',
    sledRun: d.uSledRun * 2,
    binaryBytes: 0,
    controlBytes: 0,
    unicodeEscapes: d.unicodeEscapes,
    formatSpecifiers: 0,
    hexEscapes: d.hexEscapes,
  };
  // Pass 2: characters. Runs compare code points (a binary byte is its own character), so
  // `%u9090` × 900, 'A' × 9000 and 0x90 × 3000 are all one long run.
  let prev = -1;
  let run = 0;
  let runCode = -1;
  let sled = 0;
  let prevWasPercent = false;
  for (let i = 0; i < end; ) {
    const c = b[i]!;
    let code: number;
    let width: number;
    let binary = false;
    if (c < 0x80) {
      code = c;
      width = 1;
    } else if ((width = utf8At(b, i, end)) > 0) {
      code = utf8Code(b, i, width);
    } else {
      const legacy = legacyJapaneseAt(b, i, end);
      width = legacy || 1;
      // Legacy-encoded text is text; its characters are told apart by their bytes.
      code = width === 2 ? CODE_BINARY + 256 + ((c << 8) | b[i + 1]!) : CODE_BINARY + c;
      binary = legacy === 0;
    }
    if (binary) f.binaryBytes++;
    // A 0x90 not inside a valid UTF-8 character continues a sled, whatever else it could be.
    if (c === 0x90 && code >= CODE_BINARY) {
      const width90 = width === 2 && b[i + 1] === 0x90 ? 2 : 1;
      sled += width90;
      if (sled > f.sledRun) f.sledRun = sled;
      if (width90 === 1 && width === 2) sled = 0;
    } else sled = 0;
    if ((code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 127) f.controlBytes++;
    if (prevWasPercent && (code === 110 || code === 120 || code === 115 || code === 112 || code === 100)) f.formatSpecifiers++;
    prevWasPercent = code === 37;
    if (code === prev) run++;
    else {
      run = 1;
      prev = code;
    }
    if (run > f.longestRun) {
      f.longestRun = run;
      runCode = code;
    }
    i += width;
  }
  f.runChar = printable(runCode);
  return f;
}

/** A character for a message: never a control character or a raw byte. */
function printable(code: number): string {
  if (code < 0) return '';
  if (code >= CODE_BINARY + 256) {
    const pair = code - CODE_BINARY - 256;
    return `\\x${(pair >> 8).toString(16).padStart(2, '0')}\\x${(pair & 255).toString(16).padStart(2, '0')}`;
  }
  if (code >= CODE_BINARY) return `\\x${(code - CODE_BINARY).toString(16).padStart(2, '0')}`;
  if (code < 32 || code === 127 || (code >= 0x80 && code < 0xa0)) return `\\u${code.toString(16).padStart(4, '0')}`;
  return String.fromCodePoint(code);
}
