/**
 * access.mass-download: IMAP/POP3 bytes sent to a client in the window far above the account's
 * own baseline, per session (Dovecot logout `out=` / POP3 `retr=`) and per day. The client IP
 * comes from the login line through the session id.
 */
import type { MailEvent } from '../event.js';
import type { Finding } from '../finding.js';
import { defineDetector } from './detector.js';
import { IdColumn } from '../aggregate/growable-column.js';
import { MarkColumns } from '../aggregate/mark-columns.js';
import { PairTable } from '../aggregate/pair-table.js';
import { AccountRecords, PARTITIONS, f64Index, type RecordPartition } from '../aggregate/account-spill.js';
import { Interner } from '../aggregate/interner.js';
import { largestDayTotals, type DayRecordReader } from '../aggregate/day-totals.js';

const DAY = 86_400_000;
/** A baseline session's record (words): bytes out (0-1), account id, day. */
const BASELINE = { bytes: 0, account: 2, day: 3, words: 4 } as const;
/** A window session's record (words): time (0-1), bytes out (2-3), account id, IP id or -1, file id, line. */
const WINDOW = { time: 0, bytes: 2, account: 4, ip: 5, file: 6, line: 7, words: 8 } as const;
const BASELINE_DAY: DayRecordReader = {
  account: (part, r) => part.i32[r * BASELINE.words + BASELINE.account]!,
  day: (part, r) => part.i32[r * BASELINE.words + BASELINE.day]!,
  amount: (part, r) => part.f64[f64Index(r, BASELINE.words, BASELINE.bytes)]!,
};

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
    // Per account: columns by the scan's account id. Per session: a record in an AccountRecords
    // store (16 bytes in the baseline, 32 in the window), in memory or on disk past the scan's
    // spill budget, replayed one account partition at a time at the end into per-day cells: the
    // day totals cannot be judged before every file is read, and files come in any order.
    const accounts = ctx.identities.accounts;
    const ips = ctx.identities.ips;
    const files = new Interner();
    const baselineMaxSession = new IdColumn((n) => new Float64Array(n));
    const hasBaseline = new IdColumn((n) => new Uint8Array(n));
    const baseline = new AccountRecords(ctx.spill, 'mass-download-baseline', BASELINE.words);
    const window = new AccountRecords(ctx.spill, 'mass-download-window', WINDOW.words);
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
          baseline.f64[f64Index(0, BASELINE.words, BASELINE.bytes)] = e.bytesOut;
          baseline.i32[BASELINE.account] = id;
          baseline.i32[BASELINE.day] = day;
          baseline.append(id);
          baselineMaxSession.set(id, Math.max(baselineMaxSession.get(id), e.bytesOut));
          hasBaseline.set(id, 1);
        } else {
          window.f64[f64Index(0, WINDOW.words, WINDOW.time)] = e.ts;
          window.f64[f64Index(0, WINDOW.words, WINDOW.bytes)] = e.bytesOut;
          window.i32[WINDOW.account] = id;
          window.i32[WINDOW.ip] = e.ip === undefined ? -1 : ips.intern(e.ip);
          window.i32[WINDOW.file] = files.id(e.source.file);
          window.i32[WINDOW.line] = e.source.line;
          window.append(id);
          if (e.bytesOut > o.minBytes) {
            let list = sessions.get(id);
            if (!list) sessions.set(id, (list = []));
            list.push(e);
          }
        }
      },
      finish() {
        const out: Finding[] = [];
        for (let p = 0; p < PARTITIONS; p++) {
          const sessionsOf = window.partition(p);
          if (sessionsOf) judgePartition(baseline.partition(p), sessionsOf, out);
        }
        return out;
      },
    };

    /** One partition's accounts: their baseline's largest day, then each window day against it. */
    function judgePartition(base: RecordPartition | undefined, win: RecordPartition, out: Finding[]): void {
      const baselineMaxDay = largestDayTotals(base, BASELINE_DAY);
      const windowDays = new PairTable();
      const windowBytes = new IdColumn((n) => new Float64Array(n));
      /** Each window day's first session: its time, client and line. */
      const windowFirst = new MarkColumns(ips, files);
      for (let r = 0; r < win.count; r++) {
        const at = r * WINDOW.words;
        const ts = win.f64[f64Index(r, WINDOW.words, WINDOW.time)]!;
        const id = win.i32[at + WINDOW.account]!;
        const cell = windowDays.index(id, Math.floor(ts / DAY));
        windowBytes.add(cell, win.f64[f64Index(r, WINDOW.words, WINDOW.bytes)]!);
        windowFirst.offer(cell, ts, win.i32[at + WINDOW.ip]!, win.i32[at + WINDOW.file]!, win.i32[at + WINDOW.line]! >>> 0);
      }
      const order = windowDays.sorted();
      for (let k = 0; k < order.length; ) {
        const id = windowDays.first(order[k]!);
        let end = k;
        while (end < order.length && windowDays.first(order[end]!) === id) end++;
        const account = accounts.value(id);
        const hasBase = hasBaseline.get(id) === 1;
        const maxSession = baselineMaxSession.get(id);
        const maxDay = baselineMaxDay.get(id) ?? 0;
        const sessionLimit = hasBase ? Math.max(o.minBytes, o.factor * maxSession) : o.noBaselineBytes;
        const dayLimit = hasBase ? Math.max(o.minBytes, o.factor * maxDay) : o.noBaselineBytes;
        // Made at the first flagged session: a Set for every account was 108 MiB of garbage at 1M accounts.
        let flaggedDays: Set<number> | undefined;
        for (const e of sessions.get(id) ?? []) {
          if (e.bytesOut! <= sessionLimit) continue;
          (flaggedDays ??= new Set()).add(Math.floor(e.ts / DAY));
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
          if (bytes <= dayLimit || flaggedDays?.has(day)) continue;
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
    }
  },
});
