import zlib from 'node:zlib';
import { scanFileEvents, resolveScanOptions, discover, EventBatch } from '@mxray/core/internal';
const o = resolveScanOptions({ paths: ['/tmp/a200/mx01'] });
const { files } = await discover(o.paths, process.cwd());
const lines = [];
for await (const ev of scanFileEvents(files[0], { ...o, identities: { account: (v) => v, ip: (v) => v } })) lines.push(new EventBatch(files[0].path, ev).line() + '\n');
const total = lines.reduce((a, l) => a + l.length, 0);
for (let r = 0; r < 2; r++) {
  let t = performance.now(), out = 0; for (const l of lines) out += zlib.gzipSync(l, { level: 1 }).length; const g = performance.now() - t;
  const gz = lines.map((l) => zlib.gzipSync(l, { level: 1 }));
  t = performance.now(); for (const b of gz) zlib.gunzipSync(b); const gu = performance.now() - t;
  t = performance.now(); let zo = 0; const zs = lines.map((l) => zlib.zstdCompressSync(l, { params: { [zlib.constants.ZSTD_c_compressionLevel]: 1 } })); for (const b of zs) zo += b.length; const z = performance.now() - t;
  t = performance.now(); for (const b of zs) zlib.zstdDecompressSync(b); const zu = performance.now() - t;
  console.log(`in ${total} gzip1 ${g.toFixed(0)}ms ${out} gunzip ${gu.toFixed(0)}ms | zstd1 ${z.toFixed(0)}ms ${zo} unzstd ${zu.toFixed(0)}ms`);
}
