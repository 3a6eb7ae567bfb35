/**
 * access.mass-download: IMAP/POP3 bytes sent to a client in the window far above the account's
 * own baseline, per session (Dovecot logout `out=` / POP3 `retr=`) and per day. The client IP
 * comes from the login line through the session id.
 */
import type { MailEvent } from '../event.js';
import type { Finding } from './finding.js';
import { defineDetector } from './detector.js';
import { IdColumn } from '../aggregate/growable-column.js';
import { MarkColumns } from '../aggregate/mark-columns.js';
import { PairTable } from '../aggregate/pair-table.js';

const DAY = 86_400_000;

export const accessMassDownload = defineDetector({
  id: 'access.mass-download',
  title: 'Mailbox download far above the account baseline',
  severity: 'medium',
  description:
    'An IMAP or POP3 session, or a day of sessions, in the window whose bytes sent to the client exceed both a floor and factor times the largest session (or day) of the account baseline. Accounts with no baseline are judged against noBaselineBytes.',
  falsePositives: ['A new device or mail client syncing the whole mailbox; a user exporting mail before leaving.'],
  options: {
    minBytes: { default: 50_000_000, description: 'bytes a session (or day) must exceed before it can be a mass download' },
    factor: { default: 10, description: 'how many times the baseline maximum a session (or day) must exceed' },
    noBaselineBytes: { default: 200_000_000, description: 'threshold for accounts with no baseline sessions' },
  },
  kinds: ['session.end'],
  create(o, ctx) {
    // State is columns: per account (by the scan's account id) and per account and day (by the
    // index of the pair in a PairTable). An account-day costs ~24 bytes in the baseline and ~44 in
    // the window, where Maps and objects cost ~200.
    const accounts = ctx.identities.accounts;
    const baselineMaxSession = new IdColumn((n) => new Float64Array(n));
    const baselineMaxDay = new IdColumn((n) => new Float64Array(n));
    const hasBaseline = new IdColumn((n) => new Uint8Array(n));
    const baselineDays = new PairTable();
    const baselineBytes = new IdColumn((n) => new Float64Array(n));
    const windowDays = new PairTable();
    const windowBytes = new IdColumn((n) => new Float64Array(n));
    /** Each window day's first session: its time, client and line. */
    const windowFirst = new MarkColumns(ctx.identities.ips);
    /** Sessions above minBytes, per account id: few, and judged once the baseline is known. */
    const sessions = new Map<number, MailEvent[]>();
    return {
      observe(e) {
        if (e.account === undefined || e.bytesOut === undefined || (e.protocol !== 'imap' && e.protocol !== 'pop3')) return;
        if (e.phase !== 'baseline' && e.phase !== 'window') return;
        // A session's bytes are real activity of a real account: kept past the key cap.
        const id = accounts.intern(e.account);
        const day = Math.floor(e.ts / DAY);
        if (e.phase === 'baseline') {
          const cell = baselineDays.index(id, day);
          baselineBytes.add(cell, e.bytesOut);
          // Day totals only grow, so the largest running total is the largest day.
          baselineMaxDay.set(id, Math.max(baselineMaxDay.get(id), baselineBytes.get(cell)));
          baselineMaxSession.set(id, Math.max(baselineMaxSession.get(id), e.bytesOut));
          hasBaseline.set(id, 1);
        } else {
          const cell = windowDays.index(id, day);
          windowBytes.add(cell, e.bytesOut);
          windowFirst.offer(cell, e);
          if (e.bytesOut > o.minBytes) {
            let list = sessions.get(id);
            if (!list) sessions.set(id, (list = []));
            list.push(e);
          }
        }
      },
      finish() {
        const out: Finding[] = [];
        const order = windowDays.sorted();
        for (let k = 0; k < order.length; ) {
          const id = windowDays.first(order[k]!);
          let end = k;
          while (end < order.length && windowDays.first(order[end]!) === id) end++;
          const account = accounts.value(id);
          const hasBase = hasBaseline.get(id) === 1;
          const maxSession = baselineMaxSession.get(id);
          const maxDay = baselineMaxDay.get(id);
          const sessionLimit = hasBase ? Math.max(o.minBytes, o.factor * maxSession) : o.noBaselineBytes;
          const dayLimit = hasBase ? Math.max(o.minBytes, o.factor * maxDay) : o.noBaselineBytes;
          const flaggedDays = new Set<number>();
          for (const e of sessions.get(id) ?? []) {
            if (e.bytesOut! <= sessionLimit) continue;
            flaggedDays.add(Math.floor(e.ts / DAY));
            out.push({
              time: e.ts,
              rule: 'access.mass-download',
              severity: 'medium',
              account,
              ip: e.ip ?? null,
              source: e.source,
              message: `${account} downloaded ${e.bytesOut} bytes over ${e.protocol} in one session${e.ip ? ` to ${e.ip}` : ''} (limit ${sessionLimit})`,
              evidence: { bytesOut: e.bytesOut, limit: sessionLimit, baselineMaxSession: maxSession, hasBaseline: hasBase, session: e.session ?? null },
            });
          }
          for (; k < end; k++) {
            const cell = order[k]!;
            const day = windowDays.second(cell);
            const bytes = windowBytes.get(cell);
            if (bytes <= dayLimit || flaggedDays.has(day)) continue;
            const first = windowFirst.get(cell);
            out.push({
              time: first.ts,
              rule: 'access.mass-download',
              severity: 'medium',
              account,
              ip: first.ip ?? null,
              source: first.source,
              message: `${account} downloaded ${bytes} bytes on ${new Date(day * DAY).toISOString().slice(0, 10)} (UTC) (limit ${dayLimit})`,
              evidence: { bytesOutDay: bytes, limit: dayLimit, baselineMaxDay: maxDay, hasBaseline: hasBase },
            });
          }
        }
        return out;
      },
    };
  },
});
