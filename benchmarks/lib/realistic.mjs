/**
 * A seeded, realistic hosted-mail incident with ground truth: the traffic that broke the old
 * verdicts, and the attack among it. Written day by day (one rotated file per host and day).
 *
 * Addresses come from real Japanese carrier and ISP ranges, so the packaged ASN database sees
 * them as a real scan would: phones behind carrier CGNAT (a new address every session, shared
 * by many users), home lines that renumber inside their ISP every few days, offices behind one
 * NAT shared by tens to hundreds of accounts, a corporate VPN egress abroad, a Tor exit a few
 * privacy-minded users share, travellers on hotel Wi-Fi abroad while their phone roams at home.
 * The webmails (Active! mail paths; webmail01 Apache combinedio, webmail02 nginx combined) log
 * into IMAP for a third of the users; users search their mail in Japanese (UTF-8, Shift_JIS,
 * raw bytes that Apache escapes), some searches over 8 KB; tracking and base64 URLs are long.
 * Benign look-alikes: new devices syncing a whole mailbox, newsletter senders, password typos,
 * phones retrying an old password, scanners probing with sleds before the cutoff (one of them
 * in the 24 hours before it).
 *
 * The attack, from the cutoff (2024-08-03 00:00 JST):
 * - E1, a VPS, sends overflow requests (sled, shellcode, a 1 MB login POST) and then logs into
 *   accounts over IMAP (downloading some) and through the webmail (tied by the login POST);
 * - E2, the Tor exit that benign users also use (a shared address), sends overflow requests and
 *   logs into accounts: some within the hour of its exploit traffic, some later with a mass
 *   download, one later with nothing else (a login only anomalies can flag);
 * - S, a credential-stuffing source, fails over hundreds of accounts and gets into a few.
 * Ground truth: compromised and targeted accounts, attacker and exploit IPs, the overflow
 * requests and the benign long requests (file:line), the travellers.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRng } from './rng.mjs';
import { gzip, zstd } from './compress.mjs';
import { bsdStamp, rfc3339Stamp, postfix, dovecot, accessLine, QUEUE_ALPHABET, SESSION_ALPHABET } from './log-lines.mjs';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const JST_MIDNIGHT = (y, m, d) => Date.UTC(y, m - 1, d) - 9 * HOUR;
export const CUTOFF = JST_MIDNIGHT(2024, 8, 3);
const WEBMAIL = { webmail01: '192.0.2.30', webmail02: '192.0.2.31' };
const MX_LOCAL = '192.0.2.10';

/** Carrier CGNAT pools (DOCOMO, KDDI, SoftBank): /16 prefixes wholly in the carrier's ASN. */
const range = (a, lo, hi) => Array.from({ length: hi - lo + 1 }, (_, i) => `${a}.${lo + i}`);
const CARRIERS = [['49.99', '49.101', '49.111', '1.72', '1.77'], range(106, 128, 143), range(126, 0, 17)];
/** Home ISPs (OCN, Asahi Net, SoftBank BB): [a, b low, b high]. */
const ISPS = [[153, 156, 246], [221, 113, 113], [60, 64, 127], [114, 150, 190]];
const E1 = '45.77.10.10';
const E2 = '185.220.101.5';
const STUFFER = '103.5.140.77';
const SCANNERS = ['133.242.1.1', '133.242.1.2'];
const CORP_VPN = '176.58.10.10';
const HOTELS = ['88.160.20.', '176.58.90.'];

const ymd = (ms) => new Date(ms + 9 * HOUR).toISOString().slice(0, 10).replaceAll('-', '');
const jstHour = (day, h) => day + h * HOUR;

