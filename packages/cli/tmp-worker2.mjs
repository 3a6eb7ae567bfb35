import { scanFileEvents, resolveScanOptions, discover } from '@mxray/core/internal';
const o = resolveScanOptions({ paths: [process.argv[2]] });
const { files } = await discover(o.paths, process.cwd());
const id = { account: (v) => v, ip: (v) => v };
function viaBlank(events) {
  const saved = new Array(events.length);
  for (let i = 0; i < events.length; i++) { saved[i] = events[i].source; events[i].source = undefined; }
  try { return JSON.stringify(events); } finally { for (let i = 0; i < events.length; i++) events[i].source = saved[i]; }
}
const t0 = performance.now(); let n = 0, bytes = 0;
for (const f of files) for await (const events of scanFileEvents(f, { ...o, identities: id })) { n += events.length; bytes += viaBlank(events).length; }
console.log(n, 'events', bytes, 'json bytes', ((performance.now() - t0) / 1000).toFixed(2), 's');
