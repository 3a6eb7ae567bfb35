/**
 * The nastiest inputs we know, kept as code so that their bytes are exact and reviewable: each
 * entry says what it is, and `writeHostileSet` lays them out as an evidence tree. The fuzz
 * tests start their mutations from `HOSTILE_LINES`.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import path from 'node:path';

const login = (user: string, ip: string, time = 'Aug  3 05:00:00'): string =>
  `${time} mx dovecot: imap-login: Login: user=<${user}>, method=PLAIN, rip=${ip}, lip=192.0.2.10, mpid=7, TLS, session=<h1>`;

/** Lines an attacker could make a server write. */
export const HOSTILE_LINES: readonly (string | Buffer)[] = [
  login('\u001b]0;pwned\u0007\u001b[2J\u001b[31mroot@example.jp', '203.0.113.99'),
  login('=cmd|\' /C calc\'!A0@example.jp', '203.0.113.99'),
  login('nul\u0000byte@example.jp', '198.51.100.20'),
  `203.0.113.99 - - [03/Aug/2024:10:00:00 +0900] "GET /am_bin/<script>alert(1)</script>?${'%90'.repeat(400)} HTTP/1.1" 500 0 "-" "<img src=x onerror=alert(2)>"`,
  `203.0.113.99 - - [03/Aug/2024:10:00:01 +0900] "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003" 400 0 "-" "-"`,
  Buffer.concat([Buffer.from(login('bad-utf8@example.jp', '198.51.100.21').slice(0, 60)), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from(' tail')]),
  `${'('.repeat(5000)}${'a'.repeat(5000)}`,
  `Aug  3 05:00:00 mx postfix/smtpd[1]: warning: unknown[${'1'.repeat(3000)}]: SASL LOGIN authentication failed: ${'x='.repeat(3000)}`,
  `Aug  3 05:00:00 mx dovecot: imap-login: Aborted login (auth failed, 1 attempts): user=<${'<'.repeat(4000)}>, rip=198.51.100.22, lip=192.0.2.10`,
];

export const HUGE_LINE_BYTES = 200 * 1024 * 1024;
export const SMALL_FILES = 3000;

/** Names under the hostile tree and what the manifest must say of them. */
export const HOSTILE = {
  empty: 'empty/maillog-20240805',
  nasty: 'nasty/maillog-20240805',
  access: 'nasty/access_log',
  mixedEndings: 'endings/maillog-20240805',
  concatenatedGzip: 'gz/maillog-20240806.gz',
  truncatedConcatenated: 'gz/maillog-20240807.gz',
  future: 'future/access_log',
  huge: 'huge/access_log',
  loop: 'links/loop-a',
  fifo: 'special/maillog.fifo',
  many: 'many',
} as const;

export async function writeHostileSet(dir: string): Promise<void> {
  const put = async (rel: string, data: Buffer | string): Promise<void> => {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), data);
  };
  await put(HOSTILE.empty, '');
  const syslog = HOSTILE_LINES.filter((l) => typeof l !== 'string' || l.startsWith('Aug') || l.startsWith('('));
  await put(HOSTILE.nasty, Buffer.concat(syslog.map((l) => Buffer.concat([Buffer.from(l), Buffer.from('\n')]))));
  await put(HOSTILE.access, `${HOSTILE_LINES.filter((l): l is string => typeof l === 'string' && l.startsWith('203.')).join('\n')}\n`);
  await put(HOSTILE.mixedEndings, `${login('a@example.jp', '198.51.100.1')}\r\n${login('b@example.jp', '198.51.100.2')}\n${login('c@example.jp', '198.51.100.3')}\r\n${login('d@example.jp', '198.51.100.4')}`);
  const member = (user: string): Buffer => gzipSync(`${login(user, '198.51.100.5')}\n`);
  await put(HOSTILE.concatenatedGzip, Buffer.concat([member('m1@example.jp'), member('m2@example.jp'), member('m3@example.jp')]));
  const whole = Buffer.concat([member('t1@example.jp'), member('t2@example.jp')]);
  await put(HOSTILE.truncatedConcatenated, whole.subarray(0, whole.length - 12));
  await put(HOSTILE.future, '198.51.100.30 - - [03/Aug/2099:10:00:00 +0900] "GET / HTTP/1.1" 200 5 "-" "x"\n198.51.100.30 - - [03/Aug/2024:10:00:00 +0900] "GET / HTTP/1.1" 200 5 "-" "x"\n');
  // 200 MB in one line, written in pieces: the test itself must not hold it in memory.
  await mkdir(path.join(dir, path.dirname(HOSTILE.huge)), { recursive: true });
  const huge = createWriteStream(path.join(dir, HOSTILE.huge));
  const head = '203.0.113.99 - - [03/Aug/2024:10:00:02 +0900] "GET /am_bin/amlogin?';
  const tail = ' HTTP/1.1" 500 0 "-" "-"\n';
  huge.write(head);
  const piece = Buffer.alloc(1024 * 1024, 0x41);
  let left = HUGE_LINE_BYTES - head.length - tail.length + 1;
  while (left > 0) {
    const n = Math.min(left, piece.length);
    if (!huge.write(piece.subarray(0, n))) await once(huge, 'drain');
    left -= n;
  }
  huge.end(tail);
  await once(huge, 'close');
  await mkdir(path.join(dir, 'links'), { recursive: true });
  await symlink('loop-b', path.join(dir, 'links/loop-a'));
  await symlink('loop-a', path.join(dir, 'links/loop-b'));
  await mkdir(path.join(dir, 'special'), { recursive: true });
  execFileSync('mkfifo', [path.join(dir, HOSTILE.fifo)]);
  for (let i = 0; i < SMALL_FILES; i++) {
    await put(`${HOSTILE.many}/d${i % 30}/maillog-${i}`, `${login(`u${i}@example.jp`, `198.51.100.${i % 250}`, 'Aug  4 05:00:00')}\n`);
  }
}
