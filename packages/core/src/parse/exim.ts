/**
 * Exim: its own `mainlog` (`2024-08-03 04:12:09 [+0900] [[pid]] message`) and the same messages
 * through syslog (`exim[pid]: message`, `exim4`). What it yields:
 *
 *   1sa2Bc-000Abc-Xy <= alice@example.jp H=(pc01) [192.0.2.44]:51234 P=esmtpsa A=dovecot_plain:alice@example.jp S=1234 id=...
 *     → auth.success (when `A=` names who authenticated) and mail.submit
 *   1sa2Bc-000Abc-Xy => bob@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.55] C="250 OK"
 *     → mail.deliver (`=>`, `->` sent, `**` bounced, `==` deferred)
 *   dovecot_login authenticator failed for (helo) [192.0.2.44]:51234 I=[192.0.2.10]:587: 535 Incorrect authentication data (set_id=alice)
 *     → auth.failure
 *
 * Who writes what: the client chooses its HELO name (in parentheses), the envelope sender, the
 * subject (`T="..."`) and, on failures, the user name at the end (`set_id=`). So on `<=` lines the
 * fields are read after the sender and `A=` is the first one after `H=`'s address; on failures the
 * name is cut at the last ` (set_id=` and the client is the last `[address]` before the SMTP code.
 */
import type { Line } from '../ingest/line-splitter.js';
import type { FileContext } from './format.js';
import { ownFileFormat, syslogProgramOf, type MessageHandler } from './own-file-format.js';
import { readIsoLocalTime, readZoneOffset } from '../time/timestamps.js';
import { normalizeAccount, normalizeIp } from './normalize.js';
import { QueuedMessages } from './queued-messages.js';

/** `1sa2Bc-000Abc-Xy` (before 4.97) or `1sa2Bc-000000Abc-XyZW` (4.97 and later). */
const MESSAGE_ID = /^[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}$/;

const DELIVERY_STATUS: Record<string, string> = { '=>': 'sent', '->': 'sent', '*>': 'suppressed', '**': 'bounced', '==': 'deferred' };

/** The client of an authenticator failure: the last `[address]` right before the SMTP reply. */
const FAILURE_CLIENT = /\[([^\]\s]+)\](?::\d+)?(?: I=\[[^\]\s]+\](?::\d+)?)?: (?=\d{3} |Incorrect|authentication)/g;

type Emit = FileContext['emit'];

/** One message handler for both the mainlog and syslog forms: it keeps the per-file message table. */
function createEximHandler(ctx: FileContext, app: string): MessageHandler {
  const messages = new QueuedMessages();
  const emit: Emit = ctx.emit.bind(ctx);
  return (ts, host, message, line) => {
    let msg = message;
    // `[1234] ` with log_selector +pid
    if (msg.charCodeAt(0) === 91) {
      const close = msg.indexOf('] ');
      if (close > 0 && close < 12) msg = msg.slice(close + 2);
    }
    const failedAt = msg.indexOf(' authenticator failed for ');
    if (failedAt !== -1 && failedAt < 64 && !msg.slice(0, failedAt).includes(' ')) {
      if (!readAuthFailure(msg, failedAt, { ts, host, app }, line, emit)) ctx.ignore(line);
      return;
    }
    const sp = msg.indexOf(' ');
    const id = sp === -1 ? '' : msg.slice(0, sp);
    if (!MESSAGE_ID.test(id)) {
      ctx.ignore(line);
      return;
    }
    const flag = msg.slice(sp + 1, sp + 3);
    const rest = msg.slice(sp + 4);
    if (flag === '<=') {
      // A repeated arrival line for a message already submitted, without an account, adds nothing.
      if (!readArrival(id, rest, { ts, host, app }, line, emit, messages)) ctx.ignore(line);
      return;
    }
    const status = DELIVERY_STATUS[flag];
    if (status !== undefined && msg.charCodeAt(sp + 3) === 32) {
      const m = messages.get(id);
      const to = normalizeAccount(firstWord(rest).replace(/:$/, ''));
      // `H=mx.example.net [192.0.2.55]:25`, cut after the address: a bounce's remote reply follows.
      const relay = fieldAfter(rest, ' H=')?.replace(/^([^[]*\[[^\]]*\](?::\d+)?).*$/, '$1');
      emit(
        {
          ts,
          host,
          app,
          kind: 'mail.deliver',
          protocol: 'smtp',
          account: m?.account,
          ip: m?.ip,
          queueId: id,
          to: to ? [to] : undefined,
          messageId: m?.messageId,
          detail: relay ? `${status} relay=${relay}` : status,
        },
        line,
      );
      return;
    }
    if (msg.slice(sp + 1) === 'Completed') messages.forget(id);
    ctx.ignore(line);
  };
}

