/**
 * The floor: the least work any Node scan of these files does, the "naive Node loop".
 * Each file is decompressed with zstd-codec's streaming binding (the decoder this project must
 * use; Node 20 has no zstd of its own) or zlib, cut into lines on `\n` in the Buffer, one regex
 * is run on each line and a Map counts lines per account. With `hash`, the raw bytes are also
 * hashed (SHA-256), as the evidence rule asks of every scan. Files are spread over `threads`
 * worker threads, a file per thread at a time.
 *
 * It parses nothing else and detects nothing: mxray cannot be faster than this on the same
 * machine, so its throughput is an upper bound for any Node implementation of the pipeline.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const READ_BYTES = 1024 * 1024;
const ACCOUNT = /(?:sasl_username|user)=<?([^,>\s]+)/;

/** Runs the floor over `files` on `threads` threads; resolves to { lines, bytes, accounts, seconds }. */
export async function runFloor(files, { threads = 1, hash = false } = {}) {
  const started = performance.now();
  const queue = [...files];
  const totals = { lines: 0, bytes: 0, accounts: 0 };
  const runOne = () =>
    new Promise((resolve, reject) => {
      const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { hash } });
      let finished = false;
      const next = () => {
        const file = queue.shift();
        if (file === undefined) {
          finished = true;
          worker.terminate().then(() => resolve());
          return;
        }
        worker.postMessage(file);
      };
      // A thread that dies without an error event must not leave the benchmark waiting forever.
      worker.on('exit', (code) => {
        if (!finished) reject(new Error(`floor worker exited with code ${code} before its files were done`));
      });
      worker.on('message', (r) => {
        totals.lines += r.lines;
        totals.bytes += r.bytes;
        totals.accounts += r.accounts;
        next();
      });
      worker.on('error', reject);
      next();
    });
  await Promise.all(Array.from({ length: Math.max(1, threads) }, runOne));
  return { ...totals, seconds: (performance.now() - started) / 1000 };
}

if (!isMainThread) {
  const zstd = (await zstdBox()).binding;
  parentPort.on('message', async (file) => parentPort.postMessage(await floorOfFile(file, zstd, workerData.hash)));
}

async function floorOfFile(file, zstd, hash) {
  const counts = new Map();
  let lines = 0;
  let bytes = 0;
  let carry = Buffer.alloc(0);
  const onDecoded = (chunk) => {
    bytes += chunk.length;
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      const m = ACCOUNT.exec(buf.latin1Slice(start, nl));
      if (m) {
        const key = m[1];
        const n = counts.get(key);
        // A fresh key is copied (flattened) once, so the Map does not keep the line alive.
        if (n === undefined) counts.set((` ${key}`).slice(1), 1);
        else counts.set(key, n + 1);
      }
      lines++;
      start = nl + 1;
    }
    carry = Buffer.from(buf.subarray(start));
  };
  const digest = hash ? createHash('sha256') : undefined;
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    const kind = head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd ? 'zstd' : head[0] === 0x1f && head[1] === 0x8b ? 'gzip' : 'none';
    const gunzip = kind === 'gzip' ? createGunzip() : undefined;
    gunzip?.on('data', onDecoded);
    const gunzipped = gunzip && new Promise((resolve, reject) => gunzip.on('end', resolve).on('error', reject));
    const stream = kind === 'zstd' ? new zstd.ZstdDecompressStreamBinding() : undefined;
    stream?.begin();
    const buf = Buffer.alloc(READ_BYTES);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, READ_BYTES, null);
      if (bytesRead === 0) break;
      const raw = buf.subarray(0, bytesRead);
      digest?.update(raw);
      if (stream) stream.transform(raw, (out) => onDecoded(Buffer.from(out)));
      else if (gunzip) await new Promise((resolve) => gunzip.write(Buffer.from(raw), resolve));
      else onDecoded(Buffer.from(raw));
    }
    if (stream) {
      stream.end((out) => onDecoded(Buffer.from(out)));
      stream.delete?.();
    }
    if (gunzip) {
      gunzip.end();
      await gunzipped;
    }
  } finally {
    await fh.close();
  }
  if (carry.length) lines++;
  digest?.digest('hex');
  return { lines, bytes, accounts: counts.size };
}

/** The Emscripten module is a thenable, so it travels in a box (a promise of it never settles). */
function zstdBox() {
  const require = createRequire(fileURLToPath(import.meta.url));
  const mod = require('zstd-codec/lib/module.js');
  return new Promise((resolve) => mod.run((binding) => resolve({ binding })));
}
