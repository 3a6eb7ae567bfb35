/** Builds evidence directories for end-to-end tests: the samples plus hostile and broken files. */
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SAMPLES = path.join(REPO, 'samples');

const require = createRequire(import.meta.url);

export async function zstdCompress(data: Buffer): Promise<Buffer> {
  const box = await new Promise<{ s: { compress(b: Uint8Array, l: number): Uint8Array } }>((resolve) =>
    (require('zstd-codec') as { ZstdCodec: { run(f: (z: { Simple: new () => { compress(b: Uint8Array, l: number): Uint8Array } }) => void): void } }).ZstdCodec.run((z) =>
      resolve({ s: new z.Simple() }),
    ),
  );
  return Buffer.from(box.s.compress(data, 3));
}

const syslogLines = (n: number, eol = '\n'): string =>
  Array.from({ length: n }, (_, i) =>
    `Aug  3 05:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} mx09 dovecot: imap-login: Login: user=<u${i % 50}@example.jp>, method=PLAIN, rip=198.51.100.${i % 200}, lip=192.0.2.10, mpid=${i}, TLS, session=<s${i}>`,
  ).join(eol) + eol;

/** Names of the corrupt files and what the manifest must say of each. */
export const CORRUPT = {
  truncatedGzip: 'broken/maillog-20240805.gz',
  truncatedZstd: 'broken/maillog-20240806.zst',
  junk: 'broken/maillog',
  crlf: 'broken/crlf/maillog-20240805',
  invalidUtf8: 'broken/utf8/maillog-20240805',
  longLine: 'broken/long/access_log',
} as const;

export const LONG_LINE_BYTES = 5 * 1024 * 1024;

/** Writes the corrupt set under `dir`. */
export async function writeCorruptSet(dir: string): Promise<void> {
  const put = async (rel: string, data: Buffer | string) => {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), data);
  };
  const body = Buffer.from(syslogLines(3000));
  const gz = gzipSync(body);
  await put(CORRUPT.truncatedGzip, gz.subarray(0, Math.floor(gz.length * 0.6)));
  const z = await zstdCompress(body);
  await put(CORRUPT.truncatedZstd, z.subarray(0, Math.floor(z.length * 0.6)));
  // Binary junk with a log-like name: deterministic bytes, NULs included.
  const junk = Buffer.alloc(64 * 1024);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 2654435761) >>> 24;
  await put(CORRUPT.junk, junk);
  await put(CORRUPT.crlf, syslogLines(40, '\r\n'));
  const bad = Buffer.concat([Buffer.from(syslogLines(5)), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]), Buffer.from(syslogLines(5))]);
  await put(CORRUPT.invalidUtf8, bad);
  const long = `203.0.113.66 - - [03/Aug/2024:04:02:31 +0900] "GET /am_bin/amlogin?${'A'.repeat(LONG_LINE_BYTES)} HTTP/1.1" 414 226 "-" "-"\n` +
    '198.51.100.8 - - [03/Aug/2024:10:00:00 +0900] "GET /am_bin/amlogin HTTP/1.1" 200 5120 "-" "curl/8.5.0"\n';
  await put(CORRUPT.longLine, long);
}

/** A scratch evidence tree: samples/ copied in, plus the corrupt set. */
export async function writeEvidence(dir: string): Promise<void> {
  await cp(SAMPLES, path.join(dir, 'samples'), { recursive: true });
  await writeCorruptSet(dir);
}
