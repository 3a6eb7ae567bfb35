/**
 * Postfix: SMTP AUTH successes and failures, and the queue lines that tie a message's sender,
 * size and recipients back to the account that submitted it.
 *
 * - `connect from` / `disconnect from` and SASL failures carry only the smtpd process id, which
 *   becomes the event's `session` (`host/program[pid]`).
 * - `QUEUEID: client=..., sasl_username=...` names the account; cleanup (`message-id=`), qmgr
 *   (`from=`, `size=`) and delivery agents (`to=`, `status=`) carry the same queue id. Within a
 *   file we join them here; a message that spans a rotation keeps its `queueId` so later stages
 *   can join across files.
 */
import type { Line } from '../ingest/line-splitter.js';
import type { FileContext } from './format.js';
import type { SyslogProgram } from './syslog-program.js';
import type { Envelope } from './syslog-envelope.js';
import { POSTFIX_FIELDS, readKeyValues } from './key-values.js';
import { normalizeAccount, normalizeIp } from './normalize.js';
import { QueuedMessages } from './queued-messages.js';

/**
 * Short hex ids (`3F2A91C0E4`) or long ones (`4WbQ2x1Hk9z9sWq`, enable_long_queue_ids: 10 to 20
 * of [0-9A-Za-z]). Postfix writes long ids in base 52 without vowels; ids from other writers
 * may carry vowels, so those are taken when they hold a digit or a capital: a word of
 * lower-case letters (`statistics: `) is not an id.
 */
const QUEUE_ID = /^([0-9A-F]{6,12}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,20}|(?=[a-z]{0,19}[0-9A-Z])[0-9A-Za-z]{10,20}): /;

/**
 * SASL failures that say nothing of the password: the authentication server went away or
 * failed, or the client asked for a mechanism that is not offered. Counted as ignored lines,
 * never as failed attempts (they made brute-force and spray findings out of a server outage).
 */
const SASL_FAULTS = /connection lost to authentication server|invalid authentication mechanism|no (?:worthy )?mechs? (?:found|available)|temporary failure|internal (?:authentication )?error|authentication server .*(?:unavailable|not available)/i;