function firstWord(s: string): string {
  const sp = s.indexOf(' ');
  return sp === -1 ? s : s.slice(0, sp);
}

/** The envelope sender as logged: a word, or a quoted local part with spaces and its domain. */
function senderEnd(rest: string): number {
  if (rest.charCodeAt(0) === 34) {
    const close = rest.indexOf('"', 1);
    const sp = rest.indexOf(' ', close === -1 ? 0 : close);
    return sp === -1 ? rest.length : sp;
  }
  const sp = rest.indexOf(' ');
  return sp === -1 ? rest.length : sp;
}

/** `H=host (helo) [192.0.2.55]:25` → `host [192.0.2.55]:25`-like text up to the next field. */
function fieldAfter(s: string, key: string): string | undefined {
  const at = s.indexOf(key);
  if (at === -1) return undefined;
  const start = at + key.length;
  const next = s.slice(start).search(/ [A-Za-z]{1,3}=/);
  return (next === -1 ? s.slice(start) : s.slice(start, start + next)).trim();
}

/** The address of an `H=` value: the first `[...]` after the HELO name's parentheses. */
function hostAddress(h: string | undefined): string | undefined {
  if (h === undefined) return undefined;
  const helo = h.lastIndexOf(') [');
  const open = helo !== -1 ? helo + 2 : h.indexOf('[');
  if (open === -1) return undefined;
  const close = h.indexOf(']', open);
  return normalizeIp(h.slice(open + 1, close === -1 ? undefined : close));
}

/** Emits the arrival's events; false when the line gave none (the message was already submitted). */
function readArrival(id: string, rest: string, base: { ts: number; host: string | undefined; app: string }, line: Line, emit: Emit, messages: QueuedMessages): boolean {
  const end = senderEnd(rest);
  const sender = rest.slice(0, end);
  // Fields Exim writes after the sender, up to the subject (the client's text) if logged.
  let fields = rest.slice(end);
  const subject = fields.indexOf(' T="');
  if (subject !== -1) fields = fields.slice(0, subject);
  // The HELO name (in H=) and the Message-ID (id=) are the client's text and may carry ` A=`,
  // ` H=` or ` P=`: a field is taken only when Exim wrote it once, and A= only after an
  // authenticated protocol (P=esmtpa, esmtpsa) written before it, as Exim orders them.
  const once = (key: string): boolean => fields.indexOf(key) !== -1 && fields.indexOf(key) === fields.lastIndexOf(key);
  const protocolAt = fields.indexOf(' P=');
  const hostAt = fields.indexOf(' H=');
  // H= runs to P= (which Exim writes after it, past I=), so a HELO with ` X=` inside stays whole.
  const hostText = once(' P=') && protocolAt > hostAt ? fields.slice(hostAt + 3, protocolAt) : fieldAfter(fields, ' H=');
  const ip = once(' H=') ? hostAddress(hostText) : undefined;
  const authAt = fields.indexOf(' A=');
  const authenticated = once(' P=') && once(' A=') && protocolAt < authAt && /^e?smtps?a$/i.test(fieldAfter(fields, ' P=') ?? '');
  const auth = authenticated ? fieldAfter(fields, ' A=') : undefined;
  // `A=dovecot_plain:alice@example.jp`: the authenticator, then set_id after the first colon.
  const colon = auth?.indexOf(':') ?? -1;
  const account = auth !== undefined && colon !== -1 ? normalizeAccount(auth.slice(colon + 1)) : undefined;
  const size = Number(fieldAfter(fields, ' S='));
  const messageIdField = fieldAfter(fields, ' id=');
  const m = messages.remember(id);
  if (ip) m.ip = ip;
  if (account) m.account = account;
  if (messageIdField) m.messageId = `<${messageIdField}>`;
  if (account) {
    emit({ ...base, kind: 'auth.success', protocol: 'smtp', account, ip, queueId: id, detail: auth!.slice(0, colon) || undefined }, line);
  }
  if (m.submitted) return account !== undefined;
  m.submitted = true;
  emit(
    {
      ...base,
      kind: 'mail.submit',
      protocol: 'smtp',
      account: m.account,
      ip: m.ip,
      queueId: id,
      bytesIn: Number.isFinite(size) ? size : undefined,
      from: sender === '<>' ? undefined : normalizeAccount(sender),
      messageId: m.messageId,
    },
    line,
  );
  return true;
}

