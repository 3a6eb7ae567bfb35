#!/usr/bin/env node
/**
 * Micro benchmarks (tinybench): the line splitter, each format's parser, each detector, and the
 * pipeline (read → parse → detect) in memory. Inputs come from the archive generator, so every
 * run measures the same lines.
 *
 *   node benchmarks/bench.mjs [--time MS] [--accounts N] [--json]
 *
 * Each row: operations per second and, where the operation has a size, MB/s and lines/s (or
 * events/s for detectors). Compare rows of the same run only; machines differ.
 */
import { mkdtemp, readFile, rm, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import {
  LineSplitter,
  FORMATS,
  ZoneClock,
  DETECTORS,
  DetectionEngine,
  createDetectionContext,
  scan,
  createDetection,
  resolveScanOptions,
  EvidenceReader,
  zstdDecoderKind,
  compactJson,
  eventsFromCompact,
  shapeEvent,
  scanFileEvents,
  EventBatch,
  compressMember,
  memberCodec,
  Identities,
} from '@mxray/core/internal';
import * as zlib from 'node:zlib';
import { writeArchive } from './lib/archive.mjs';
import { zstd } from './lib/compress.mjs';
import { listFiles, round } from './lib/files.mjs';

const { values } = parseArgs({
  options: {
    time: { type: 'string', default: '1000' },
    accounts: { type: 'string', default: '20000' },
    json: { type: 'boolean', default: false },
  },
});
const time = Number(values.time);

/** Header dump shape (one message's headers, then a blank line), as stored-mail exports write them. */
const HEADER_DUMP = `Return-Path: <taro@example.co.jp>
Received: from webmail01.example.jp (webmail01.example.jp [192.0.2.30])
\tby mx01.example.jp (Postfix) with ESMTPSA id 4WbQ2x0LZ3z9vGk
\tfor <partner@example.net>; Sat,  3 Aug 2024 06:12:44 +0900 (JST)
Received: from [203.0.113.66] (unknown [203.0.113.66])
\tby webmail01.example.jp with HTTP; Sat,  3 Aug 2024 06:12:43 +0900
From: Taro <taro@example.co.jp>
To: partner@example.net
Subject: =?UTF-8?B?6KuL5rGC5pu4?=
Date: Sat, 3 Aug 2024 06:12:43 +0900
Message-ID: <20240803061243.1234@webmail01.example.jp>
Authentication-Results: mx01.example.jp; spf=pass smtp.mailfrom=example.co.jp

`;

/**
 * The formats the archive generator does not write: their shapes, `N` standing for a number that
 * varies per line (so accounts and addresses are not one cached string).
 */
const OTHER_FORMATS = [
  {
    format: 'exim',
    name: 'parse exim mainlog',
    shapes: [
      '2024-08-03 04:12:09 1sa2Bc-00000N-Xy <= userN@example.jp H=(pcN) [192.0.2.N]:51234 I=[192.0.2.10]:587 P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=dovecot_plain:userN@example.jp S=1834 id=N@example.jp',
      '2024-08-03 04:12:10 1sa2Bc-00000N-Xy => friendN@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.55] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C="250 2.0.0 OK"',
      '2024-08-03 04:12:10 1sa2Bc-00000N-Xy Completed',
      '2024-08-03 04:12:13 dovecot_login authenticator failed for (User) [198.51.100.N]:50522 I=[192.0.2.10]:587: 535 Incorrect authentication data (set_id=userN@example.jp)',
    ],
  },
  {
    format: 'syslog',
    name: 'parse syslog (sendmail + courier)',
    shapes: [
      'Aug  3 04:30:00 mx03 sm-mta[5133]: s73JU0x100N: AUTH=server, relay=client.example.net [192.0.2.N], authid=userN@example.jp, mech=LOGIN, bits=0',
      'Aug  3 04:30:00 mx03 sm-mta[5133]: s73JU0x100N: from=<userN@example.jp>, size=812, class=0, nrcpts=1, msgid=<N@example.jp>, proto=ESMTPSA, daemon=MTA, relay=client.example.net [192.0.2.N]',
      'Aug  3 04:30:01 mx03 sm-mta[5134]: s73JU0x100N: to=<friendN@example.net>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120812, relay=mx.example.net. [192.0.2.55], dsn=2.0.0, stat=Sent (ok queued)',
      'Aug  3 04:40:00 mx04 imapd-ssl: LOGIN, user=userN@example.jp, ip=[::ffff:192.0.2.N], port=[51234], protocol=IMAP',
      'Aug  3 04:40:30 mx04 imapd-ssl: LOGOUT, user=userN@example.jp, ip=[::ffff:192.0.2.N], headers=120, body=904112, rcvd=190, sent=931222, time=25',
    ],
  },
  {
    format: 'roundcube',
    name: 'parse roundcube userlogins',
    shapes: ['[03-Aug-2024 04:12:09 +0900]: <4gq9ebpd> Successful login for userN@example.jp (ID: N) from 192.0.2.N in session 4gq9ebpd8hqN'],
  },
  {
    format: 'web-error-log',
    name: 'parse web-error-log (apache)',
    shapes: [
      '[Sat Aug 03 04:12:09.123456 2024] [authz_core:error] [pid 1234:tid 5678] [client 192.0.2.N:55280] AH01630: client denied by server configuration: /var/www/html/.env',
      '[Sat Aug 03 04:12:09.123456 2024] [cgid:error] [pid 1234:tid 5678] [client 192.0.2.N:55280] End of script output before headers: am_main.cgi',
    ],
  },
];

/** `count` lines cycling through `shapes`, each `N` replaced by the line's number mod 250 (and the line number). */
function synthesize(shapes, count) {
  const out = [];
  for (let i = 0; i < count; i++) out.push(shapes[i % shapes.length].replace(/N/g, () => String(i % 250)));
  return Buffer.from(`${out.join('\n')}\n`);
}

const dir = await mkdtemp(path.join(tmpdir(), 'mxray-bench-'));
try {
  // Plain files, so each parser's input is just its lines.
  await writeArchive(dir, { accounts: Number(values.accounts), days: 2, compression: 'none' });
  const mailFile = path.join(dir, 'mx01', (await readdir(path.join(dir, 'mx01')))[0]);
  const webFile = path.join(dir, 'webmail01', (await readdir(path.join(dir, 'webmail01')))[0]);
  const mail = await readFile(mailFile);
  const web = await readFile(webFile);
  const headers = Buffer.from(HEADER_DUMP.repeat(200));

  const rows = [];
  const bench = new Bench({ time, iterations: 5, warmup: true });
  const sized = new Map();
  const add = (name, size, fn) => {
    sized.set(name, size);
    bench.add(name, fn);
  };

  add('line splitter', { bytes: mail.length, lines: countLines(mail) }, () => {
    const splitter = new LineSplitter();
    let n = 0;
    for (let i = 0; i < mail.length; i += 1 << 20) splitter.push(mail.subarray(i, i + (1 << 20)), () => n++);
    splitter.end(() => n++);
    return n;
  });

  // zstd decoding of the mail log, through the evidence reader (read, hash, decode), by each
  // decoder this runtime has: node:zlib's libzstd where there is one, and zstd-codec.
  const zstFile = path.join(dir, 'mail.zst');
  await writeFile(zstFile, await zstd(mail));
  const decoders = zstdDecoderKind() === 'node:zlib' ? ['node:zlib', 'zstd-codec'] : ['zstd-codec'];
  for (const decoder of decoders) {
    add(`read + decode zstd (${decoder})`, { bytes: mail.length, lines: countLines(mail) }, async () => {
      if (decoder === 'zstd-codec') process.env.MXRAY_ZSTD = 'codec';
      try {
        const reader = new EvidenceReader(zstFile);
        let n = 0;
        for await (const chunk of reader.chunks()) n += chunk.length;
        if (n !== mail.length) throw new Error(`${decoder} decoded ${n} of ${mail.length} bytes`);
        return n;
      } finally {
        delete process.env.MXRAY_ZSTD;
      }
    });
  }

  for (const [format, buf, name] of [
    ['syslog', mail, 'parse syslog (postfix + dovecot)'],
    ['access-log', web, 'parse access-log (apache combinedio)'],
    ['mail-headers', headers, 'parse mail-headers'],
    ...OTHER_FORMATS.map(({ format, name, shapes }) => [format, synthesize(shapes, 50_000), name]),
  ]) {
    const lines = splitLines(buf);
    add(name, { bytes: buf.length, lines: lines.length }, async () => {
      const { ctx, counts } = fileContext();
      const parser = FORMATS.find((f) => f.id === format).createParser(ctx);
      for (const l of lines) parser.line(l.text, l.line);
      await parser.drain?.();
      await parser.end?.();
      return counts.events;
    });
  }

  // Detectors: one observe pass over the archive's events plus finish, each on its own.
  const events = [];
  await scan({ paths: [dir] }, { onEvents: (batch) => void events.push(...batch) });
  const window = resolveScanOptions({ paths: [dir] }).window;
  for (const detector of DETECTORS) {
    add(`detect ${detector.id}`, { events: events.length }, () => {
      const engine = new DetectionEngine({ context: createDetectionContext({ window }), detectors: [detector] });
      for (const e of events) engine.observe(e);
      return engine.finish().findings.length;
    });
  }

  // Batches between threads: the events as columns (what mxray sends and stores) against the
  // baseline of the sixth and seventh sessions, the events as an array of sparse objects.
  const batches = [];
  for (let i = 0; i < events.length; i += 2000) batches.push(events.slice(i, i + 2000));
  // The seventh session's serializer: `source` set aside for the call, undefined fields left out by JSON.
  const sparse = (batch) => {
    const sources = batch.map((e) => e.source);
    try {
      for (const e of batch) e.source = undefined;
      return JSON.stringify(batch);
    } finally {
      for (let i = 0; i < batch.length; i++) batch[i].source = sources[i];
    }
  };
  const columnsJson = batches.map(compactJson);
  const sparseJsonText = batches.map(sparse);
  const lineNumbers = batches.map((b) => Float64Array.from(b, (e) => e.source.line));
  add('batches: events → columns JSON (compactJson)', { events: events.length }, () => batches.reduce((n, b) => n + compactJson(b).length, 0));
  add('batches: columns JSON → events', { events: events.length }, () => columnsJson.reduce((n, j, i) => n + eventsFromCompact(j, lineNumbers[i], 'f').length, 0));
  add('baseline: events → sparse objects JSON', { events: events.length }, () => batches.reduce((n, b) => n + sparse(b).length, 0));
  add('baseline: sparse objects JSON → events', { events: events.length }, () =>
    sparseJsonText.reduce((n, j, i) => n + JSON.parse(j).map((s, k) => shapeEvent(s, s.phase, { file: 'f', line: lineNumbers[i][k] }, s.length, s.truncated === true)).length, 0),
  );

  // A checkpoint's member of each batch (what the main thread compresses while it detects):
  // compressMember encodes the line's parts into a buffer it keeps, against the tenth session's
  // way, the line as one string handed to node:zlib (which allocates a buffer for each).
  const codec = memberCodec();
  const memberBatches = batches.map((b) => new EventBatch('f', b));
  for (const b of memberBatches) b.compact();
  add(`checkpoint members: compressMember (${codec}, kept buffer)`, { events: events.length }, () =>
    memberBatches.reduce((n, b) => n + compressMember([b.line(), '\n'], codec).length, 0),
  );
  const level = codec === 'zstd' ? { params: { [zlib.constants.ZSTD_c_compressionLevel]: 1 } } : { level: 1 };
  add(`baseline: node:zlib handed each line as a string (${codec})`, { events: events.length }, () =>
    memberBatches.reduce((n, b) => n + (codec === 'zstd' ? zlib.zstdCompressSync(`${b.line()}\n`, level) : zlib.gzipSync(`${b.line()}\n`, level)).length, 0),
  );

  // Detection's observing of batches whose keys the scan's tables already gave (as a scan does):
  // with each event's keys primed (observeBatch) against every consumer looking them up again.
  const identities = new Identities(5_000_000);
  const keyedBatches = batches.map((b) => {
    const batch = new EventBatch('f', b);
    batch.keys(identities);
    return batch;
  });
  for (const primed of [true, false]) {
    add(`detection observing batches (${primed ? 'keys primed: observeBatch' : 'baseline: observeAll'})`, { events: events.length }, async () => {
      const detection = await createDetection(window, { geo: false, identities });
      for (const b of keyedBatches) {
        if (primed) detection.observeBatch(b);
        else detection.observeAll(b.events);
      }
      return events.length;
    });
  }

  // A worker thread's share of the scan on one file: read, hash, decode, split, parse, then each
  // batch as columns JSON (what it posts to the main thread). The parsing is most of it.
  add('worker: read + parse + columns JSON (one zstd mail log)', { bytes: mail.length, lines: countLines(mail) }, async () => {
    const file = { root: dir, path: 'mail.zst', absolute: zstFile, size: (await stat(zstFile)).size, mtimeMs: Date.UTC(2024, 7, 5) };
    const options = { ...resolveScanOptions({ paths: [dir] }), identities: { account: (v) => v, ip: (v) => v } };
    const batches = scanFileEvents(file, options);
    let n = 0;
    for (let step = await batches.next(); !step.done; step = await batches.next()) n += new EventBatch(file.path, step.value).compact().json.length;
    return n;
  });

  let totalBytes = 0;
  let totalLines = 0;
  for (const f of await listFiles(dir)) {
    const buf = await readFile(f);
    totalBytes += buf.length;
    totalLines += countLines(buf);
  }
  // One thread, then the default split (a worker reads and parses, the main thread detects).
  for (const workers of [0, 1]) {
    const label = workers === 0 ? 'one thread' : `${workers} worker`;
    add(`pipeline: read + parse (${label})`, { bytes: totalBytes, lines: totalLines }, async () => {
      let n = 0;
      await scan({ paths: [dir], workers }, { onEvents: (b) => void (n += b.length) });
      return n;
    });
    add(`pipeline: read + parse + all detectors (${label})`, { bytes: totalBytes, lines: totalLines }, async () => {
      const detection = await createDetection(window, { geo: false });
      await scan({ paths: [dir], workers }, { onEvents: (b) => detection.observeAll(b) });
      return detection.finish().findings.length;
    });
  }

  await bench.run();
  for (const task of bench.tasks) {
    const r = task.result;
    if (!r || r.error || !r.latency) throw r?.error ?? new Error(`${task.name}: no result`);
    const s = sized.get(task.name);
    const perSecond = 1000 / r.latency.mean;
    rows.push({
      name: task.name,
      msPerOp: round(r.latency.mean, 3),
      rme: round(r.latency.rme, 1),
      samples: r.latency.samples.length,
      ...(s.bytes && { mbPerSec: round((s.bytes * perSecond) / 1e6, 1) }),
      ...(s.lines && { linesPerSec: Math.round(s.lines * perSecond) }),
      ...(s.events && { eventsPerSec: Math.round(s.events * perSecond) }),
    });
  }
  if (values.json) console.log(JSON.stringify({ node: process.version, accounts: Number(values.accounts), rows }));
  else {
    console.log(`mxray micro benchmarks — node ${process.version}, ${values.accounts} accounts × 2 days, ${time} ms per task\n`);
    console.log('| task | ms/op | ±% | MB/s | lines/s | events/s |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      console.log(`| ${r.name} | ${r.msPerOp} | ${r.rme} | ${r.mbPerSec ?? ''} | ${fmt(r.linesPerSec)} | ${fmt(r.eventsPerSec)} |`);
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

function fileContext() {
  const counts = { events: 0, ignored: 0, errors: 0 };
  const anchor = { rule: 'option', at: Date.UTC(2024, 11, 31), evidence: 'bench' };
  const ctx = {
    file: 'bench',
    clock: new ZoneClock('Asia/Tokyo'),
    yearAnchor: () => anchor,
    emit: () => void counts.events++,
    parseError: () => void counts.errors++,
    ignore: () => void counts.ignored++,
  };
  return { ctx, counts };
}

function splitLines(buf) {
  const out = [];
  const splitter = new LineSplitter();
  const keep = (line) => out.push({ text: line.bytes.toString('utf8'), line: { ...line, bytes: Buffer.from(line.bytes) } });
  splitter.push(buf, keep);
  splitter.end(keep);
  return out;
}

function countLines(buf) {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

function fmt(v) {
  return v === undefined ? '' : v.toLocaleString('en-US');
}