/** Percent-encodes bytes as a browser form does. */
const pct = (bytes) => [...bytes].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
/** Apache's log escaping of raw non-ASCII request bytes. */
const apacheRaw = (text) => [...Buffer.from(text)].map((b) => (b >= 0x80 ? `\\x${b.toString(16)}` : String.fromCharCode(b))).join('');
/** 請求書 見積書 契約書 in Shift_JIS. */
const SJIS_WORDS = [0x90, 0xbf, 0x8b, 0x81, 0x8f, 0x91, 0x20, 0x8c, 0xa9, 0x90, 0xcf, 0x8f, 0x91, 0x20, 0x8c, 0x5f, 0x96, 0xf1, 0x8f, 0x91, 0x20];
const WORDS = ['請求書', '見積書', '契約書', '議事録', '打ち合わせ', '東京支社', '経理部', '株式会社', '御中', '納品書', '至急', 'ご確認ください', 'Re:', 'FW:', '会議室予約', '出張精算'];

export async function generateRealistic({ out, accounts = 20000, baselineDays = 14, windowDays = 6, seed = 2024 }) {
  const rng = createRng(seed);
  const n = Math.max(800, accounts);
  const k = (share, min) => Math.max(min, Math.round(n * share));

  // Companies behind office NATs: a few large ones (hundreds of accounts), many small.
  const companies = [];
  for (let c = 0, left = Math.round(n * 0.55); left > 0; c++) {
    const size = Math.min(left, c < 3 ? Math.max(40, Math.round(n * 0.02)) : rng.int(5, 60));
    companies.push({ nat: `202.32.${100 + (c >> 8)}.${c & 255}`, size, vpn: c % 9 === 4 });
    left -= size;
  }
  const users = [];
  let ci = 0;
  let inCompany = 0;
  for (let i = 0; i < n; i++) {
    const domain = i % 3 === 0 ? 'example.co.jp' : i % 3 === 1 ? 'example.jp' : 'example.ne.jp';
    const company = ci < companies.length ? companies[ci] : undefined;
    if (company && ++inCompany >= company.size) {
      ci++;
      inCompany = 0;
    }
    const isp = ISPS[i % ISPS.length];
    users.push({
      name: `u${i}@${domain}`,
      logged: i % 11 === 0 ? `U${i}@${domain.toUpperCase()}` : `u${i}@${domain}`,
      mx: i % 2 ? 'mx02' : 'mx01',
      web: i % 2 ? 'webmail02' : 'webmail01',
      company,
      isp,
      ispSeed: rng.int(0, 1 << 30),
      renumberDays: rng.int(3, 9),
      carrier: rng.chance(0.7) ? CARRIERS[i % CARRIERS.length] : undefined,
      webmail: i % 3 === 0,
      heavy: i % 97 === 5,
      tor: false,
    });
  }
  const used = new Set();
  const pick = (count, filter = () => true) => {
    const pool = users.filter((u) => !used.has(u.name) && filter(u));
    const outList = [];
    while (outList.length < count && pool.length) {
      const u = pool.splice(rng.int(0, pool.length - 1), 1)[0];
      used.add(u.name);
      outList.push(u);
    }
    return outList;
  };
  const torUsers = pick(8);
  for (const u of torUsers) u.tor = true;
  const cast = {
    e1Imap: pick(k(0.0006, 8), (u) => !u.webmail),
    e1Webmail: pick(k(0.0002, 4), (u) => u.webmail),
    e2Near: pick(k(0.0002, 4)),
    e2Exfil: pick(k(0.00015, 3)),
    e2Quiet: pick(1),
    stuffed: pick(k(0.0004, 8)),
    travellers: pick(k(0.001, 12), (u) => u.carrier !== undefined),
    newDevice: pick(k(0.0008, 6)),
    newsletter: pick(k(0.0002, 3)),
    phoneRetry: pick(k(0.0005, 5), (u) => u.carrier !== undefined),
  };
  const stuffVictims = pick(Math.min(k(0.03, 300), n - used.size - 10));
  const fakeVictims = Array.from({ length: 60 }, (_, i) => `info${i}@example.jp`);

  const truth = {
    cutoff: new Date(CUTOFF).toISOString(),
    exploitIps: [E1, E2],
    attackerIps: [E1, E2, STUFFER].sort(),
    sharedExploitIps: [E2],
    compromised: [...cast.e1Imap, ...cast.e1Webmail, ...cast.e2Near, ...cast.e2Exfil, ...cast.e2Quiet, ...cast.stuffed].map((u) => u.name).sort(),
    targeted: stuffVictims.map((u) => u.name).sort(),
    travellers: cast.travellers.map((u) => u.name).sort(),
    benignLookalikes: {
      newDevice: cast.newDevice.map((u) => u.name).sort(),
      newsletter: cast.newsletter.map((u) => u.name).sort(),
      phoneRetry: cast.phoneRetry.map((u) => u.name).sort(),
      tor: torUsers.map((u) => u.name).sort(),
    },
    overflowRequests: [],
    benignLongRequests: [],
    baselineOverflowRequests: [],
  };

  let pid = 2000;
  let mpid = 300000;
  const first = CUTOFF - baselineDays * DAY;
  for (let day = first; day < CUTOFF + windowDays * DAY; day += DAY) {
    const d = Math.round((day - CUTOFF) / DAY);
    const dow = new Date(day + 9 * HOUR).getUTCDay();
    const weekday = dow !== 0 && dow !== 6;
    const files = { mx01: [], mx02: [], webmail01: [], webmail02: [] };
    const mx = (u, ms, body) => files[u.mx].push([ms, `${u.mx === 'mx01' ? bsdStamp(ms) : rfc3339Stamp(ms)} ${u.mx} ${body}`]);
    const web = (host, ms, line, tag) => files[host].push([ms, line, tag]);
    const home = (u, dd = d) => {
      // Renumbers inside its ISP every few days: a new /24, the same ASN.
      const epoch = Math.floor((dd + 1000) / u.renumberDays);
      const h = (u.ispSeed ^ Math.imul(epoch, 0x9e3779b1)) >>> 0;
      return `${u.isp[0]}.${u.isp[1] + (h % (u.isp[2] - u.isp[1] + 1))}.${(h >>> 8) & 255}.${1 + ((h >>> 16) % 250)}`;
    };
    const phone = (u) => `${rng.pick(u.carrier)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    const session = (u, ms, ip, outBytes, proto = 'imap', lip = MX_LOCAL) => {
      const s = rng.id(SESSION_ALPHABET, 16);
      const m = ++mpid;
      mx(u, ms, dovecot.login(proto, u.logged, ip, lip, m, s));
      const end = ms + rng.int(20, 1500) * 1000;
      if (proto === 'pop3') mx(u, end, dovecot.pop3Logout(u.name, m, s, rng.int(1, 40), outBytes));
      else mx(u, end, dovecot.imapLogout(u.name, m, s, rng.int(100, 6000), outBytes));
    };
    const fail = (u, ms, ip, account = u.name) => mx(u, ms, dovecot.failed('imap', account, ip, MX_LOCAL, rng.id(SESSION_ALPHABET, 16)));
    const ua = (u) => (u.carrier && rng.chance(0.3) ? 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)' : 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)');
    const access = (host, o) => accessLine(host === 'webmail02' ? { ...o, io: undefined } : o);
    const viaWebmail = (u, ms, client, agent = ua(u), outBytes = rng.int(20_000, 300_000)) => {
      web(u.web, ms, access(u.web, { ip: client, ms, method: 'POST', path: '/am_bin/amlogin/login_auth', status: 302, bytes: '-', ua: agent, io: [rng.int(600, 900), 400] }));
      session(u, ms + rng.int(300, 2500), WEBMAIL[u.web], outBytes, 'imap', '127.0.0.1');
      web(u.web, ms + 4000, access(u.web, { ip: client, ms: ms + 4000, method: 'GET', path: '/am_bin/am_main.cgi/mail_list?folder=INBOX', status: 200, bytes: rng.int(9000, 30000), ua: agent, io: [500, 31000] }));
    };
    const search = (u, ms, client, long) => {
      const words = Array.from({ length: long ? rng.int(300, 1400) : rng.int(1, 6) }, () => rng.pick(WORDS)).join(' ');
      const style = rng.int(0, 9);
      const q = style < 6 ? encodeURIComponent(words) : style < 8 ? pct(Buffer.from(SJIS_WORDS)).repeat(long ? rng.int(60, 300) : 1) : apacheRaw(words);
      const target = `/am_bin/am_main.cgi/mail_search?folder=INBOX&query=${q}`;
      const line = access(u.web, { ip: client, ms, method: 'GET', path: target, status: 200, bytes: rng.int(5000, 40000), ua: ua(u), io: [target.length + 400, 21000] });
      web(u.web, ms, line, long && d >= 0 ? 'benign-long' : undefined);
    };
    const submitMail = (u, ms, ip, to) => {
      const p = ++pid;
      const q = rng.id(QUEUE_ALPHABET, 15);
      mx(u, ms, postfix.client(p, q, ip, u.name));
      mx(u, ms, postfix.from(q, u.name, rng.int(2000, 90000)));
      mx(u, ms + 1000, postfix.to(p + 1, q, to, 'mx.example.net', '192.0.2.55'));
      mx(u, ms + 1000, postfix.removed(q));
    };

    for (const u of users) {
      // Office hours from the office NAT (or the corporate VPN abroad for one company in nine).
      if (u.company && weekday) {
        const officeIp = u.company.vpn && rng.chance(0.3) ? CORP_VPN : u.company.nat;
        for (let j = rng.int(0, 2); j > 0; j--) {
          const t = day + rng.int(9 * 3600, 18 * 3600) * 1000;
          if (rng.chance(0.02)) fail(u, t - 20_000, officeIp);
          session(u, t, officeIp, u.heavy ? rng.int(100_000_000, 300_000_000) : rng.int(10_000, 4_000_000));
        }
        if (u.webmail && rng.chance(0.4)) viaWebmail(u, day + rng.int(9 * 3600, 18 * 3600) * 1000, u.company.nat);
        if (rng.chance(0.25)) submitMail(u, day + rng.int(9 * 3600, 18 * 3600) * 1000, officeIp, `partner${rng.int(1, 40)}@example.org`);
      }
      // Evenings at home; the phone all day, a new CGNAT address every session.
      if (rng.chance(u.company ? 0.3 : 0.8)) session(u, day + rng.int(19 * 3600, 23 * 3600) * 1000, u.tor && rng.chance(0.5) ? E2 : home(u), rng.int(10_000, 3_000_000), rng.chance(0.15) ? 'pop3' : 'imap');
      if (u.carrier && rng.chance(0.6)) {
        for (let j = rng.int(1, 3); j > 0; j--) session(u, day + rng.int(7 * 3600, 23 * 3600) * 1000, phone(u), rng.int(5_000, 800_000));
      }
      if (u.webmail && !u.company && rng.chance(0.3)) viaWebmail(u, day + rng.int(8 * 3600, 22 * 3600) * 1000, home(u));
      if (!u.company && rng.chance(0.15)) submitMail(u, day + rng.int(8 * 3600, 22 * 3600) * 1000, home(u), `friend${rng.int(1, 30)}@example.net`);
      if (u.webmail && rng.chance(0.08)) search(u, day + rng.int(9 * 3600, 22 * 3600) * 1000, u.company?.nat ?? home(u), rng.chance(0.12));
    }
    // Long tracking and base64 URLs.
    for (let j = 0; j < Math.max(3, Math.round(n / 2000)); j++) {
      const u = users[rng.int(0, n - 1)];
      const t = day + rng.int(9 * 3600, 21 * 3600) * 1000;
      const target = rng.chance(0.5)
        ? `/am_bin/am_main.cgi/mail_view?id=${rng.int(1, 99999)}&${Array.from({ length: rng.int(60, 200) }, (_, i) => `utm_p${i}=campaign-${i}-${rng.id('abcdef0123456789', 8)}`).join('&')}`
        : `/am_bin/am_main.cgi/attach?name=${Buffer.from(rng.pick(WORDS).repeat(rng.int(300, 900))).toString('base64')}`;
      web(u.web, t, access(u.web, { ip: u.company?.nat ?? home(u), ms: t, method: 'GET', path: target, status: 200, bytes: 12000, ua: ua(u), io: [target.length + 300, 13000] }), d >= 0 ? 'benign-long' : undefined);
    }
    // Scanners before the cutoff: three days before, and in the 24 hours before it.
    if (d === -3 || d === -1) {
      const ip = SCANNERS[d === -3 ? 0 : 1];
      for (let j = 0; j < 3; j++) {
        const t = jstHour(day, d === -1 ? 20 + j : 3 + j);
        const target = j === 0 ? `/am_bin/amlogin?${'%90'.repeat(2500)}` : j === 1 ? `/am_bin/amlogin?${'A'.repeat(9000)}` : '/am_bin/amlogin/login_auth';
        web('webmail01', t, access('webmail01', { ip, ms: t, method: j === 2 ? 'POST' : 'GET', path: target, status: j === 1 ? 414 : 404, bytes: 226, ua: 'zgrab/0.x', io: [j === 2 ? 900_000 : target.length + 200, 430] }), 'baseline-overflow');
      }
    }

    if (d >= 0) {
      const spread = (list, fn) => list.forEach((u, j) => {
        if (j % windowDays === d) fn(u, day + rng.int(1 * 3600, 23 * 3600) * 1000);
      });
      if (d === 0) {
        // E1: reconnaissance, then the overflow.
        const t0 = jstHour(day, 4);
        for (let j = 0; j < 5; j++) web('webmail01', t0 + j * 20_000, access('webmail01', { ip: E1, ms: t0 + j * 20_000, method: 'GET', path: j % 2 ? '/am_bin/amlogin' : '/', status: 200, bytes: 4000, ua: 'Mozilla/5.0', io: [300, 4200] }));
        const shellcode = pct([0x31, 0xc0, 0x50, 0x68, 0x2f, 0x2f, 0x73, 0x68, 0x68, 0x2f, 0x62, 0x69, 0x6e, 0x89, 0xe3, 0x50, 0x53, 0x89, 0xe1, 0xb0, 0x0b, 0xcd, 0x80]);
        const probes = [
          { method: 'GET', path: `/am_bin/amlogin/login_auth?am_authid=${'%90'.repeat(2000)}${shellcode}`, status: 502 },
          { method: 'GET', path: `/am_bin/am_main.cgi/mail_list?folder=${'A'.repeat(12000)}${'%EF%BE%AD%DE'.repeat(8)}`, status: 500 },
          { method: 'POST', path: '/am_bin/amlogin/login_auth', status: 500, bytesIn: 1_048_921 },
        ];
        probes.forEach((p, j) => {
          const t = t0 + 300_000 + j * 60_000;
          web('webmail01', t, access('webmail01', { ip: E1, ms: t, method: p.method, path: p.path, status: p.status, bytes: 612, ua: 'Mozilla/5.0', io: [p.bytesIn ?? p.path.length + 200, 845] }), 'overflow');
        });
      }
      if (d === 1) {
        // E2, from the shared Tor exit: the overflow, then logins within the hour.
        const t0 = jstHour(day, 2);
        const probes = [
          `/am_bin/am_main.cgi/mail_view?id=${'%u9090'.repeat(1200)}%u31c0%u5068`,
          `/am_bin/amlogin/login_auth?lang=${pct(Array.from({ length: 600 }, (_, i) => (i * 37 + 11) & 255))}`,
        ];
        probes.forEach((p, j) => {
          const t = t0 + j * 90_000;
          web('webmail02', t, access('webmail02', { ip: E2, ms: t, method: 'GET', path: p, status: j ? 0 : 500, bytes: 0, ua: 'curl/8.5.0' }), 'overflow');
        });
        cast.e2Near.forEach((u, j) => {
          session(u, t0 + (10 + j * 7) * 60_000, E2, rng.int(200_000, 3_000_000));
        });
        // S: stuffing over hundreds of accounts (and names that do not exist), a few successes.
        const s0 = jstHour(day, 13);
        [...stuffVictims.map((u) => u.name), ...fakeVictims].forEach((name, j) => {
          const u = stuffVictims[j % stuffVictims.length];
          fail(u, s0 + j * 3000, STUFFER, name);
        });
        cast.stuffed.forEach((u, j) => {
          const t = s0 + 60_000 + j * 7000;
          session(u, t, STUFFER, j % 3 === 0 ? rng.int(300_000_000, 900_000_000) : rng.int(100_000, 2_000_000));
        });
      }
      spread(cast.e1Imap, (u, t) => session(u, t, E1, rng.chance(0.5) ? rng.int(200_000_000, 1_500_000_000) : rng.int(50_000, 500_000)));
      spread(cast.e1Webmail, (u, t) => viaWebmail(u, t, E1, 'python-requests/2.31'));
      // From the third day on, one victim a day.
      cast.e2Exfil.forEach((u, j) => {
        if (2 + (j % Math.max(1, windowDays - 2)) === d) session(u, day + rng.int(1 * 3600, 23 * 3600) * 1000, E2, rng.int(400_000_000, 1_200_000_000));
      });
      if (d === 3) cast.e2Quiet.forEach((u) => {
        session(u, jstHour(day, 15), E2, rng.int(100_000, 400_000));
      });
      // Travellers: hotel Wi-Fi abroad on a laptop, the phone roaming on its home carrier.
      if (d >= 1 && d <= 3) {
        cast.travellers.forEach((u, j) => {
          const t = day + rng.int(8 * 3600, 20 * 3600) * 1000;
          session(u, t, `${HOTELS[j % HOTELS.length]}${10 + (j % 200)}`, rng.int(100_000, 5_000_000));
          session(u, t + rng.int(5, 50) * 60_000, phone(u), rng.int(10_000, 500_000));
        });
      }
      // A new device syncs the whole mailbox from a new address; newsletters; a phone with an old password.
      if (d === 2) {
        cast.newDevice.forEach((u) => {
          session(u, jstHour(day, 21), `${u.isp[0]}.${u.isp[1]}.250.${rng.int(1, 250)}`, rng.int(700_000_000, 1_500_000_000));
        });
        cast.newsletter.forEach((u) => {
          for (let m = 0; m < 45; m++) submitMail(u, jstHour(day, 10) + m * 30_000, u.company?.nat ?? home(u), `member${m}@list${m % 20}.example.org`);
        });
        cast.phoneRetry.forEach((u) => {
          const t = jstHour(day, 12);
          for (let m = 0; m < 14; m++) fail(u, t + m * 120_000, phone(u));
          session(u, t + 40 * 60_000, phone(u), rng.int(10_000, 400_000));
        });
      }
    }

    const stamp = ymd(day + DAY);
    const names = { mx01: `mx01/maillog-${stamp}.gz`, mx02: `mx02/mail.log-${stamp}.zst`, webmail01: `webmail01/access_log-${stamp}`, webmail02: `webmail02/access.log-${stamp}.gz` };
    for (const [host, entries] of Object.entries(files)) {
      if (!entries.length) continue;
      entries.sort((a, b) => a[0] - b[0]);
      const name = names[host];
      entries.forEach((e, idx) => {
        const at = { file: name, line: idx + 1 };
        if (e[2] === 'overflow') truth.overflowRequests.push(at);
        if (e[2] === 'benign-long') truth.benignLongRequests.push(at);
        if (e[2] === 'baseline-overflow') truth.baselineOverflowRequests.push(at);
      });
      const text = Buffer.from(`${entries.map((e) => e[1]).join('\n')}\n`);
      const target = path.join(out, name);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, name.endsWith('.gz') ? gzip(text) : name.endsWith('.zst') ? await zstd(text) : text);
    }
  }
  return truth;
}
