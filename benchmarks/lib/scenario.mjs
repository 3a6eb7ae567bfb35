/**
 * A seeded synthetic incident with ground truth, written day by day (one rotated file per host
 * and day), so any scale streams through a bounded amount of memory.
 *
 * Cast: `accounts` users on two MTA hosts (mx01 BSD syslog gz, mx02 RFC 3339 zst) and a
 * webmail (Apache combinedio) that logs into IMAP for them. In the window:
 * - attacker A (IPv4) sends overflow requests, then logs into accounts over IMAP and downloads;
 * - attacker B (IPv6) sends overflow requests, then uses the webmail as its victims;
 * - attacker C (second stage, no overflow) logs into accounts from new IPs and downloads or sends;
 * - a stuffing IP fails over many accounts and gets into a few.
 * Benign noise: typos, travellers (one new IP), heavy but habitual downloaders, a few users who
 * sync a new device from a new address (a realistic false positive), long search URLs, and a
 * scanner sending overflow-looking probes before the cutoff.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRng } from './rng.mjs';
import { gzip, zstd } from './compress.mjs';
import { bsdStamp, rfc3339Stamp, postfix, dovecot, accessLine, QUEUE_ALPHABET, SESSION_ALPHABET } from './log-lines.mjs';

const DAY = 86_400_000;
const JST_MIDNIGHT = (y, m, d) => Date.UTC(y, m - 1, d) - 9 * 3_600_000;
export const CUTOFF = JST_MIDNIGHT(2024, 8, 3);
const WEBMAIL = '192.0.2.30';
const ymd = (ms) => new Date(ms + 9 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');

export async function generateScenario({ out, accounts = 2000, baselineDays = 10, windowDays = 5, seed = 42 }) {
  const rng = createRng(seed);
  const n = Math.max(200, accounts);
  const users = Array.from({ length: n }, (_, i) => {
    const domain = i % 2 ? 'example.jp' : 'example.co.jp';
    return {
      name: `user${i}@${domain}`,
      // Mixed case in some logs: accounts must compare case-insensitively.
      logged: i % 7 === 0 ? `User${i}@${domain.toUpperCase()}` : `user${i}@${domain}`,
      host: i % 2 ? 'mx02' : 'mx01',
      home: `198.18.${(i >> 8) & 255}.${i & 255}`,
      webmail: i % 3 === 0,
      heavy: i % 50 === 1,
    };
  });
  const pick = (from, count, used) => {
    const out = [];
    while (out.length < count) {
      const u = from[rng.int(0, from.length - 1)];
      if (!used.has(u.name)) {
        used.add(u.name);
        out.push(u);
      }
    }
    return out;
  };
  const used = new Set();
  const k = (f) => Math.max(2, Math.round(n * f));
  const cast = {
    a: pick(users.filter((u) => !u.webmail), k(0.01), used),
    b: pick(users.filter((u) => u.webmail), k(0.005), used),
    c: pick(users, k(0.005), used),
    cSend: pick(users, k(0.002), used),
    stuffed: pick(users, k(0.004), used),
    travellers: pick(users, k(0.03), used),
    newDevice: pick(users, k(0.002), used),
  };
  const ATTACKER_A = '203.0.113.66';
  const ATTACKER_B = '2001:db8:bad::66';
  const C_IPS = ['192.0.2.201', '192.0.2.202', '192.0.2.203'];
  const STUFFER = '198.51.100.250';
  const SCANNER = '198.51.100.251';
  const truth = {
    cutoff: new Date(CUTOFF).toISOString(),
    attackerIps: [ATTACKER_A, ATTACKER_B, ...C_IPS, STUFFER],
    compromised: [...cast.a, ...cast.b, ...cast.c, ...cast.cSend, ...cast.stuffed].map((u) => u.name).sort(),
    benignFlaggable: [...cast.travellers, ...cast.newDevice].map((u) => u.name).sort(),
    overflowRequests: [],
    baselineOverflowRequests: [],
  };

  let pid = 1000;
  let mpid = 100000;
  const first = CUTOFF - baselineDays * DAY;
  for (let day = first; day < CUTOFF + windowDays * DAY; day += DAY) {
    const inWindow = day >= CUTOFF;
    const files = { mx01: [], mx02: [], web: [] };
    const mx = (u, ms, body) => files[u.host].push([ms, `${u.host === 'mx01' ? bsdStamp(ms) : rfc3339Stamp(ms)} ${u.host} ${body}`]);
    const web = (ms, line, tag) => files.web.push([ms, line, tag]);
    const session = (u, ms, ip, outBytes, proto = 'imap') => {
      const s = rng.id(SESSION_ALPHABET, 16);
      const m = ++mpid;
      mx(u, ms, dovecot.login(proto, u.logged, ip, '192.0.2.10', m, s));
      const end = ms + rng.int(30, 1200) * 1000;
      if (proto === 'pop3') mx(u, end, dovecot.pop3Logout(u.name, m, s, rng.int(1, 50), outBytes));
      else mx(u, end, dovecot.imapLogout(u.name, m, s, rng.int(100, 5000), outBytes));
    };
    const viaWebmail = (u, ms, client, ua = 'Mozilla/5.0') => {
      web(ms, accessLine({ ip: client, ms, method: 'POST', path: '/am_bin/amlogin/login_auth', status: 302, bytes: '-', ua, io: [rng.int(600, 900), 400] }));
      session(u, ms + rng.int(300, 2500), WEBMAIL, rng.int(20_000, 300_000));
      web(ms + 4000, accessLine({ ip: client, ms: ms + 4000, method: 'GET', path: '/am_bin/am_main.cgi/mail_list?folder=INBOX', status: 200, bytes: rng.int(9000, 30000), ua, io: [500, 31000] }));
    };
    const submitMail = (u, ms, ip, to) => {
      const p = ++pid;
      const q = rng.id(QUEUE_ALPHABET, 15);
      mx(u, ms, postfix.client(p, q, ip, u.name));
      mx(u, ms, postfix.from(q, u.name, rng.int(2000, 60000)));
      mx(u, ms + 1000, postfix.to(p + 1, q, to, 'mx.example.net', '192.0.2.55'));
      mx(u, ms + 1000, postfix.removed(q));
    };

    for (const u of users) {
      const logins = rng.int(0, 2);
      for (let j = 0; j < logins; j++) {
        const t = day + rng.int(7 * 3600, 23 * 3600) * 1000;
        if (rng.chance(0.03)) mx(u, t - 15_000, dovecot.failed('imap', u.name, u.home, '192.0.2.10', rng.id(SESSION_ALPHABET, 16)));
        session(u, t, u.home, u.heavy ? rng.int(200_000_000, 400_000_000) : rng.int(10_000, 3_000_000), rng.chance(0.15) ? 'pop3' : 'imap');
      }
      if (u.webmail && rng.chance(0.3)) viaWebmail(u, day + rng.int(8 * 3600, 22 * 3600) * 1000, u.home);
      if (rng.chance(0.2)) submitMail(u, day + rng.int(8 * 3600, 20 * 3600) * 1000, u.home, `friend${rng.int(1, 30)}@example.net`);
    }
    // Long but legitimate searches every day.
    for (let j = 0; j < 3; j++) {
      const u = users[rng.int(0, n - 1)];
      const t = day + rng.int(9 * 3600, 18 * 3600) * 1000;
      const q = encodeURIComponent('請求書 OR 見積書 OR 契約書 '.repeat(rng.int(20, 40)));
      web(t, accessLine({ ip: u.home, ms: t, method: 'GET', path: `/am_bin/am_main.cgi/mail_search?query=${q}`, status: 200, bytes: 20000, ua: 'Mozilla/5.0', io: [q.length + 400, 21000] }));
    }
    if (!inWindow && day === first + 2 * DAY) {
      for (let j = 0; j < 3; j++) {
        const t = day + (3 + j) * 3_600_000;
        web(t, accessLine({ ip: SCANNER, ms: t, method: 'GET', path: `/am_bin/amlogin?${'%90'.repeat(2500 + j)}`, status: 414, bytes: 226, ua: 'zgrab/0.x', io: [7900, 430] }), 'baseline-overflow');
      }
    }

    if (inWindow) {
      const d = Math.round((day - CUTOFF) / DAY);
      if (d === 0) {
        const probes = [
          `/am_bin/amlogin?${'A'.repeat(9000)}`,
          `/am_bin/amlogin/login_auth?am_authid=${'%90'.repeat(3000)}`,
          `/am_bin/am_main.cgi/mail_list?${'%u9090'.repeat(900)}`,
          `/am_bin/slogin/login_auth?u=${'%n'.repeat(40)}%00`,
        ];
        for (const [who, ip] of [['a', ATTACKER_A], ['b', ATTACKER_B]]) {
          probes.forEach((p, j) => {
            const t = day + (4 + j / 10) * 3_600_000 + (who === 'b' ? 7_200_000 : 0);
            web(t, accessLine({ ip, ms: t, method: 'GET', path: p, status: j % 2 ? 500 : 414, bytes: 612, ua: 'python-requests/2.31', io: [p.length + 200, 845] }), 'overflow');
          });
          const t = day + 5 * 3_600_000 + (who === 'b' ? 7_200_000 : 0);
          web(t, accessLine({ ip, ms: t, method: 'POST', path: '/am_bin/amlogin/login_auth', status: 500, bytes: 612, ua: '-', io: [1_048_921, 845] }), 'overflow');
        }
      }
      const spread = (list, fn) => list.forEach((u, j) => {
        if (j % windowDays === d) fn(u, day + rng.int(1 * 3600, 23 * 3600) * 1000);
      });
      spread(cast.a, (u, t) => session(u, t, ATTACKER_A, rng.int(80_000_000, 900_000_000)));
      spread(cast.b, (u, t) => viaWebmail(u, t, ATTACKER_B, 'python-requests/2.31'));
      spread(cast.c, (u, t) => session(u, t, C_IPS[rng.int(0, 2)], rng.int(150_000_000, 700_000_000)));
      spread(cast.cSend, (u, t) => {
        const ip = C_IPS[rng.int(0, 2)];
        session(u, t, ip, rng.int(10_000, 200_000));
        for (let m = 0; m < 60; m++) submitMail(u, t + 60_000 + m * 20_000, ip, `target${m}@victim${m % 15}.example`);
      });
      if (d === 1) {
        const t0 = day + 2 * 3_600_000;
        const victims = pick(users, Math.min(400, n - used.size - 1), new Set(used));
        victims.forEach((u, j) => mx(u, t0 + j * 2000, dovecot.failed('imap', u.name, STUFFER, '192.0.2.10', rng.id(SESSION_ALPHABET, 16))));
        cast.stuffed.forEach((u, j) => {
          mx(u, t0 + 900_000 + j * 5000, dovecot.failed('imap', u.name, STUFFER, '192.0.2.10', rng.id(SESSION_ALPHABET, 16)));
          session(u, t0 + 905_000 + j * 5000, STUFFER, rng.int(1_000_000, 20_000_000));
        });
      }
      spread(cast.travellers, (u, t) => session(u, t, `2001:db8:${(users.indexOf(u) % 9000) + 1}::20`, rng.int(50_000, 2_000_000)));
      spread(cast.newDevice, (u, t) => session(u, t, `192.0.2.${100 + (users.indexOf(u) % 90)}`, rng.int(400_000_000, 900_000_000)));
    }

    const stamp = ymd(day + DAY);
    for (const [host, entries] of Object.entries(files)) {
      if (!entries.length) continue;
      entries.sort((a, b) => a[0] - b[0]);
      const name = host === 'web' ? `webmail01/access_log-${stamp}` : host === 'mx01' ? `mx01/maillog-${stamp}.gz` : `mx02/mail.log-${stamp}.zst`;
      entries.forEach((e, idx) => {
        if (e[2] === 'overflow') truth.overflowRequests.push({ file: name, line: idx + 1 });
        if (e[2] === 'baseline-overflow') truth.baselineOverflowRequests.push({ file: name, line: idx + 1 });
      });
      const text = Buffer.from(`${entries.map((e) => e[1]).join('\n')}\n`);
      const target = path.join(out, name);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, name.endsWith('.gz') ? gzip(text) : name.endsWith('.zst') ? await zstd(text) : text);
    }
  }
  return truth;
}
