/** Per-account window counters for the accounts report: logins, failures, bytes out, mail sent. */
import type { MailEvent } from '../event.js';
import { KeyLimits } from './bounded-map.js';

export interface ActivityCounts {
  logins: number;
  failedAttempts: number;
  bytesOut: number;
  messagesSent: number;
}

export class AccountActivity {
  private readonly counts: Map<string, ActivityCounts>;

  constructor(limits: KeyLimits = new KeyLimits()) {
    // Accounts that only failed go first: a botnet's invented names.
    this.counts = limits.map('account activity', (c) => c.logins * 1000 + c.messagesSent * 1000 + c.failedAttempts);
  }

  observe(e: MailEvent): void {
    if (e.phase !== 'window' || e.account === undefined) return;
    let c = this.counts.get(e.account);
    const bump = (): ActivityCounts => {
      if (!c) this.counts.set(e.account!, (c = { logins: 0, failedAttempts: 0, bytesOut: 0, messagesSent: 0 }));
      return c;
    };
    if (e.kind === 'auth.success') bump().logins++;
    else if (e.kind === 'auth.failure' && e.app !== 'dovecot/auth') bump().failedAttempts += e.attempts ?? 1;
    else if (e.kind === 'session.end' && e.bytesOut !== undefined && e.protocol !== 'smtp') bump().bytesOut += e.bytesOut;
    else if (e.kind === 'mail.submit') bump().messagesSent++;
  }

  get(account: string): ActivityCounts {
    return this.counts.get(account) ?? { logins: 0, failedAttempts: 0, bytesOut: 0, messagesSent: 0 };
  }
}
