#!/usr/bin/env node
/**
 * Writes samples/: a small, realistic archive with an attack story, the same bytes every run.
 *
 *   node benchmarks/make-samples.mjs samples
 *
 * Story (times JST): accounts of example.co.jp (mx01, BSD syslog, rotated .gz/.zst) and
 * example.jp (mx02, RFC 3339) use IMAP, POP3, SMTP submission and the Active! mail webmail
 * (webmail01: Apache combinedio; webmail02: nginx) from their usual addresses, 2024-07-28 to
 * 2024-08-06. On 2024-08-03 from 03:58, 203.0.113.66 probes /am_bin/ and sends overflow-style
 * requests (9 KB request line, %90 sled, %u9090 escapes, a 1 MB login POST answered 500). From
 * 05:31 the same address logs in over IMAP/POP3 to four accounts, downloads 700 MB from one
 * mailbox and sends a burst of mail from another. Benign noise: typos, a traveller's one new
 * IP, a long search URL, and a vulnerability scanner's overflow probe on 2024-07-30, before the
 * cutoff, which must stay baseline.
 *
 * Added later, with their own random stream so that the files above keep their bytes:
 * webmail01's Apache error log, where the CGI died on the attacker's requests answered 500; and
 * mx03, an Exim host for example.ne.jp, whose users submit mail with SMTP AUTH, and where on
 * 2024-08-05 the attacker's address sprays SMTP AUTH over 14 names (six real accounts among them)
 * without getting in: those six are targeted, not compromised.
 */
import { mkdir, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { createRng } from './lib/rng.mjs';
import { gzip, zstd } from './lib/compress.mjs';
import { bsdStamp, rfc3339Stamp, wall, postfix, dovecot, accessLine, QUEUE_ALPHABET, SESSION_ALPHABET } from './lib/log-lines.mjs';

const out = path.resolve(process.argv[2] ?? 'samples');
const rng = createRng(20240803);
const JST = (y, mo, d, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h - 9, mi, s);
const DAY = 86_400_000;

const ATTACKER = '203.0.113.66';
const WEBMAIL_IP = '192.0.2.30';
const MX = { 'example.co.jp': { host: 'mx01', lip: '192.0.2.10' }, 'example.jp': { host: 'mx02', lip: '192.0.2.11' } };
const names = ['taro', 'hanako', 'jiro', 'yuki', 'kenji', 'sakura', 'hiroshi', 'aiko', 'daichi', 'emi', 'goro', 'haruka',
  'ichiro', 'jun', 'kaori', 'makoto', 'naoki', 'rie', 'satoshi', 'tomoko', 'yusuke', 'mai', 'ren', 'sora'];
const users = names.map((n, i) => {
  const domain = i % 2 === 0 ? 'example.co.jp' : 'example.jp';
  return {
    name: `${n}@${domain}`,
    display: i === 0 ? `Taro@Example.co.jp` : `${n}@${domain}`,
    domain,
    home: `198.51.100.${10 + i}`,
    mobile: i % 3 === 0 ? `2001:db8:10::${(i + 1).toString(16)}` : undefined,
    webmail: i % 4 !== 3,
  };
});
const byName = Object.fromEntries(users.map((u) => [u.name.split('@')[0], u]));

/** Lines per output file: [ms, text]; sorted by time before writing. */
const files = new Map();
const add = (file, ms, text) => {
  if (!files.has(file)) files.set(file, []);
  files.get(file).push([ms, text]);
};

const mxFile = (domain, ms) => {
  if (domain === 'example.co.jp') {
    if (ms < JST(2024, 7, 31)) return 'mx01/maillog-20240731.gz';
    if (ms < JST(2024, 8, 4)) return 'mx01/maillog-20240804.zst';
    return 'mx01/maillog-20240807.gz';
  }
  return ms < JST(2024, 8, 4) ? 'mx02/mail.log.1.zst' : 'mx02/mail.log';
};
const syslog = (domain, ms, body) => {
  const { host } = MX[domain];
  const stamp = domain === 'example.co.jp' ? bsdStamp(ms) : rfc3339Stamp(ms);
  add(mxFile(domain, ms), ms, `${stamp} ${host} ${body}`);
};
const webFile = (ms) => (ms < JST(2024, 8, 4) ? 'webmail01/access_log-20240804.gz' : 'webmail01/access_log');

let pid = 20000;
let mpid = 40000;
const session = () => rng.id(SESSION_ALPHABET, 16);
const queueId = () => rng.id(QUEUE_ALPHABET, 15);

function imapSession(u, ms, ip, { proto = 'imap', out: outBytes, tls = 'TLS' } = {}) {
  const lip = MX[u.domain].lip;
  const s = session();
  const m = ++mpid;
  syslog(u.domain, ms, dovecot.login(proto, u.display, ip, lip, m, s, tls));
  const end = ms + rng.int(20, 1800) * 1000;
  if (proto === 'pop3') syslog(u.domain, end, dovecot.pop3Logout(u.name, m, s, rng.int(1, 40), outBytes ?? rng.int(20_000, 3_000_000)));
  else syslog(u.domain, end, dovecot.imapLogout(u.name, m, s, rng.int(200, 4000), outBytes ?? rng.int(20_000, 5_000_000)));
}

function submission(u, ms, ip, to) {
  const p = ++pid;
  const q = queueId();
  const size = rng.int(2_000, 80_000);
  syslog(u.domain, ms, postfix.connect(p, ip));
  syslog(u.domain, ms + 1000, postfix.client(p, q, ip, u.name));
  syslog(u.domain, ms + 1000, `postfix/cleanup[${p + 3}]: ${q}: message-id=<${q}.${ms}@${u.domain}>`);
  syslog(u.domain, ms + 1000, postfix.from(q, u.name, size));
  syslog(u.domain, ms + 2000, postfix.to(p + 4, q, to, 'mx.example.net', '192.0.2.55'));
  syslog(u.domain, ms + 2000, postfix.removed(q));
  syslog(u.domain, ms + 3000, postfix.disconnect(p, ip, 1));
}

const UA = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)'];

