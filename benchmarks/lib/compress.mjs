/** gzip (Node zlib) and zstd (zstd-codec) for generated archives; both deterministic. */
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const gzip = (buf) => gzipSync(buf, { level: 6 });

let simple;
export async function zstd(buf, level = 3) {
  simple ??= await new Promise((resolve) => {
    require('zstd-codec').ZstdCodec.run((z) => resolve(new z.Simple()));
  });
  // zstd-codec runs in a fixed emscripten heap: a large day is compressed as 4 MiB frames, one
  // after another (a valid multi-frame .zst, as `zstd` itself writes for concatenated input).
  const FRAME = 4 << 20;
  if (buf.length <= FRAME) return Buffer.from(simple.compress(buf, level));
  const frames = [];
  for (let at = 0; at < buf.length; at += FRAME) frames.push(Buffer.from(simple.compress(buf.subarray(at, at + FRAME), level)));
  return Buffer.concat(frames);
}
