/** A program that logs through syslog (Postfix, Dovecot, ...): one file each, listed in registry.ts. */
import type { Line } from '../ingest/line-splitter.js';
import type { FileContext } from './format.js';
import type { Envelope } from './syslog-envelope.js';

export interface SyslogProgram {
  readonly id: string;
  /** Whether a syslog program tag (`postfix/smtpd`, `dovecot`) belongs to this parser. */
  matches(program: string): boolean;
  /** A per-file handler: it keeps the state that ties one message's or session's lines. */
  create(ctx: FileContext): (env: Envelope, line: Line) => void;
}