function webmailVisit(u, ms, ip) {
  const ua = UA[users.indexOf(u) % UA.length];
  const w = (t, method, p, status, bytes, io) => add(webFile(t), t, accessLine({ ip, ms: t, method, path: p, status, bytes, ua, io, referer: 'https://webmail.example.jp/am_bin/amlogin' }));
  w(ms, 'GET', '/am_bin/amlogin', 200, 5120, [412, 5480]);
  w(ms + 4000, 'POST', '/am_bin/amlogin/login_auth', 302, '-', [rng.int(700, 900), 412]);
  // The webmail logs into IMAP for the user from its own address, seconds later.
  imapSession(u, ms + 5000, WEBMAIL_IP, { out: rng.int(10_000, 400_000) });
  w(ms + 6000, 'GET', '/am_bin/am_main.cgi/mail_list?folder=INBOX&page=1', 200, rng.int(9000, 30000), [520, 31000]);
  w(ms + 9000, 'GET', `/am_viz/common/style.css?v=${rng.int(100, 999)}`, 200, 8123, [380, 8400]);
}

// Normal life, 2024-07-28 .. 2024-08-06
for (let day = JST(2024, 7, 28); day < JST(2024, 8, 7); day += DAY) {
  for (const u of users) {
    const logins = rng.int(1, 3);
    for (let k = 0; k < logins; k++) {
      const t = day + rng.int(7 * 3600, 22 * 3600) * 1000;
      const ip = u.mobile && rng.chance(0.3) ? u.mobile : u.home;
      if (rng.chance(0.05)) syslog(u.domain, t - 20_000, dovecot.failed('imap', u.name, ip, MX[u.domain].lip, session()));
      imapSession(u, t, ip, { proto: rng.chance(0.2) ? 'pop3' : 'imap' });
    }
    if (rng.chance(0.6)) submission(u, day + rng.int(8 * 3600, 20 * 3600) * 1000, u.home, `friend${rng.int(1, 9)}@example.net`);
    if (u.webmail && rng.chance(0.5)) webmailVisit(u, day + rng.int(9 * 3600, 18 * 3600) * 1000, u.home);
  }
}

