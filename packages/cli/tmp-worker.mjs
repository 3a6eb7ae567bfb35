import { scanFileEvents, resolveScanOptions, discover, EventBatch } from '@mxray/core/internal';
const o = resolveScanOptions({ paths: [process.argv[2]] });
const { files } = await discover(o.paths, process.cwd());
const id = { account: (v) => v, ip: (v) => v };
const t0 = performance.now(); let n = 0, bytes = 0;
for (const f of files) {
  for await (const events of scanFileEvents(f, { ...o, identities: id })) {
    n += events.length;
    if (process.argv[3] !== 'parse') bytes += new EventBatch(f.path, events).compact().json.length;
  }
}
console.log(n, 'events', bytes, 'json bytes', ((performance.now() - t0) / 1000).toFixed(2), 's');
