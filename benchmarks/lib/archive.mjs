/**
 * A seeded synthetic mail archive at any scale, streamed to disk: one rotated file per host and
 * day, never a whole file in memory.
 *
 * How it stays small: each user-day's activity is a pure function of (seed, day, user), so a
 * host's day is first listed as one float per log line (time, user, slot, kind packed in 47 bits),
 * sorted, and only then rendered line by line into the compressor. A day of 4,072,650 accounts is
 * about 13 M lines, so the list is about 30 MB per host.
 *
 * Cast: mail hosts mxNN (Postfix submission + Dovecot IMAP/POP3; odd hosts BSD syslog, even RFC
 * 3339) and webmail01 (Apache combinedio, Active! mail paths) which logs into IMAP for a third of
 * the users. On the first window day attacker 203.0.113.66 sends overflow requests to the webmail
 * and then, every window day, logs into about 1 in 2,000 accounts and downloads their mail; a
 * stuffing IP fails over 1 in 10,000 accounts and gets into a few.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { spawn, spawnSync } from 'node:child_process';
import { createGzip } from 'node:zlib';
import { once } from 'node:events';
import path from 'node:path';
import { createRequire } from 'node:module';
import { bsdStamp, rfc3339Stamp, apacheStamp, postfix, dovecot, QUEUE_ALPHABET, SESSION_ALPHABET } from './log-lines.mjs';

const DAY_S = 86_400;
const JST_MIDNIGHT = (y, m, d) => Date.UTC(y, m - 1, d) - 9 * 3_600_000;
export const CUTOFF = JST_MIDNIGHT(2024, 8, 3);
export const ATTACKER = '203.0.113.66';
export const STUFFER = '198.51.100.250';
const WEBMAIL_IP = '192.0.2.30';

/** Kinds of generated line; 4 bits. */
const K = {
  FAIL: 0, LOGIN: 1, LOGOUT: 2, SUB_CLIENT: 3, SUB_FROM: 4, SUB_TO: 5, SUB_REMOVED: 6,
  WEB_LOGIN: 7, WEB_LIST: 8, ATT_LOGIN: 9, ATT_LOGOUT: 10, STUFF_FAIL: 11,
};
const USER_BITS = 23; // up to 8,388,607 accounts
const SLOT_BITS = 3;
const KIND_BITS = 4;
const LOW = 2 ** (USER_BITS + SLOT_BITS + KIND_BITS);
export const MAX_ACCOUNTS = 2 ** USER_BITS - 1;