// nginx front of a second webmail node: ordinary traffic and one long (legitimate) search URL.
for (let day = JST(2024, 7, 28); day < JST(2024, 8, 7); day += DAY) {
  for (let k = 0; k < 12; k++) {
    const u = rng.pick(users);
    const t = day + rng.int(8 * 3600, 21 * 3600) * 1000;
    add('webmail02/access.log', t, `${u.mobile ?? u.home} - - [${apacheStampOf(t)}] "GET /am_bin/am_main.cgi/mail_list?folder=INBOX&page=${rng.int(1, 5)} HTTP/2.0" 200 ${rng.int(9000, 30000)} "-" "${UA[k % 3]}"`);
  }
}
const longSearch = `/am_bin/am_main.cgi/mail_search?folder=INBOX&query=${encodeURIComponent('見積書 OR 請求書 OR 発注書 OR 納品書 '.repeat(18))}&from=&to=&since=2024-01-01&page=1`;
{
  const t = JST(2024, 8, 5, 10, 14, 2);
  add('webmail02/access.log', t, `${byName.sakura.home} - - [${apacheStampOf(t)}] "GET ${longSearch} HTTP/2.0" 200 22811 "-" "${UA[0]}"`);
}
function apacheStampOf(t) {
  return accessLine({ ip: '', ms: t, method: '', path: '', status: 0, bytes: 0, ua: '' }).split('[')[1].split(']')[0];
}

// A scanner's overflow probe in July: before the cutoff, so baseline, never a finding.
{
  const t = JST(2024, 7, 30, 2, 11, 40);
  add(webFile(t), t, accessLine({ ip: '198.51.100.250', ms: t, method: 'GET', path: `/am_bin/amlogin?${'%90'.repeat(2600)}`, status: 414, bytes: 226, ua: 'Mozilla/5.0 zgrab/0.x', io: [7900, 430] }));
}

// The exploit, 2024-08-03 from 03:58 JST.
{
  const ua = 'python-requests/2.31.0';
  const w = (t, method, p, status, bytes, io) => add(webFile(t), t, accessLine({ ip: ATTACKER, ms: t, method, path: p, status, bytes, ua, io }));
  w(JST(2024, 8, 3, 3, 58, 12), 'GET', '/am_bin/amlogin', 200, 5120, [240, 5480]);
  w(JST(2024, 8, 3, 4, 2, 31), 'GET', `/am_bin/amlogin?${'A'.repeat(9000)}`, 414, 226, [9180, 430]);
  w(JST(2024, 8, 3, 4, 5, 7), 'GET', `/am_bin/amlogin/login_auth?am_authid=${'%90'.repeat(3000)}%eb%1f%5e%89%76`, 500, 612, [9400, 845]);
  w(JST(2024, 8, 3, 4, 9, 55), 'POST', `/am_bin/am_main.cgi/mail_list?${'%u9090'.repeat(900)}`, 500, 612, [6020, 845]);
  w(JST(2024, 8, 3, 4, 14, 41), 'POST', '/am_bin/amlogin/login_auth', 500, 612, [1048921, 845]);
  w(JST(2024, 8, 3, 4, 15, 2), 'POST', '/am_bin/amlogin/login_auth', 0, '-', [1049013, 0]);
  w(JST(2024, 8, 3, 4, 21, 30), 'GET', '/am_bin/amlogin', 200, 5120, [240, 5480]);
}

// Attacker access to mailboxes from the same address.
imapSession(byName.taro, JST(2024, 8, 3, 5, 31, 10), ATTACKER, { out: 734_003_221 });
imapSession(byName.jiro, JST(2024, 8, 3, 5, 47, 2), ATTACKER, { out: 88_412_034 });
imapSession(byName.hanako, JST(2024, 8, 4, 1, 12, 40), ATTACKER, { proto: 'pop3', out: 412_993_120 });
imapSession(byName.yuki, JST(2024, 8, 4, 23, 5, 0), ATTACKER, { out: 1_204_551 });
const burstDomains = ['example.com', 'example.org', 'example.net', 'test.example', 'mail.example.com', 'corp.example.org'];
for (let k = 0; k < 36; k++) {
  submission(byName.yuki, JST(2024, 8, 5, 2, 0, 0) + k * 47_000, ATTACKER, `user${k}@${burstDomains[k % burstDomains.length]}`);
}

// A traveller: one login from a new network, small download. Must stay low.
imapSession(byName.kenji, JST(2024, 8, 4, 19, 2, 0), '2001:db8:77::20', { out: 182_331 });

