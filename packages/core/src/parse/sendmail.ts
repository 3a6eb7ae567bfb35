/**
 * Sendmail (`sendmail`, `sm-mta`, `sm-msp-queue`): SMTP AUTH successes and failures, `possible
 * SMTP attack: command=AUTH` counts, and the queue lines that tie a message's sender and
 * recipients to the account that authenticated.
 *
 *   QID: AUTH=server, relay=client.example.net [192.0.2.44], authid=alice@example.jp, mech=LOGIN, bits=0
 *   QID: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=alice, relay=[192.0.2.44]
 *   QID: from=<alice@example.jp>, size=812, class=0, nrcpts=1, msgid=<...>, proto=ESMTPSA, daemon=MTA, relay=client.example.net [192.0.2.44]
 *   QID: to=<bob@example.net>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120812, relay=mx.example.net. [192.0.2.55], dsn=2.0.0, stat=Sent (ok queued)
 *
 * Who writes what: the client chooses the SASL user name and the Message-ID, the remote server
 * the reply after `stat=`. Sendmail writes `relay=` last on `from=` and failure lines, so there
 * the LAST `relay=` is Sendmail's (a Message-ID or user name carrying `, relay=[6.6.6.6]` comes
 * before it); on `to=` lines reading stops at the free text after `stat=`.
 */
import type { Line } from '../ingest/line-splitter.js';
import type { FileContext } from './format.js';
import type { SyslogProgram } from './syslog-program.js';
import type { Envelope } from './syslog-envelope.js';
import { readKeyValues, type KeyValueRules } from './key-values.js';
import { normalizeAccount, normalizeIp } from './normalize.js';
import { QueuedMessages } from './queued-messages.js';

/** Sendmail queue ids: `s73JC9x1001234` (date and time letters, sequence, pid). */
const QUEUE_ID = /^([0-9A-Za-z]{10,20}): /;

/** `from=` lines: the relay written last is Sendmail's; the first sender is Sendmail's. */
const FROM_FIELDS: KeyValueRules = { firstWins: new Set(['from', 'size', 'nrcpts', 'proto']), stopAfter: new Set(), quotedAddresses: true };
/** `to=` lines: fixed fields first, then the remote's reply after `stat=`. */
const TO_FIELDS: KeyValueRules = { firstWins: 'all', stopAfter: new Set(['stat']), quotedAddresses: true };
/**
 * `AUTH=server` lines: `relay=` (whose name is the client's reverse DNS) comes first, then the
 * authenticated `authid=`: the first relay and the last authid are Sendmail's.
 */
const AUTH_FIELDS: KeyValueRules = { firstWins: new Set(['relay']), stopAfter: new Set(), quotedAddresses: false };

/**
 * Cyrus SASL codes that say the credentials were wrong: -13 bad auth, -14 not authorized,
 * -18 expired, -19 disabled, -20 no such user. Others (-1 generic, -4 no mechanism, -5 bad
 * protocol, -8 try again) are server or protocol faults, never a failed attempt on an account.
 */
const CREDENTIAL_CODES = new Set([-13, -14, -18, -19, -20]);

/** `host.example.net [192.0.2.44] (may be forged)` or `[192.0.2.44]` → the address in brackets. */
function relayAddress(relay: string | undefined): string | undefined {
  if (relay === undefined) return undefined;
  const open = relay.lastIndexOf('[');
  return open === -1 ? undefined : normalizeIp(relay.slice(open));
}

