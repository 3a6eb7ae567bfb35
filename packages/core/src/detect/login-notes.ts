/** Message fragments shared by the login rules. */
import type { Login } from '../aggregate/login-ledger.js';

export function webmailNote(l: Login): string {
  if (l.via !== 'webmail') return '';
  return l.tie === 'exact'
    ? ` (through the webmail at ${l.webmailHost}, tied to its login form post)`
    : ` (through the webmail at ${l.webmailHost}; the tie to the browser is ambiguous)`;
}
