/** Per-account window counters for the accounts report: logins, failures, bytes out, mail sent. */
import type { MailEvent } from '../event.js';
import { DEFAULT_MAX_KEYS, KeyLimits } from './bounded-map.js';
import { IdColumn } from './growable-column.js';
import { Identities } from './identities.js';

export interface ActivityCounts {
  logins: number;
  failedAttempts: number;
  bytesOut: number;
  messagesSent: number;
}

/** Four columns indexed by the scan's account id: 20 bytes an account instead of a Map entry and an object. */
export class AccountActivity {
  private readonly logins = new IdColumn((n) => new Uint32Array(n));
  private readonly failed = new IdColumn((n) => new Uint32Array(n));
  private readonly bytesOut = new IdColumn((n) => new Float64Array(n));
  private readonly sent = new IdColumn((n) => new Uint32Array(n));

  constructor(
    private readonly identities: Identities = new Identities(DEFAULT_MAX_KEYS),
    private readonly limits: KeyLimits = new KeyLimits(),
  ) {}

  observe(e: MailEvent): void {
    if (e.phase !== 'window' || e.account === undefined) return;
    const column =
      e.kind === 'auth.success' ? this.logins
      : e.kind === 'auth.failure' && e.app !== 'dovecot/auth' ? this.failed
      : e.kind === 'session.end' && e.bytesOut !== undefined && e.protocol !== 'smtp' ? this.bytesOut
      : e.kind === 'mail.submit' ? this.sent
      : undefined;
    if (!column) return;
    // A successful login is real activity (bounded by real accounts): it is kept past the key cap.
    const id = column === this.logins ? this.identities.accounts.intern(e.account) : this.identities.accounts.id(e.account);
    if (id < 0) {
      this.limits.count('account activity', 1);
      return;
    }
    column.add(id, column === this.failed ? (e.attempts ?? 1) : column === this.bytesOut ? e.bytesOut! : 1);
  }

  get(account: string): ActivityCounts {
    const id = this.identities.accounts.find(account);
    if (id < 0) return { logins: 0, failedAttempts: 0, bytesOut: 0, messagesSent: 0 };
    return { logins: this.logins.get(id), failedAttempts: this.failed.get(id), bytesOut: this.bytesOut.get(id), messagesSent: this.sent.get(id) };
  }
}