export const sendmail: SyslogProgram = {
  id: 'sendmail',
  // `sm-mta`, `sm-msp-queue`, and daemon names set with `-L` (`sm-acceptingconnections`).
  matches: (program) => program === 'sendmail' || program.startsWith('sm-'),
  create(ctx: FileContext) {
    const queue = new QueuedMessages();
    return (env: Envelope, line: Line): void => {
      const base = { ts: env.ts, host: env.host, app: env.program };
      const q = QUEUE_ID.exec(env.message);
      const queueId = q ? q[1]! : undefined;
      const msg = q ? env.message.slice(q[0].length) : env.message;

      if (msg.startsWith('AUTH failure (')) {
        const mechEnd = msg.indexOf('):');
        const mech = mechEnd === -1 ? undefined : msg.slice(14, mechEnd);
        const code = /\((-\d+)\)/.exec(msg.slice(0, 200));
        if (!code || !CREDENTIAL_CODES.has(Number(code[1]))) {
          ctx.ignore(line);
          return;
        }
        const relayAt = msg.lastIndexOf(', relay=');
        const userAt = msg.indexOf(', user=');
        const account = userAt === -1 || (relayAt !== -1 && userAt > relayAt) ? undefined : normalizeAccount(msg.slice(userAt + 7, relayAt === -1 ? undefined : relayAt));
        const ip = relayAt === -1 ? undefined : relayAddress(msg.slice(relayAt + 8));
        ctx.emit({ ...base, kind: 'auth.failure', protocol: 'smtp', account, ip, queueId, attempts: 1, detail: mech || undefined }, line);
        return;
      }
      const attack = msg.indexOf(': possible SMTP attack: command=AUTH, count=');
      if (attack !== -1) {
        // `[192.0.2.44]: possible SMTP attack: command=AUTH, count=6`: AUTH commands past the limit.
        const count = Number.parseInt(msg.slice(attack + 44), 10);
        const ip = relayAddress(msg.slice(0, attack));
        ctx.emit({ ...base, kind: 'auth.failure', protocol: 'smtp', ip, attempts: Number.isFinite(count) && count > 0 ? count : 1, detail: 'possible SMTP attack' }, line);
        return;
      }
      if (!queueId) {
        ctx.ignore(line);
        return;
      }
      if (msg.startsWith('AUTH=server, ')) {
        const kv = readKeyValues(msg.slice(13), AUTH_FIELDS);
        const account = normalizeAccount(kv.get('authid'));
        const ip = relayAddress(kv.get('relay'));
        const m = queue.remember(queueId);
        if (ip) m.ip = ip;
        if (!account) {
          ctx.ignore(line);
          return;
        }
        m.account = account;
        ctx.emit({ ...base, kind: 'auth.success', protocol: 'smtp', account, ip, queueId, detail: kv.get('mech') || undefined }, line);
        return;
      }
      if (msg.startsWith('from=')) {
        const kv = readKeyValues(msg, FROM_FIELDS);
        const m = queue.remember(queueId);
        if (m.submitted) {
          ctx.ignore(line);
          return;
        }
        m.submitted = true;
        const ip = relayAddress(kv.get('relay'));
        if (ip && !m.ip) m.ip = ip;
        const messageId = kv.get('msgid');
        if (messageId) m.messageId = `<${messageId}>`;
        const size = Number(kv.get('size'));
        ctx.emit(
          {
            ...base,
            kind: 'mail.submit',
            protocol: 'smtp',
            account: m.account,
            ip: m.ip,
            queueId,
            bytesIn: Number.isFinite(size) ? size : undefined,
            from: normalizeAccount(kv.get('from')),
            messageId: m.messageId,
          },
          line,
        );
        return;
      }
      if (msg.startsWith('to=')) {
        const kv = readKeyValues(msg, TO_FIELDS);
        const m = queue.get(queueId);
        const to = normalizeAccount(kv.get('to'));
        // `Sent (ok)`, `Deferred: Connection refused by ...`, `User unknown`: the word(s) before `:`.
        const stat = kv.get('stat')?.split(':', 1)[0]?.trim().toLowerCase();
        const relay = kv.get('relay');
        ctx.emit(
          {
            ...base,
            kind: 'mail.deliver',
            protocol: 'smtp',
            account: m?.account,
            ip: m?.ip,
            queueId,
            to: to ? [to] : undefined,
            messageId: m?.messageId,
            detail: stat ? (relay ? `${stat} relay=${relay}` : stat) : undefined,
          },
          line,
        );
        return;
      }
      ctx.ignore(line);
    };
  },
};