/** 32-bit avalanche hash of a few integers (murmur3 finalizer): the archive's only randomness. */
function hash(a, b = 0, c = 0, d = 0) {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x165667b1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ Math.imul(c + 0x27d4eb2f, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0x297a2d39) ^ Math.imul(d + 0x61c88647, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}
const idFrom = (alphabet, len, h1, h2) => {
  let s = '';
  for (let i = 0; i < len; i++) s += alphabet[(i < 6 ? h1 >>> (i * 5) : h2 >>> ((i - 6) * 3)) % alphabet.length];
  return s;
};

export function createArchivePlan({ accounts, days, hosts = 4, seed = 1, baselineDays, start }) {
  if (!Number.isInteger(accounts) || accounts < 1 || accounts > MAX_ACCOUNTS) throw new RangeError(`--accounts must be 1..${MAX_ACCOUNTS}`);
  if (!Number.isInteger(days) || days < 1) throw new RangeError('--days must be 1 or more');
  const baseline = baselineDays ?? (days > 1 ? 1 : 0);
  const first = start ?? CUTOFF - baseline * DAY_S * 1000;
  const contracts = Math.max(1, Math.round(accounts / 627)); // 4,072,650 accounts / 6,493 contracts
  return { accounts, days, hosts, seed, first, contracts };
}

/** What one user does on one day; every field derived from hashes, nothing stored. */
function userDay(plan, day, u) {
  const h = hash(plan.seed, day, u);
  const r = h % 100;
  const sessions = r < 30 ? 0 : r < 80 ? 1 : 2;
  return {
    sessions,
    fail: (h >>> 8) % 100 < 3,
    submit: (h >>> 16) % 100 < 20,
    web: u % 3 === 0 && (h >>> 24) % 100 < 30,
  };
}

const isVictimOfAttacker = (plan, u) => hash(plan.seed, 0xa77ac, u) % 2000 === 0;
const isStuffed = (plan, u) => hash(plan.seed, 0x57f, u) % 10_000 === 0;

export function accountName(plan, u) {
  return `user${u}@c${u % plan.contracts}.example.jp`;
}
function homeIp(plan, u) {
  const h = hash(plan.seed, 0x1b, u);
  // Documentation ranges are far too small for millions of homes: spread them over 11.0.0.0–109.255.255.255
  // so GeoIP sees ordinary public space (synthetic: the real holders of these addresses are not implied).
  return `${11 + (h % 99)}.${(h >>> 7) & 255}.${(h >>> 15) & 255}.${1 + ((h >>> 23) % 254)}`;
}

/** Seconds after the day's JST midnight for slot `j` of user `u` (7:00–23:00). */
const slotTime = (plan, day, u, j) => 7 * 3600 + (hash(plan.seed, day, u, 16 + j) % (16 * 3600));
const duration = (plan, day, u, j) => 30 + (hash(plan.seed, day, u, 32 + j) % 1170);

const pack = (t, u, slot, kind) => t * LOW + ((u * 2 ** SLOT_BITS + slot) * 2 ** KIND_BITS + kind);
const unpack = (x) => {
  const t = Math.floor(x / LOW);
  let low = x - t * LOW;
  const kind = low % 16;
  low = (low - kind) / 16;
  const slot = low % 8;
  return { t, u: (low - slot) / 8, slot, kind };
};

/** The lines of one mail host's day as packed keys, sorted by time (then user, slot, kind). */
function hostDayKeys(plan, day, host, isWindow, isFirstWindowDay) {
  const keys = [];
  for (let u = host; u < plan.accounts; u += plan.hosts) {
    const a = userDay(plan, day, u);
    for (let j = 0; j < a.sessions; j++) {
      const t = slotTime(plan, day, u, j);
      if (j === 0 && a.fail) keys.push(pack(t - 15, u, j, K.FAIL));
      keys.push(pack(t, u, j, K.LOGIN), pack(t + duration(plan, day, u, j), u, j, K.LOGOUT));
    }
    if (a.web) {
      const t = slotTime(plan, day, u, 3) + 2;
      keys.push(pack(t, u, 3, K.LOGIN), pack(t + duration(plan, day, u, 3), u, 3, K.LOGOUT));
    }
    if (a.submit) {
      const t = slotTime(plan, day, u, 4);
      keys.push(pack(t, u, 4, K.SUB_CLIENT), pack(t, u, 4, K.SUB_FROM), pack(t + 1, u, 4, K.SUB_TO), pack(t + 1, u, 4, K.SUB_REMOVED));
    }
    if (isWindow && isVictimOfAttacker(plan, u) && hash(plan.seed, 0xda7, u) % plan.windowDays === day - plan.firstWindowDay) {
      const t = 5 * 3600 + (hash(plan.seed, day, u, 5) % (18 * 3600));
      keys.push(pack(t, u, 5, K.ATT_LOGIN), pack(t + 600 + (hash(plan.seed, day, u, 6) % 1800), u, 5, K.ATT_LOGOUT));
    }
    if (isFirstWindowDay && isStuffed(plan, u)) {
      const t = 2 * 3600 + (u % 3600);
      keys.push(pack(t, u, 6, K.STUFF_FAIL));
      if (hash(plan.seed, 0x5acc, u) % 10 === 0) {
        keys.push(pack(t + 900, u, 7, K.ATT_LOGIN), pack(t + 1200, u, 7, K.ATT_LOGOUT));
      }
    }
  }
  const sorted = Float64Array.from(keys);
  sorted.sort();
  return sorted;
}

function webDayKeys(plan, day) {
  const keys = [];
  for (let u = 0; u < plan.accounts; u += 3) {
    if (!userDay(plan, day, u).web) continue;
    const t = slotTime(plan, day, u, 3);
    keys.push(pack(t, u, 3, K.WEB_LOGIN), pack(t + 4, u, 3, K.WEB_LIST));
  }
  const sorted = Float64Array.from(keys);
  sorted.sort();
  return sorted;
}

/** A compressed (or plain) file written as a stream; `write` returns false when it should wait. */
async function openSink(file, compression) {
  await mkdir(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  if (compression === 'gz') {
    const gz = createGzip({ level: 6 });
    gz.pipe(out);
    return { stream: gz, done: once(out, 'close') };
  }
  if (compression === 'zst' && zstdCli()) {
    // The zstd CLI is what logrotate runs; level 3, one thread, like a default `compresscmd zstd`.
    const child = spawn('zstd', ['-q', '-3', '-T1', '-c'], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdout.pipe(out);
    return { stream: child.stdin, done: Promise.all([once(out, 'close'), once(child, 'exit')]) };
  }
  if (compression === 'zst') return zstdCodecSink(out);
  return { stream: out, done: once(out, 'close') };
}

let hasZstd;
const zstdCli = () => (hasZstd ??= spawnSync('zstd', ['--version']).status === 0);

/** Without the zstd CLI: zstd-codec, one frame per 4 MiB block (a valid multi-frame .zst). */
async function zstdCodecSink(out) {
  const require = createRequire(import.meta.url);
  const simple = await new Promise((resolve) => require('zstd-codec').ZstdCodec.run((z) => resolve(new z.Simple())));
  let pending = [];
  let size = 0;
  const flush = () => {
    if (size === 0) return true;
    const ok = out.write(Buffer.from(simple.compress(Buffer.concat(pending, size), 3)));
    pending = [];
    size = 0;
    return ok;
  };
  const stream = {
    write(buf) {
      pending.push(buf);
      size += buf.length;
      return size >= 4 << 20 ? flush() : true;
    },
    end() {
      flush();
      out.end();
    },
    once: (event, fn) => out.once(event, fn),
  };
  return { stream, done: once(out, 'close') };
}

/** Renders lines into ~1 MiB buffers and respects backpressure. */
async function writeLines(sink, keys, render, tail = () => '') {
  let text = '';
  let lines = 0;
  for (let i = 0; i < keys.length; i++) {
    text += render(unpack(keys[i]));
    text += '\n';
    lines++;
    if (text.length >= 1 << 20) {
      if (!sink.stream.write(Buffer.from(text))) await once(sink.stream, 'drain');
      text = '';
    }
  }
  text += tail();
  if (text) sink.stream.write(Buffer.from(text));
  sink.stream.end();
  await sink.done;
  return lines;
}

function mailRenderer(plan, day, host) {
  const dayMs = plan.first + day * DAY_S * 1000;
  const name = `mx${String(host + 1).padStart(2, '0')}`;
  const stamp = host % 2 === 0 ? bsdStamp : rfc3339Stamp;
  const lip = `192.0.2.${10 + host}`;
  let lastT = -1;
  let prefix = '';
  return ({ t, u, slot, kind }) => {
    if (t !== lastT) {
      lastT = t;
      prefix = `${stamp(dayMs + t * 1000)} ${name} `;
    }
    const user = accountName(plan, u);
    const h1 = hash(plan.seed, day, u, 64 + slot);
    const h2 = hash(plan.seed, day, u, 80 + slot);
    const session = idFrom(SESSION_ALPHABET, 16, h1, h2);
    const mpid = 1000 + ((day * 8 + slot) * 7919 + u) % 4_000_000;
    const pop3 = h1 % 100 < 15 && slot < 3;
    const rip = slot === 3 ? WEBMAIL_IP : homeIp(plan, u);
    switch (kind) {
      case K.FAIL: return prefix + dovecot.failed('imap', user, rip, lip, idFrom(SESSION_ALPHABET, 16, h2, h1));
      case K.LOGIN: return prefix + dovecot.login(pop3 ? 'pop3' : 'imap', user, rip, lip, mpid, session);
      case K.LOGOUT: {
        const bytes = 10_000 + (h2 % 3_000_000);
        return prefix + (pop3 ? dovecot.pop3Logout(user, mpid, session, 1 + (h1 % 50), bytes) : dovecot.imapLogout(user, mpid, session, 100 + (h1 % 5000), bytes));
      }
      case K.ATT_LOGIN: return prefix + dovecot.login('imap', user, slot === 7 ? STUFFER : ATTACKER, lip, mpid, session);
      case K.ATT_LOGOUT: return prefix + dovecot.imapLogout(user, mpid, session, 400 + (h1 % 900), slot === 7 ? 1_000_000 + (h2 % 20_000_000) : 80_000_000 + (h2 % 820_000_000));
      case K.STUFF_FAIL: return prefix + dovecot.failed('imap', user, STUFFER, lip, session);
      default: {
        const qid = idFrom(QUEUE_ALPHABET, 11, h1, h2);
        const pid = 2000 + (h1 % 30_000);
        if (kind === K.SUB_CLIENT) return prefix + postfix.client(pid, qid, rip, user);
        if (kind === K.SUB_FROM) return prefix + postfix.from(qid, user, 2000 + (h2 % 60_000));
        if (kind === K.SUB_TO) return prefix + postfix.to(pid + 1, qid, `friend${h2 % 30}@example.net`, 'mx.example.net', '192.0.2.55');
        return prefix + postfix.removed(qid);
      }
    }
  };
}

function webRenderer(plan, day) {
  const dayMs = plan.first + day * DAY_S * 1000;
  return ({ t, u, kind }) => {
    const ip = homeIp(plan, u);
    const stamp = apacheStamp(dayMs + t * 1000);
    const h = hash(plan.seed, day, u, 99);
    return kind === K.WEB_LOGIN
      ? `${ip} - - [${stamp}] "POST /am_bin/amlogin/login_auth HTTP/1.1" 302 - "-" "Mozilla/5.0" ${600 + (h % 300)} 400`
      : `${ip} - - [${stamp}] "GET /am_bin/am_main.cgi/mail_list?folder=INBOX HTTP/1.1" 200 ${9000 + (h % 21_000)} "-" "Mozilla/5.0" 500 31000`;
  };
}

/** The overflow requests of the first window day, at 04:00–05:00 JST, as literal lines. */
function overflowLines(dayMs) {
  const probes = [
    `/am_bin/amlogin?${'A'.repeat(9000)}`,
    `/am_bin/amlogin/login_auth?am_authid=${'%90'.repeat(3000)}`,
    `/am_bin/am_main.cgi/mail_list?${'%u9090'.repeat(900)}`,
  ];
  const lines = probes.map((p, j) => {
    const t = 4 * 3600 + j * 360;
    return [t, `${ATTACKER} - - [${apacheStamp(dayMs + t * 1000)}] "GET ${p} HTTP/1.1" ${j % 2 ? 500 : 414} 612 "-" "python-requests/2.31" ${p.length + 200} 845`];
  });
  const t = 5 * 3600;
  lines.push([t, `${ATTACKER} - - [${apacheStamp(dayMs + t * 1000)}] "POST /am_bin/amlogin/login_auth HTTP/1.1" 500 612 "-" "-" 1048921 845`]);
  return lines;
}

/**
 * Writes the archive into `out`; returns what it wrote and the ground truth. `compression`:
 * 'zst' (default), 'gz', 'none', or 'mixed' (odd hosts gz, even zst; webmail plain).
 */
export async function writeArchive(out, options, onFile = () => {}) {
  const plan = createArchivePlan(options);
  const compression = options.compression ?? 'zst';
  const windowStartDay = Math.max(0, Math.round((CUTOFF - plan.first) / (DAY_S * 1000)));
  plan.firstWindowDay = windowStartDay;
  plan.windowDays = Math.max(1, plan.days - windowStartDay);
  const files = [];
  for (let day = 0; day < plan.days; day++) {
    const dayMs = plan.first + day * DAY_S * 1000;
    const isWindow = dayMs >= CUTOFF;
    const rotated = new Date(dayMs + DAY_S * 1000 + 9 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
    for (let host = 0; host < plan.hosts; host++) {
      const c = compression === 'mixed' ? (host % 2 ? 'gz' : 'zst') : compression;
      const ext = c === 'none' ? '' : `.${c}`;
      const name = `mx${String(host + 1).padStart(2, '0')}/maillog-${rotated}${ext}`;
      const keys = hostDayKeys(plan, day, host, isWindow, isWindow && day === windowStartDay);
      const lines = await writeLines(await openSink(path.join(out, name), c), keys, mailRenderer(plan, day, host));
      files.push({ name, lines });
      onFile(name, lines);
    }
    const webKeys = webDayKeys(plan, day);
    const extra = isWindow && day === windowStartDay ? overflowLines(dayMs) : [];
    const webC = compression === 'mixed' ? 'none' : compression;
    const name = `webmail01/access_log-${rotated}${webC === 'none' ? '' : `.${webC}`}`;
    const render = webRenderer(plan, day);
    const sink = await openSink(path.join(out, name), webC);
    let lines;
    if (extra.length) {
      // Few literal lines: merge them into the sorted stream by time.
      let k = 0;
      const wrapped = ({ t, u, slot, kind }) => {
        let prefix = '';
        while (k < extra.length && extra[k][0] <= t) prefix += `${extra[k++][1]}\n`;
        return prefix + render({ t, u, slot, kind });
      };
      const rest = () => extra.slice(k).map((e) => `${e[1]}\n`).join('');
      lines = (await writeLines(sink, webKeys, wrapped, rest)) + extra.length;
    } else {
      lines = await writeLines(sink, webKeys, render);
    }
    files.push({ name, lines });
    onFile(name, lines);
  }
  const truth = {
    accounts: plan.accounts,
    days: plan.days,
    cutoff: new Date(CUTOFF).toISOString(),
    first: new Date(plan.first).toISOString(),
    attackerIps: [ATTACKER, STUFFER],
    lines: files.reduce((a, f) => a + f.lines, 0),
    files,
  };
  return truth;
}

/** Accounts the attacker logged into (ground truth), computed without the archive. */
export function attackedAccounts(options) {
  const plan = createArchivePlan(options);
  const list = [];
  for (let u = 0; u < plan.accounts; u++) {
    const stuffedIn = isStuffed(plan, u) && hash(plan.seed, 0x5acc, u) % 10 === 0;
    if (isVictimOfAttacker(plan, u) || stuffedIn) list.push(accountName(plan, u));
  }
  return list;
}

export async function writeTruth(file, truth) {
  await writeFile(file, `${JSON.stringify(truth, null, 2)}\n`);
}
