/**
 * Dovecot 2.2 to 2.4: logins, failed logins, auth-process failures and session ends with bytes.
 *
 * Parsed by the `key=value` tail, never by the leading phrase: `Disconnected (auth failed, ...)`,
 * `Aborted login (auth failed, ...)` and 2.4's `Login aborted: ... (auth_failed)` are one thing.
 * A login and its logout join on `session=<id>` (and `mpid`), so the client IP of the login line
 * is carried to the bytes downloaded on the logout line.
 */
import type { Line } from '../ingest/line-splitter.js';
import type { Protocol } from '../event.js';
import type { FileContext, ParsedEvent } from './format.js';
import type { SyslogProgram } from './syslog-program.js';
import type { Envelope } from './syslog-envelope.js';
import { readKeyValues } from './key-values.js';
import { normalizeAccount, normalizeIp } from './normalize.js';
import { redactSecrets } from './redact.js';
import { SessionTable } from './session-table.js';

const PROTOCOLS: Record<string, Protocol> = {
  imap: 'imap',
  pop3: 'pop3',
  submission: 'submission',
  managesieve: 'managesieve',
  lmtp: 'lmtp',
};

interface OpenSession {
  ip?: string;
  localIp?: string;
}

/** Sessions normally close within hours; this bound only stops a file with lost logouts growing it. */
const MAX_OPEN_SESSIONS = 200_000;

const AUTH_FAILURE_PHRASES: ReadonlyArray<[string, string]> = [
  ['password mismatch', 'password mismatch'],
  ['unknown user', 'unknown user'],
  ['user not found', 'unknown user'],
  ['pam_authenticate() failed', 'pam failed'],
  ['authentication failure', 'authentication failure'],
  ['invalid credentials', 'invalid credentials'],
];

/**
 * Dovecot's own process names, which are the syslog tag when Dovecot logs to its own file
 * (`Aug 03 04:12:09 imap-login: Info: Login: ...`), through multilog, or in 1.x
 * (`mx01 imap-login: Login: ...`): then the tag is the subsystem and the message follows it.
 */
