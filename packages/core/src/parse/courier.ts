/**
 * Courier IMAP and POP3 (`imapd`, `imapd-ssl`, `pop3d`, `pop3d-ssl`):
 *
 *   LOGIN, user=alice@example.jp, ip=[::ffff:192.0.2.44], port=[51234], protocol=IMAP
 *   LOGIN FAILED, [method=PLAIN, ]user=alice@example.jp, ip=[::ffff:192.0.2.44]
 *   LOGOUT, user=alice@example.jp, ip=[::ffff:192.0.2.44], headers=0, body=0, rcvd=190, sent=81234, time=25
 *
 *   courieresmtpd: error,relay=::ffff:192.0.2.44,msg="535 Authentication failed.",cmd: <client's text>
 *     (an SMTP AUTH failure: Courier names no user; the command, which holds the client's
 *     credentials, is never read)
 *
 * The user name is the client's text and comes before `ip=`, which Courier writes after it: the
 * LAST `, ip=[` is Courier's, so a name carrying `, ip=[6.6.6.6]` cannot move the client.
 */
import type { Line } from '../ingest/line-splitter.js';
import type { Protocol } from '../event.js';
import type { FileContext } from './format.js';
import type { SyslogProgram } from './syslog-program.js';
import type { Envelope } from './syslog-envelope.js';
import { normalizeAccount, normalizeIp } from './normalize.js';

const PROGRAM = /^(?:courier-?)?(imap|pop3)d(?:-ssl)?$|^courier(imap|pop3)login$|^courier(esmtp)d(?:-msa)?$/;

const PROTOCOL: Record<string, Protocol> = { imap: 'imap', pop3: 'pop3', esmtp: 'smtp' };

/** Courier's own leading fields of an SMTP error: the relay, an optional ident, then the reply. */
const SMTP_AUTH_FAILURE = /^error,relay=([^,]+),(?:ident=[^,"]*,)?msg="535 /;

/** `user=X, ip=[Y]...` → the name and the address, split at the last `, ip=[`. */
function readUserAndIp(fields: string): { account: string | undefined; ip: string | undefined; after: string } {
  const ipAt = fields.lastIndexOf(', ip=[');
  const userAt = fields.indexOf('user=');
  if (ipAt === -1) return { account: userAt === -1 ? undefined : normalizeAccount(fields.slice(userAt + 5)), ip: undefined, after: '' };
  const close = fields.indexOf(']', ipAt);
  return {
    account: userAt === -1 || userAt > ipAt ? undefined : normalizeAccount(fields.slice(userAt + 5, ipAt)),
    ip: normalizeIp(fields.slice(ipAt + 5, close === -1 ? undefined : close + 1)),
    after: close === -1 ? '' : fields.slice(close + 1),
  };
}

/** Courier's own byte counters after the address: `, rcvd=190, sent=81234`. */
const COUNTERS = { rcvd: /(?:^|, )rcvd=(\d+)/, sent: /(?:^|, )sent=(\d+)/ } as const;

function counter(after: string, key: keyof typeof COUNTERS): number | undefined {
  const m = COUNTERS[key].exec(after);
  return m ? Number(m[1]) : undefined;
}

export const courier: SyslogProgram = {
  id: 'courier',
  matches: (program) => PROGRAM.test(program),
  create(ctx: FileContext) {
    return (env: Envelope, line: Line): void => {
      const names = PROGRAM.exec(env.program);
      const protocol = PROTOCOL[names?.[1] ?? names?.[2] ?? names?.[3] ?? ''];
      const msg = env.message;
      const base = { ts: env.ts, host: env.host, app: env.program, protocol };
      const smtpAuth = protocol === 'smtp' ? SMTP_AUTH_FAILURE.exec(msg) : null;
      if (smtpAuth) {
        ctx.emit({ ...base, kind: 'auth.failure', account: undefined, ip: normalizeIp(smtpAuth[1]), attempts: 1 }, line);
        return;
      }
      if (msg.startsWith('LOGIN FAILED, ')) {
        const fields = msg.slice(14);
        const method = /^method=([A-Za-z0-9-]+), /.exec(fields)?.[1];
        const who = readUserAndIp(fields);
        ctx.emit({ ...base, kind: 'auth.failure', account: who.account, ip: who.ip, attempts: 1, detail: method }, line);
        return;
      }
      if (msg.startsWith('LOGIN, ')) {
        const who = readUserAndIp(msg.slice(7));
        ctx.emit({ ...base, kind: 'auth.success', account: who.account, ip: who.ip }, line);
        return;
      }
      if (msg.startsWith('LOGOUT, ') || msg.startsWith('DISCONNECTED, ') || msg.startsWith('TIMEOUT, ')) {
        const who = readUserAndIp(msg.slice(msg.indexOf(', ') + 2));
        ctx.emit({ ...base, kind: 'session.end', account: who.account, ip: who.ip, bytesIn: counter(who.after, 'rcvd'), bytesOut: counter(who.after, 'sent') }, line);
        return;
      }
      ctx.ignore(line);
    };
  },
};
