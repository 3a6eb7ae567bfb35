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
  return Buffer.from(simple.compress(buf, level));
}
