/**
 * Which failure events count as authentication attempts. Dovecot logs one failed attempt twice:
 * in the login process (`imap-login: ... (auth failed, N attempts)`, which carries the count)
 * and in the auth process (`auth: passwd-file(user,ip): unknown user`); only the first counts.
 */
import type { MailEvent } from '../event.js';

export function countsAsAttempt(e: MailEvent): boolean {
  return e.kind === 'auth.failure' && e.app !== 'dovecot/auth';
}
