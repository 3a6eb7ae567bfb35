/**
 * MTAs log one message over several lines that share a queue id (Postfix, Sendmail, Exim): the
 * line that names the account and client comes first, the sender and recipients later. This
 * table carries what the first line said to the later ones, within one file (a message that
 * spans a rotation keeps its `queueId` on every event, so later stages can still join it).
 */

export interface QueuedMessage {
  account?: string;
  ip?: string;
  messageId?: string;
  submitted?: boolean;
}

/**
 * Entries are dropped when the MTA says the message is gone; the bound only matters for a file
 * whose last lines are missing (cut by rotation), so that it cannot grow the table without limit.
 */
const MAX_OPEN_MESSAGES = 200_000;

export class QueuedMessages {
  private readonly byId = new Map<string, QueuedMessage>();

  /** The message's entry, created when new (the oldest entry goes when the table is full). */
  remember(id: string): QueuedMessage {
    let m = this.byId.get(id);
    if (!m) {
      if (this.byId.size >= MAX_OPEN_MESSAGES) {
        const oldest = this.byId.keys().next().value;
        if (oldest !== undefined) this.byId.delete(oldest);
      }
      m = {};
      this.byId.set(id, m);
    }
    return m;
  }

  get(id: string): QueuedMessage | undefined {
    return this.byId.get(id);
  }

  forget(id: string): void {
    this.byId.delete(id);
  }
}