const SUBSYSTEM_TAG = /^(?:imap|pop3|submission|managesieve|lmtp|auth|auth-worker)(?:-login)?(?:[(<].*)?$/;

/** Levels Dovecot writes after the subsystem (2.3 with `log_path`, 2.4, the journal). */
const LEVEL_PREFIX = /^(?:Info|Debug|Warning|Error|Fatal|Panic): /;

/**
 * `pam_unix(dovecot:auth): authentication failure; ... ruser=alice rhost=192.0.2.44 user=alice`,
 * and the same from other PAM modules (`pam_sss`, `pam_ldap`).
 */
const PAM_FAILURE = /pam_[a-z0-9]+\(dovecot:auth\): authentication failure;/;

export const dovecot: SyslogProgram = {
  id: 'dovecot',
  matches: (program) =>
    program === 'dovecot' || program.startsWith('dovecot/') || program === 'dovecot-auth' || SUBSYSTEM_TAG.test(program),
  create(ctx: FileContext) {
    const sessions = new SessionTable<OpenSession>();

    return (env: Envelope, line: Line): void => {
      const tagIsSubsystem = env.program !== 'dovecot' && !env.program.startsWith('dovecot');
      // 1.x `dovecot-auth:` is the auth process under its own tag.
      let msg = tagIsSubsystem ? `${env.program}: ${env.message}` : env.program === 'dovecot-auth' ? `auth: ${env.message}` : env.message;
      // The journal can repeat the tag inside the message: `dovecot[442]: dovecot: auth(default): ...`
      if (msg.startsWith('dovecot: ')) msg = msg.slice(9);
      // The phrase starts with `pam_`: most lines have none, and skip the expression.
      const pamAt = msg.indexOf('pam_');
      const pam = pamAt !== -1 && pamAt < 200 ? PAM_FAILURE.exec(msg.slice(0, 200)) : null;
      if (pam) {
        const who = readPamUnixFailure(msg.slice(pam.index + pam[0].length));
        ctx.emit(
          {
            ts: env.ts,
            host: env.host,
            app: 'dovecot/auth',
            kind: 'auth.failure',
            account: who.account,
            ip: who.ip,
            attempts: 1,
            detail: 'pam_unix authentication failure',
          },
          line,
        );
        return;
      }
      // 2.4 (and journal) lines put a level after the subsystem: `imap-login: Info: Login: ...`
      const head = msg.indexOf(': ');
      if (head === -1) {
        ctx.ignore(line);
        return;
      }
      const subsystem = msg.slice(0, head);
      msg = msg.slice(head + 2);
      const level = LEVEL_PREFIX.exec(msg);
      if (level) msg = msg.slice(level[0].length);

      if (subsystem.endsWith('-login')) {
        const protocol = PROTOCOLS[subsystem.slice(0, -6)];
        const tailAt = loginTailAt(msg);
        if (tailAt === -1) {
          ctx.ignore(line);
          return;
        }
        const kv = readKeyValues(msg.slice(tailAt));
        const account = normalizeAccount(kv.get('user'));
        const ip = normalizeIp(kv.get('rip'));
        const localIp = normalizeIp(kv.get('lip'));
        const session = kv.get('session');
        // `proxy(alice): started proxying to 10.0.0.5:143`: the proxy's login (it writes no `Login:`).
        const proxied = msg.startsWith('proxy(') && msg.includes('): started proxying to ');
        if (msg.startsWith('Login: ') || proxied) {
          if (session) {
            if (sessions.size >= MAX_OPEN_SESSIONS) {
              const oldest = sessions.oldest();
              if (oldest !== undefined) sessions.delete(oldest);
            }
            sessions.set(session, { ip: ip || undefined, localIp: localIp || undefined });
          }
          const method = kv.get('method');
          ctx.emit(loginEvent(env, protocol, account, ip, localIp, session, 'auth.success', undefined, method || undefined), line);
          return;
        }
        const failure = loginFailure(msg, tailAt);
        if (failure) {
          ctx.emit(loginEvent(env, protocol, account, ip, localIp, session, 'auth.failure', failure.attempts, failure.detail), line);
          return;
        }
        ctx.ignore(line);
        return;
      }

      // auth: passwd-file(user,ip): unknown user / auth-worker(304): pam(user,ip): ... /
      // 2.4: auth(user,ip,sasl:login)<session>: Info: sql: Password mismatch
      if (subsystem === 'auth' || subsystem.startsWith('auth(') || subsystem.startsWith('auth-worker')) {
        const whole = subsystem.startsWith('auth(') ? `${subsystem}: ${msg}` : msg;
        const lower = whole.toLowerCase();
        const phrase = AUTH_FAILURE_PHRASES.find(([p]) => lower.includes(p));
        const call = phrase ? driverCall(whole) : undefined;
        if (!phrase || !call) {
          ctx.ignore(line);
          return;
        }
        const { account, ip } = call;
        ctx.emit(
          {
            ts: env.ts,
            host: env.host,
            app: 'dovecot/auth',
            kind: 'auth.failure',
            ...(account && { account }),
            ...(ip && { ip }),
            attempts: 1,
            detail: redactSecrets(phrase[1]),
          },
          line,
        );
        return;
      }

      // imap(user)<mpid><session>: Disconnected: Logged out in=1291 out=734003221 ...
      const paren = subsystem.indexOf('(');
      const protocol = paren === -1 ? undefined : PROTOCOLS[subsystem.slice(0, paren)];
      if (protocol && (msg.includes('Logged out') || msg.startsWith('Disconnected') || msg.startsWith('Connection closed'))) {
        const closeParen = subsystem.indexOf(')', paren);
        const account = normalizeAccount(subsystem.slice(paren + 1, closeParen === -1 ? undefined : closeParen));
        const ids = closeParen === -1 ? [] : angleIds(subsystem.slice(closeParen + 1));
        const session = ids[1];
        const joined = session ? sessions.get(session) : undefined;
        if (session) sessions.delete(session);
        const bytes = readByteCounts(msg);
        ctx.emit(
          {
            ts: env.ts,
            host: env.host,
            app: 'dovecot',
            kind: 'session.end',
            protocol,
            account: account || undefined,
            ip: joined?.ip || undefined,
            localIp: joined?.localIp || undefined,
            bytesIn: bytes.in,
            bytesOut: bytes.out,
            session: session || undefined,
          },
          line,
        );
        return;
      }
      ctx.ignore(line);
    };
  },
};

/**
 * A login line's event: one literal with every key (undefined when absent), so every login has
 * one shape and nothing is spread (a spread of the common keys was a copy per login line).
 */
function loginEvent(
  env: Envelope,
  protocol: Protocol | undefined,
  account: string | undefined,
  ip: string | undefined,
  localIp: string | undefined,
  session: string | undefined,
  kind: 'auth.success' | 'auth.failure',
  attempts: number | undefined,
  detail: string | undefined,
): ParsedEvent {
  return {
    ts: env.ts,
    host: env.host,
    app: 'dovecot',
    protocol,
    account: account || undefined,
    ip: ip || undefined,
    localIp: localIp || undefined,
    session: session || undefined,
    kind,
    attempts,
    detail,
  };
}

/**
 * Where a login line's `key=value` tail starts: after the phrase's `: `, at its first key
 * (`user=` in every version; Dovecot skips empty elements, so a tail may start at `method=` or
 * `rip=`). The phrase is Dovecot's; the tail holds the client's text.
 */
function loginTailAt(msg: string): number {
  let at = msg.indexOf(': ');
  while (at !== -1) {
    const k = at + 2;
    if (msg.startsWith('user=<', k) || msg.startsWith('method=', k) || msg.startsWith('rip=', k)) return k;
    at = msg.indexOf(': ', k);
  }
  return -1;
}

/**
 * A failed login from its phrase (before the tail): `(auth failed, 3 attempts in 16 secs)` → 3;
 * 1.x/2.0 `Aborted login (2 authentication attempts)` → 2; `(tried to use disallowed plaintext
 * auth)` → 1; a proxy's `Authentication failed` / `dest auth failed` → 1. `(no auth attempts
 * ...)` and every other disconnect are no failure. The plain phrase gets no detail (the attempt
 * count says it); the others say what they were.
 */
function loginFailure(msg: string, tailAt: number): { attempts: number; detail: string | undefined } | undefined {
  const phrase = msg.slice(0, tailAt);
  const at = phrase.lastIndexOf('auth failed');
  if (at !== -1 && !phrase.includes('no auth attempts')) {
    const m = /^auth failed, (\d+) attempts?/.exec(phrase.slice(at, at + 40));
    return { attempts: m ? Number(m[1]) : 1, detail: phrase.startsWith('proxy(') ? 'proxy auth failed' : undefined };
  }
  if (phrase.includes('(auth_failed)')) return { attempts: 1, detail: undefined };
  const old = /\((\d+) authentication attempts?\)/.exec(phrase);
  if (old && Number(old[1]) > 0) return { attempts: Number(old[1]), detail: undefined };
  // `tried to use disallowed plaintext auth` (2.x), `tried to use disabled plaintext auth` (1.x)
  if (/tried to use (?:disallowed|disabled) \S+ auth/.test(phrase)) return { attempts: 1, detail: 'plaintext auth disallowed' };
  if (phrase.startsWith('proxy(') && /authentication failed/i.test(phrase)) return { attempts: 1, detail: 'proxy auth failed' };
  return undefined;
}

/**
 * The tail of a `pam_unix(dovecot:auth): authentication failure;` line:
 * `logname= uid=0 euid=0 tty=dovecot ruser=alice rhost=192.0.2.44  user=alice`. Dovecot sets the
 * PAM remote user to the login name, so `ruser=` and `user=` hold the same text, which the client
 * chose: the split that makes both equal and leaves an address between is the true one, so a
 * name carrying ` rhost=6.6.6.6` cannot move the client. Without `user=` (an unknown user), the
 * last `rhost=` holds the address.
 */
function readPamUnixFailure(tail: string): { account: string | undefined; ip: string | undefined } {
  const r = tail.indexOf(' ruser=');
  if (r === -1) return { account: undefined, ip: undefined };
  const rest = tail.slice(r + 7);
  for (let at = rest.indexOf(' rhost='); at !== -1; at = rest.indexOf(' rhost=', at + 1)) {
    const name = rest.slice(0, at);
    const after = rest.slice(at + 7);
    const userAt = after.indexOf(' user=');
    if (userAt === -1) continue;
    if (after.slice(userAt + 6).trim() === name.trim()) {
      return { account: normalizeAccount(name), ip: normalizeIp(after.slice(0, userAt).trim()) };
    }
  }
  const last = rest.lastIndexOf(' rhost=');
  if (last === -1) return { account: normalizeAccount(rest), ip: undefined };
  const hostText = rest.slice(last + 7).trim();
  return { account: normalizeAccount(rest.slice(0, last)), ip: hostText.includes(' ') ? undefined : normalizeIp(hostText) };
}

/** `<48211><k3Hq0v4f2LfLwKmH>` → ['48211', 'k3Hq0v4f2LfLwKmH'] */
function angleIds(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (s.charCodeAt(i) === 60) {
    const end = s.indexOf('>', i);
    if (end === -1) break;
    out.push(s.slice(i + 1, end));
    i = end + 1;
  }
  return out;
}

/**
 * Bytes of a session: `in=1291 out=734003221` (2.2+), `bytes=1291/734003221` (older), and for
 * POP3 `top=0/0, retr=812/9120331` (count/bytes), where retrieved and top bytes are what left.
 */
function readByteCounts(msg: string): { in?: number; out?: number } {
  const inBytes = countOf(byteWord(msg, 'in=', ' in='));
  const outBytes = countOf(byteWord(msg, 'out=', ' out='));
  if (inBytes !== undefined || outBytes !== undefined) {
    return { ...(inBytes !== undefined && { in: inBytes }), ...(outBytes !== undefined && { out: outBytes }) };
  }
  const bytes = byteWord(msg, 'bytes=', ' bytes=');
  if (bytes?.includes('/')) {
    const [a, b] = bytes.split('/');
    const i = countOf(a);
    const o = countOf(b);
    return { ...(i !== undefined && { in: i }), ...(o !== undefined && { out: o }) };
  }
  const retr = countOf(byteWord(msg, 'retr=', ' retr=')?.split('/')[1]);
  const top = countOf(byteWord(msg, 'top=', ' top=')?.split('/')[1]);
  if (retr !== undefined || top !== undefined) return { out: (retr ?? 0) + (top ?? 0) };
  return {};
}

/**
 * The value of `key=` at the start of `msg` (`bare`) or after a space (`spaced`), to the next
 * space or comma. The two spellings are constants: this runs on every logout line.
 */
function byteWord(msg: string, bare: string, spaced: string): string | undefined {
  let start: number;
  if (msg.startsWith(bare)) start = bare.length;
  else {
    const at = msg.indexOf(spaced);
    if (at === -1) return undefined;
    start = at + spaced.length;
  }
  let end = start;
  while (end < msg.length && msg.charCodeAt(end) !== 32 && msg.charCodeAt(end) !== 44) end++;
  return msg.slice(start, end);
}

function countOf(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The passdb/userdb call of an auth line, `driver(user,ip[,...])` followed by `:` (or by 2.4's
 * `<session>:`): `pam(alice@example.jp,192.0.2.44): pam_authenticate() failed`. Found by its
 * shape, a name directly followed by its parenthesis, so the auth-worker's own
 * `conn unix:auth-worker (pid=4700,uid=109):` before it is skipped. The client is the LAST
 * argument that is an address: Dovecot writes it after the user name (2.4 appends the
 * mechanism), so a user name carrying `,6.6.6.6` stays part of the name.
 */
const DRIVER_CALL = /(?:^|[\s:])[a-z][a-z0-9_-]*\(([^()]*)\)(?:<[^<>]*>)?:/g;

function driverCall(text: string): { account: string | undefined; ip: string | undefined } | undefined {
  // 1.x writes the auth process's own `auth(default):` before the passdb call: a call that names
  // a client address is preferred to one that does not.
  let withoutAddress: { account: string | undefined; ip: string | undefined } | undefined;
  for (const m of text.matchAll(DRIVER_CALL)) {
    const args = m[1]!.split(',');
    let at = -1;
    let ip: string | undefined;
    for (let i = args.length - 1; i >= 1 && at === -1; i--) if ((ip = normalizeIp(args[i]!.trim())) !== undefined) at = i;
    const name = at === -1 ? args[0] : args.slice(0, at).join(',');
    // `pid=4700,uid=109` and the like are no user: a call must name one or an address.
    if (at === -1 && (name === undefined || name.includes('='))) continue;
    if (at !== -1) return { account: normalizeAccount(name), ip };
    if (name !== 'default') withoutAddress ??= { account: normalizeAccount(name), ip: undefined };
  }
  return withoutAddress;
}