// Header dumps of stored mail.
const headers = {
  'headers/yuki-sent-20240805.eml': [
    'Return-Path: <yuki@example.jp>',
    'Received: from [203.0.113.66] (unknown [203.0.113.66])',
    '\tby mx02.example.jp (Postfix) with ESMTPSA id 4WcX9m2Lq7z9tRb',
    '\tfor <user3@example.com>; Mon,  5 Aug 2024 02:02:21 +0900 (JST)',
    'X-Originating-IP: [203.0.113.66]',
    'Message-ID: <4WcX9m2Lq7z9tRb.1722790941000@example.jp>',
    'From: Yuki <yuki@example.jp>',
    'To: user3@example.com',
    'Subject: =?UTF-8?B?6KuL5rGC5pu444Gu44GU56K66KqN?=',
    'Date: Mon, 5 Aug 2024 02:02:20 +0900',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    'Please see the attached invoice.',
    '',
  ],
  'headers/hanako-inbox-20240801.eml': [
    'Delivered-To: hanako@example.jp',
    'Received: from mx.example.net (mx.example.net [192.0.2.55])',
    '\tby mx02.example.jp (Postfix) with ESMTPS id 4WZk1p0Fb3z9sAa',
    '\tfor <hanako@example.jp>; Thu,  1 Aug 2024 10:11:12 +0900 (JST)',
    'Authentication-Results: mx02.example.jp; spf=pass smtp.mailfrom=example.net; dkim=pass header.d=example.net',
    'Message-ID: <20240801011110.77AB@example.net>',
    'From: Bob <bob@example.net>',
    'To: hanako@example.jp',
    'Subject: Lunch on Friday',
    'Date: Thu, 1 Aug 2024 10:11:10 +0900',
    '',
    'See you at noon.',
    '',
  ],
  'headers/taro-headers-only.txt': [
    'Received: from webmail.example.jp (webmail.example.jp [192.0.2.30])',
    '\tby mx01.example.jp (Postfix) with ESMTPSA id 4WbQ2x1Hk9z9sWq',
    '\tfor <bob@example.net>; Sat,  3 Aug 2024 14:12:14 +0900 (JST)',
    'X-Originating-IP: [198.51.100.10]',
    'Message-ID: <20240803141214.AB12@example.co.jp>',
    'From: Taro <taro@example.co.jp>',
    'To: bob@example.net',
    'Date: Sat, 3 Aug 2024 14:12:13 +0900',
    '',
    'Received: from webmail.example.jp (webmail.example.jp [192.0.2.30])',
    '\tby mx01.example.jp (Postfix) with ESMTPSA id 4WbQ9k2Jm1z9sXz',
    '\tfor <carol@example.net>; Tue,  6 Aug 2024 09:30:02 +0900 (JST)',
    'X-Originating-IP: [198.51.100.10]',
    'Message-ID: <20240806093002.CD34@example.co.jp>',
    'From: Taro <taro@example.co.jp>',
    'To: carol@example.net',
    'Date: Tue, 6 Aug 2024 09:30:01 +0900',
    '',
  ],
};

// ---- Added later: their own random stream, so that every file above keeps its bytes. ----
const more = createRng(20240805);
const pad2 = (n) => String(n).padStart(2, '0');
const isoLocal = (ms) => {
  const w = wall(ms);
  return `${w.y}-${pad2(w.mo + 1)}-${pad2(w.d)} ${pad2(w.h)}:${pad2(w.mi)}:${pad2(w.s)}`;
};
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Apache 2.4's default error-log time, `[Sat Aug 03 04:05:07.412345 2024]`, in JST. */
const apacheErrorStamp = (ms) => {
  const w = wall(ms);
  const weekday = WEEKDAYS[new Date(Date.UTC(w.y, w.mo, w.d)).getUTCDay()];
  return `[${weekday} ${MONTH_NAMES[w.mo]} ${pad2(w.d)} ${pad2(w.h)}:${pad2(w.mi)}:${pad2(w.s)}.${String(more.int(0, 999_999)).padStart(6, '0')} ${w.y}]`;
};

