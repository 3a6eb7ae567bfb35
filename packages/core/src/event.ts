/**
 * The normalized event: what every parser produces and every later stage consumes.
 * Field order here is the order written to events.jsonl.
 */

export type EventKind =
  | 'session.start'
  | 'auth.success'
  | 'auth.failure'
  | 'session.end'
  | 'mail.submit'
  | 'mail.deliver'
  | 'http.request'
  | 'http.error'
  | 'header';

export type Protocol = 'smtp' | 'imap' | 'pop3' | 'submission' | 'managesieve' | 'lmtp' | 'http' | 'mail';

/** Where the event was read: relative path under its scan root, and 1-based line number. */
export interface EventSource {
  file: string;
  line: number;
}

/** Which side of `--since`/`--until` the event falls on. */
export type Phase = 'baseline' | 'window' | 'after';

export interface MailEvent {
  /** Epoch milliseconds, UTC. */
  ts: number;
  phase: Phase;
  source: EventSource;
  host?: string;
  /** Program that wrote the line: `postfix/smtpd`, `dovecot`, `httpd`, `headers`. */
  app: string;
  kind: EventKind;
  protocol?: Protocol;
  /** Lower-cased account name. */
  account?: string;
  /** Normalized client IP (IPv6 compressed, IPv4-mapped unwrapped). */
  ip?: string;
  /** Local (server) IP, where the log has it. */
  localIp?: string;
  method?: string;
  /** Request target (path and query), as logged. */
  path?: string;
  /** HTTP status; 0 when the server logged none. */
  status?: number;
  bytesIn?: number;
  bytesOut?: number;
  userAgent?: string;
  referer?: string;
  /**
   * Access logs: the X-Forwarded-For chain as logged (normalized addresses, client side first)
   * when the log has one; `ip` is then the address the nearest proxy saw (see access-log.ts).
   */
  forwardedFor?: string[];
  queueId?: string;
  /** Ties lines of one connection: Dovecot `session=`, Postfix smtpd process. */
  session?: string;
  /** Authentication attempts this line stands for (Dovecot sums them per connection). */
  attempts?: number;
  /** Authentication mechanism or failure reason, short and redacted. */
  detail?: string;
  /** Mail addresses: sender for `mail.submit`, recipient for `mail.deliver`. */
  from?: string;
  to?: string[];
  messageId?: string;
  /** Header dumps: every IP in the Received chain, outermost first. */
  receivedIps?: string[];
  authResults?: string;
  /** True when the raw line was longer than the line cap and only a prefix was parsed. */
  truncated?: boolean;
  /** Byte length of the raw line (its true length, even when truncated). */
  length: number;
}

export const EVENT_KINDS: readonly EventKind[] = [
  'session.start',
  'auth.success',
  'auth.failure',
  'session.end',
  'mail.submit',
  'mail.deliver',
  'http.request',
  'header',
  'http.error',
];