/** Emits the failure; false when the line is the server's own fault (a 4xx), which is no attempt. */
function readAuthFailure(msg: string, failedAt: number, base: { ts: number; host: string | undefined; app: string }, line: Line, emit: Emit): boolean {
  const authenticator = msg.slice(0, failedAt);
  const setIdAt = msg.lastIndexOf(' (set_id=');
  const account = setIdAt === -1 ? undefined : normalizeAccount(msg.slice(setIdAt + 9).replace(/\)$/, ''));
  const head = setIdAt === -1 ? msg : msg.slice(0, setIdAt);
  let ip: string | undefined;
  for (const m of head.matchAll(FAILURE_CLIENT)) ip = normalizeIp(m[1]) ?? ip;
  // 435 "Unable to authenticate at present" is the server's own fault, not a wrong password.
  if (/: 4\d\d /.test(head.slice(failedAt)) && !/: 5\d\d /.test(head.slice(failedAt))) return false;
  emit({ ...base, kind: 'auth.failure', protocol: 'smtp', account, ip, attempts: 1, detail: authenticator }, line);
  return true;
}

/** `2024-08-03 04:12:09[.123][ +0900] ` → UTC ms and where the message starts. */
function readMainlogTime(s: string, ctx: FileContext): { ts: number; end: number } | undefined {
  const w = readIsoLocalTime(s, 0);
  if (!w || s.charCodeAt(w.end) !== 32) return undefined;
  const i = w.end + 1;
  const zone = readZoneOffset(s, i, 'none');
  if (zone && s.charCodeAt(zone.end) === 32) {
    return { ts: Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms) - zone.ms, end: zone.end + 1 };
  }
  return { ts: ctx.clock.toUtc(w.year, w.month, w.day, w.hour, w.minute, w.second, w.ms), end: i };
}

const SNIFF_REST = /^(?:\[\d+\] )?(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4} |\S+ authenticator failed for |H=|SMTP |Start queue run|End queue run|exim |TLS error|no host name found|no IP address found|rejected )/;

export const eximMainlog = ownFileFormat({
  id: 'exim',
  title: 'Exim mainlog (arrivals, deliveries, authenticator failures)',
  sniff(text: string): boolean {
    const w = readIsoLocalTime(text, 0);
    if (!w || text.charCodeAt(w.end) !== 32) return false;
    let rest = text.slice(w.end + 1);
    if (/^[+-]\d{4} /.test(rest)) rest = rest.slice(6);
    return SNIFF_REST.test(rest);
  },
  readStamp: readMainlogTime,
  unstamped: { error: 'no Exim timestamp' },
  createHandler: (ctx) => createEximHandler(ctx, 'exim'),
});

export const eximSyslog = syslogProgramOf('exim', ['exim', 'exim4'], (ctx) => createEximHandler(ctx, 'exim'));