// webmail01's error log: startups after rotation, a few refusals, and the CGI dying on the
// attacker's requests that were answered 500 (the access log has the requests).
{
  const errorLog = (t, text) => add('webmail01/error_log', t, `${apacheErrorStamp(t)} ${text}`);
  for (let day = JST(2024, 7, 28); day < JST(2024, 8, 7); day += DAY) {
    errorLog(day + 3_000, `[mpm_event:notice] [pid 812:tid 140331] AH00489: Apache/2.4.62 (Unix) configured -- resuming normal operations`);
    for (let k = 0; k < 3; k++) {
      const t = day + more.int(1 * 3600, 23 * 3600) * 1000;
      errorLog(t, `[authz_core:error] [pid ${more.int(900, 9000)}:tid ${more.int(140000, 149999)}] [client 198.51.100.${more.int(200, 249)}:${more.int(30000, 65000)}] AH01630: client denied by server configuration: /var/www/html/.env`);
    }
  }
  const died = (t, script) =>
    errorLog(t, `[cgid:error] [pid ${more.int(900, 9000)}:tid ${more.int(140000, 149999)}] [client ${ATTACKER}:${more.int(30000, 65000)}] End of script output before headers: ${script}`);
  died(JST(2024, 8, 3, 4, 5, 7), 'login_auth');
  died(JST(2024, 8, 3, 4, 9, 56), 'am_main.cgi');
  died(JST(2024, 8, 3, 4, 14, 42), 'login_auth');
}

// mx03: an Exim host for example.ne.jp. Its users submit mail with SMTP AUTH from home.
{
  const EXIM_LIP = '192.0.2.12';
  const neUsers = ['aoi', 'haru', 'kei', 'nana', 'riku', 'shun'].map((n, i) => ({ name: `${n}@example.ne.jp`, home: `198.51.100.${60 + i}` }));
  const eximFile = (ms) => (ms < JST(2024, 8, 4) ? 'mx03/exim/mainlog.1.gz' : 'mx03/exim/mainlog');
  const exim = (ms, text) => add(eximFile(ms), ms, `${isoLocal(ms)} ${text}`);
  const messageId = () => `${more.id('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 6)}-${more.id('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 6)}-${more.id('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 2)}`;
  for (let day = JST(2024, 7, 28); day < JST(2024, 8, 7); day += DAY) {
    for (const u of neUsers) {
      if (!more.chance(0.7)) continue;
      const t = day + more.int(8 * 3600, 21 * 3600) * 1000;
      const id = messageId();
      const to = `friend${more.int(1, 9)}@example.net`;
      exim(t, `${id} <= ${u.name} H=(pc-${u.name.split('@')[0]}) [${u.home}]:${more.int(40000, 65000)} I=[${EXIM_LIP}]:587 P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=dovecot_plain:${u.name} S=${more.int(2000, 80000)} id=${id}@example.ne.jp`);
      exim(t + 1000, `${id} => ${to} R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.55] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C="250 2.0.0 Ok: queued"`);
      exim(t + 1000, `${id} Completed`);
      // An occasional mistyped password, from home.
      if (more.chance(0.05)) exim(t - 30_000, `dovecot_plain authenticator failed for (pc-${u.name.split('@')[0]}) [${u.home}]:${more.int(40000, 65000)} I=[${EXIM_LIP}]:587: 535 Incorrect authentication data (set_id=${u.name})`);
    }
  }
  // 2024-08-05 03:10 JST: the attacker's address sprays SMTP AUTH, real names and guessed ones.
  const guesses = ['admin', 'info', 'sales', 'support', 'office', 'contact', 'webmaster', 'test'].map((n) => `${n}@example.ne.jp`);
  [...neUsers.map((u) => u.name), ...guesses].forEach((name, k) => {
    exim(JST(2024, 8, 5, 3, 10, 0) + k * 9_000, `dovecot_login authenticator failed for (User) [${ATTACKER}]:${more.int(40000, 65000)} I=[${EXIM_LIP}]:587: 535 Incorrect authentication data (set_id=${name})`);
  });
}

await rm(out, { recursive: true, force: true });
for (const [name, entries] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
  entries.sort((a, b) => a[0] - b[0]);
  const text = Buffer.from(`${entries.map((e) => e[1]).join('\n')}\n`);
  const target = path.join(out, name);
  await mkdir(path.dirname(target), { recursive: true });
  const data = name.endsWith('.gz') ? gzip(text) : name.endsWith('.zst') ? await zstd(text) : text;
  await writeFile(target, data);
}
for (const [name, lines] of Object.entries(headers)) {
  const target = path.join(out, name);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, lines.join('\r\n'));
}
console.log(`wrote ${files.size + Object.keys(headers).length} files to ${out}`);