export const postfix: SyslogProgram = {
  id: 'postfix',
  matches: (program) => program.startsWith('postfix'),
  create(ctx: FileContext) {
    const queue = new QueuedMessages();

    return (env: Envelope, line: Line): void => {
      const service = env.program.slice(env.program.lastIndexOf('/') + 1);
      const app = env.program;
      const session = env.pid ? `${env.host ?? ''}/${env.program}[${env.pid}]` : undefined;
      const msg = env.message;
      const base = { ts: env.ts, host: env.host, app };

      if (service === 'smtpd') {
        if (msg.startsWith('connect from ')) {
          const ip = normalizeIp(msg.slice(13));
          ctx.emit({ ...base, kind: 'session.start', protocol: 'smtp', ip: ip || undefined, session: session || undefined }, line);
          return;
        }
        if (msg.startsWith('disconnect from ')) {
          const rest = msg.slice(16);
          const sp = rest.indexOf(' ');
          const ip = normalizeIp(sp === -1 ? rest : rest.slice(0, sp));
          const detail = sp === -1 ? undefined : rest.slice(sp + 1);
          ctx.emit(
            { ...base, kind: 'session.end', protocol: 'smtp', ip: ip || undefined, session: session || undefined, detail: detail || undefined },
            line,
          );
          return;
        }
        const sasl = msg.indexOf(' authentication failed');
        if (msg.startsWith('warning: ') && sasl !== -1 && msg.includes('SASL ')) {
          // warning: unknown[198.51.100.23]: SASL LOGIN authentication failed: UGFzc3dvcmQ6[, sasl_username=x]
          const addrEnd = msg.indexOf(': SASL ');
          const ip = normalizeIp(msg.slice(9, addrEnd === -1 ? sasl : addrEnd));
          const mech = addrEnd === -1 ? undefined : msg.slice(addrEnd + 7, sasl);
          // Postfix appends the login name after the SASL reason, which the server writes: the
          // first `sasl_username=` is Postfix's; one inside the name is the client's text.
          const userAt = msg.indexOf(', sasl_username=', sasl);
          const reason = msg.slice(msg.indexOf(':', sasl) + 1, userAt === -1 ? undefined : userAt).trim();
          if (SASL_FAULTS.test(reason)) {
            // The server or the protocol failed, not a password: no attempt against the account.
            ctx.ignore(line);
            return;
          }
          const account = userAt === -1 ? undefined : normalizeAccount(msg.slice(userAt + 16));
          ctx.emit(
            {
              ...base,
              kind: 'auth.failure',
              protocol: 'smtp',
              account: account || undefined,
              ip: ip || undefined,
              session: session || undefined,
              attempts: 1,
              detail: mech || undefined,
            },
            line,
          );
          return;
        }
      }

      const q = QUEUE_ID.exec(msg);
      if (!q) {
        ctx.ignore(line);
        return;
      }
      const queueId = q[1]!;
      const tail = msg.slice(q[0].length);

      if (service === 'smtpd' && tail.startsWith('client=')) {
        const kv = readKeyValues(tail, POSTFIX_FIELDS);
        const ip = normalizeIp(kv.get('client'));
        const account = normalizeAccount(kv.get('sasl_username'));
        const m = queue.remember(queueId);
        if (ip) m.ip = ip;
        if (account) {
          m.account = account;
          const method = kv.get('sasl_method');
          ctx.emit(
            {
              ...base,
              kind: 'auth.success',
              protocol: 'smtp',
              account,
              ip: ip || undefined,
              queueId,
              session: session || undefined,
              detail: method || undefined,
            },
            line,
          );
        } else {
          ctx.ignore(line);
        }
        return;
      }
      if (tail.startsWith('message-id=')) {
        const id = tail.slice(11).trim();
        if (id) queue.remember(queueId).messageId = id;
        ctx.ignore(line);
        return;
      }
      if (tail === 'removed') {
        queue.forget(queueId);
        ctx.ignore(line);
        return;
      }
      if (tail.startsWith('from=')) {
        const kv = readKeyValues(tail, POSTFIX_FIELDS);
        if (kv.has('status')) {
          // `from=<a>, status=expired, returned to sender`: qmgr gives up on a message; no submission.
          ctx.ignore(line);
          return;
        }
        const m = queue.remember(queueId);
        if (m.submitted) {
          // qmgr repeats `from=` on every delivery retry: one submission, one event.
          ctx.ignore(line);
          return;
        }
        m.submitted = true;
        const size = Number(kv.get('size'));
        const from = normalizeAccount(kv.get('from'));
        ctx.emit(
          {
            ...base,
            kind: 'mail.submit',
            protocol: 'smtp',
            account: m.account || undefined,
            ip: m.ip || undefined,
            queueId,
            bytesIn: Number.isFinite(size) ? size : undefined,
            from: from || undefined,
            messageId: m.messageId || undefined,
          },
          line,
        );
        return;
      }
      if (tail.startsWith('to=')) {
        const kv = readKeyValues(tail, POSTFIX_FIELDS);
        const m = queue.get(queueId);
        const to = normalizeAccount(kv.get('to'));
        const status = kv.get('status');
        const relay = kv.get('relay');
        const statusWord = status?.split(' ', 1)[0];
        ctx.emit(
          {
            ...base,
            kind: 'mail.deliver',
            protocol: 'smtp',
            account: m?.account ? m.account : undefined,
            ip: m?.ip ? m.ip : undefined,
            queueId,
            to: to ? [to] : undefined,
            messageId: m?.messageId ? m.messageId : undefined,
            detail: statusWord ? (relay ? `${statusWord} relay=${relay}` : statusWord) : undefined,
          },
          line,
        );
        return;
      }
      ctx.ignore(line);
    };
  },
};
