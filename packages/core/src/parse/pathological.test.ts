/**
 * Attacker-controlled text reaches every parser. Each is fed lines built to trip backtracking
 * regexes (long runs of the characters the grammar cares about). A parser with a super-linear
 * pattern would not finish; these finish and account for every line.
 */
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../internal.js';
import { parseLines } from '../../../../test/helpers/parse-lines.js';

const N = 1 << 20;
const nasty = [
  `user=<${'>'.repeat(N)}`,
  `Aug  3 04:12:09 mx01 dovecot: imap-login: Login: user=<${'<>,'.repeat(N / 3)}`,
  `Aug  3 04:12:09 mx01 postfix/smtpd[1]: warning: ${'['.repeat(N)}: SASL LOGIN authentication failed`,
  `Aug  3 04:12:09 mx01 postfix/smtpd[1]: 4WbQ2x1Hk9z9sWq: ${'to=<a>, '.repeat(N / 8)}`,
  `203.0.113.66 - - [03/Aug/2024:04:02:31 +0900] "GET /${'\\"'.repeat(N / 2)}`,
  `203.0.113.66 - - [03/Aug/2024:04:02:31 +0900] "GET / HTTP/1.1" 200 1 "${'\\'.repeat(N)}" "x"`,
  `203.0.113.66${' '.repeat(N)}[`,
  `Received: from ${'[1.2.3.4'.repeat(N / 8)}`,
  `X-Loop: ${':'.repeat(N)}`,
  `Aug  3 04:12:09 mx01 dovecot: auth: passwd-file(${'('.repeat(N)}): unknown user (given password: ${')'.repeat(1000)}`,
];

describe('parsers on pathological lines', () => {
  for (const format of FORMATS) {
    it(`${format.id} reads every nasty line in one pass`, async () => {
      const { events, errors, ignored } = await parseLines(format, nasty, { file: 'x.eml' });
      if (format.id !== 'mail-headers') expect(new Set([...events.map((e) => e.line), ...errors.map((e) => e.line), ...ignored]).size).toBe(nasty.length);
      for (const e of events) expect(JSON.stringify(e)).not.toContain('given password: )');
    });
  }
});
