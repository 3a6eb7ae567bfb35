/**
 * Every successful login of a scan, as compact columns, and the webmail tie.
 *
 * A webmail logs into IMAP on the user's behalf from its own address, so those IMAP logins carry
 * the webmail server's IP, not the client's; the webmail access log has the client's IP but not
 * the account (the login name travels in the POST body). We tie them by time: a login POST from
 * client C followed within seconds by an IMAP login from the webmail host to account A means A
 * was used from C. One candidate client in the interval is an `exact` tie; several are
 * `ambiguous` (the nearest earlier one is taken); none leaves the client unknown.
 *
 * Webmail hosts are the `--webmail-hosts`, loopback, and those learned from the baseline: an
 * address that logged into many accounts before the window and whose logins mostly follow a
 * webmail login POST. An address first seen in the window is never learned, so an attacker who
 * logs into many accounts does not become "the webmail".
 *
 * Logins are kept as rows (26 bytes each, in typed columns) because the tie needs each login's time; the
 * per-account state that detectors build from them is bounded.
 */
import type { EventSource, MailEvent, Phase, Protocol } from '../event.js';
import type { DetectionContext } from '../detect/context.js';
import { isLoopback } from '../detect/nets.js';
import { Interner } from './interner.js';
import type { KeyTable } from './identities.js';
import { float64Column, IdColumn, int32Column, uint32Column, uint8Column } from './growable-column.js';

export type TieConfidence = 'exact' | 'ambiguous' | 'none';

export interface Login {
  ts: number;
  account: string;
  /** The client address: the login's own, or the webmail client's through the tie. */
  ip?: string;
  via: 'direct' | 'webmail';
  /** The webmail server's address, for proxied logins. */
  webmailHost?: string;
  tie?: TieConfidence;
  phase: Phase;
  protocol?: Protocol;
  source: EventSource;
}

export interface LedgerOptions {
  /** Seconds between a webmail login POST and the IMAP login it causes. */
  tieSeconds: number;
  /** Distinct baseline accounts before an address can be learned as a webmail host. */
  learnMinAccounts: number;
}

export const DEFAULT_LEDGER_OPTIONS: LedgerOptions = { tieSeconds: 10, learnMinAccounts: 10 };

const PHASES: readonly Phase[] = ['baseline', 'window', 'after'];
const PROTOCOLS: readonly (Protocol | undefined)[] = [undefined, 'smtp', 'imap', 'pop3', 'submission', 'managesieve', 'lmtp', 'http', 'mail'];

export class LoginLedger {
  // Every login is kept (the tie needs each one's time), so its keys are added past the table's cap.
  private readonly accounts: KeyTable;
  private readonly ips: KeyTable;
  private readonly files = new Interner();
  private readonly ipSeen = new IdColumn((n) => new Uint8Array(n));
  private readonly ledgerIps = uint32Column();
  /** One row per successful login: 26 bytes. */
  private readonly rows = { ts: float64Column(), account: uint32Column(), ip: int32Column(), phase: uint8Column(), file: uint32Column(), line: uint32Column(), proto: uint8Column() };
  private readonly posts = { ts: float64Column(), ip: int32Column() };
  private resolved?: Resolved;

  constructor(
    private readonly ctx: DetectionContext,
    private readonly options: LedgerOptions = DEFAULT_LEDGER_OPTIONS,
  ) {
    this.accounts = ctx.identities.accounts;
    this.ips = ctx.identities.ips;
  }

  observe(e: MailEvent): void {
    if (e.kind === 'auth.success' && e.account !== undefined) {
      const r = this.rows;
      r.ts.push(e.ts);
      r.account.push(this.accounts.intern(e.account));
      r.ip.push(e.ip === undefined ? -1 : this.ipId(e.ip));
      r.phase.push(PHASES.indexOf(e.phase));
      r.file.push(this.files.id(e.source.file));
      r.line.push(e.source.line);
      r.proto.push(Math.max(0, PROTOCOLS.indexOf(e.protocol)));
      this.resolved = undefined;
    } else if (
      e.kind === 'http.request' &&
      e.method === 'POST' &&
      e.ip !== undefined &&
      e.path !== undefined &&
      e.status !== undefined &&
      e.status >= 200 &&
      e.status < 400 &&
      this.ctx.isLoginPath(e.path)
    ) {
      this.posts.ts.push(e.ts);
      this.posts.ip.push(this.ipId(e.ip));
      this.resolved = undefined;
    }
  }

  get size(): number {
    return this.rows.ts.length;
  }

  /** The address's id, and the ledger's own list of the addresses it has seen (the scan's table has every address). */
  private ipId(ip: string): number {
    const id = this.ips.intern(ip);
    if (this.ipSeen.get(id) === 0) {
      this.ipSeen.set(id, 1);
      this.ledgerIps.push(id);
    }
    return id;
  }

  /** Webmail hosts: given, loopback, and learned from the baseline. */
  webmailHosts(): Set<string> {
    return this.resolve().hosts;
  }

  /**
   * Logins per account, in time order, with the webmail tie applied: one account's list at a
   * time, made when it is reached. A Map of every login as an object was the largest thing a scan
   * held at its end (~150 bytes a login, millions of logins).
   */
  *byAccount(): Generator<[string, Login[]]> {
    const v = this.resolve();
    for (let k = 0; k < v.accountIds.length; k++) {
      const id = v.accountIds[k]!;
      yield [this.accounts.value(id), this.loginsOfId(v, id)];
    }
  }

  /** One account's logins, as `byAccount` gives them; empty for an account that never logged in. */
  loginsOf(account: string): Login[] {
    const v = this.resolve();
    const id = this.accounts.find(account);
    return id < 0 ? [] : this.loginsOfId(v, id);
  }

  private loginsOfId(v: Resolved, id: number): Login[] {
    if (id + 1 >= v.starts.length) return [];
    const c = this.rows;
    const ts = c.ts.view();
    const phase = c.phase.view();
    const file = c.file.view();
    const line = c.line.view();
    const proto = c.proto.view();
    const rawIp = c.ip.view();
    const account = this.accounts.value(id);
    const out: Login[] = [];
    for (let k = v.starts[id]!; k < v.starts[id + 1]!; k++) {
      const i = v.order[k]!;
      const login: Login = { ts: ts[i]!, account, via: 'direct', phase: PHASES[phase[i]!]!, source: { file: this.files.get(file[i]!), line: line[i]! } };
      const protocol = PROTOCOLS[proto[i]!];
      if (protocol) login.protocol = protocol;
      if (v.via[i] === 1) {
        login.via = 'webmail';
        login.webmailHost = this.ips.value(rawIp[i]!);
        login.tie = TIES[v.tie[i]!]!;
      }
      if (v.client[i]! >= 0) login.ip = this.ips.value(v.client[i]!);
      out.push(login);
    }
    return out;
  }

  /**
   * Learns webmail hosts and ties proxied logins. `exclude` (addresses already flagged as
   * hostile) can never be learned as a webmail host. Later calls return the same result until
   * more events are observed.
   */
  resolve(exclude: ReadonlySet<string> = new Set()): Resolved {
    if (this.resolved) return this.resolved;
    const c = this.rows;
    const r = { ts: c.ts.view(), account: c.account.view(), ip: c.ip.view(), phase: c.phase.view(), file: c.file.view(), line: c.line.view() };
    const n = r.ts.length;
    // Login POSTs sorted by time, for the tie. Ties by address, not id: ids follow arrival order,
    // which concurrency changes.
    const posts = { ts: this.posts.ts.view(), ip: this.posts.ip.view() };
    const postOrder = Array.from({ length: posts.ts.length }, (_, i) => i).sort(
      (a, b) => posts.ts[a]! - posts.ts[b]! || compare(this.ips.value(posts.ip[a]!), this.ips.value(posts.ip[b]!)),
    );
    const postTs = postOrder.map((i) => posts.ts[i]!);
    const postIp = postOrder.map((i) => posts.ip[i]!);
    const tieMs = this.options.tieSeconds * 1000;

    /** The client of a proxied login at `ts`: its IP id (or -1) and the tie's code in TIES. */
    const tie = (ts: number): { ip: number; tie: number } => {
      let lo = 0;
      let hi = postTs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (postTs[mid]! < ts - tieMs) lo = mid + 1;
        else hi = mid;
      }
      const clients = new Set<number>();
      let nearest = -1;
      let nearestGap = Infinity;
      for (let k = lo; k < postTs.length && postTs[k]! <= ts + 2000; k++) {
        clients.add(postIp[k]!);
        const gap = Math.abs(ts - postTs[k]!) + (postTs[k]! > ts ? 0.5 : 0);
        if (gap < nearestGap) {
          nearestGap = gap;
          nearest = postIp[k]!;
        }
      }
      if (clients.size === 0) return { ip: -1, tie: TIE_NONE };
      return { ip: nearest, tie: clients.size === 1 ? TIE_EXACT : TIE_AMBIGUOUS };
    };

    // Learn webmail hosts from the baseline.
    const baselineAccounts = new Map<number, Set<number>>();
    const baselineTied = new Map<number, { tied: number; total: number }>();
    for (let i = 0; i < n; i++) {
      if (r.phase[i] !== 0 || r.ip[i]! < 0) continue;
      const ip = r.ip[i]!;
      let set = baselineAccounts.get(ip);
      if (!set) baselineAccounts.set(ip, (set = new Set()));
      if (set.size < this.options.learnMinAccounts) set.add(r.account[i]!);
      let t = baselineTied.get(ip);
      if (!t) baselineTied.set(ip, (t = { tied: 0, total: 0 }));
      t.total++;
      if (postTs.length > 0 && tie(r.ts[i]!).tie !== TIE_NONE) t.tied++;
    }
    const hosts = new Set<string>();
    const hostIds = new Set<number>();
    for (const ipId of this.ledgerIps.view()) {
      const ip = this.ips.value(ipId);
      if (exclude.has(ip)) continue;
      if (isLoopback(ip) || this.ctx.webmailHosts.has(ip)) {
        hosts.add(ip);
        hostIds.add(ipId);
      }
    }
    for (const [ipId, accounts] of baselineAccounts) {
      const ip = this.ips.value(ipId);
      const t = baselineTied.get(ipId)!;
      if (!exclude.has(ip) && accounts.size >= this.options.learnMinAccounts && t.tied * 2 >= t.total) {
        hosts.add(ip);
        hostIds.add(ipId);
      }
    }

    // Per login: its client (own address, or the webmail client through the tie).
    const client = new Int32Array(n);
    const via = new Uint8Array(n);
    const tied = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const ip = r.ip[i]!;
      if (ip >= 0 && hostIds.has(ip)) {
        const t = tie(r.ts[i]!);
        via[i] = 1;
        tied[i] = t.tie;
        client[i] = t.ip;
      } else client[i] = ip;
    }

    // Rows grouped by account (a counting sort on the dense ids), each account's in time order
    // and then by file and line.
    let maxId = -1;
    for (let i = 0; i < n; i++) if (r.account[i]! > maxId) maxId = r.account[i]!;
    const starts = new Int32Array(maxId + 2);
    for (let i = 0; i < n; i++) starts[r.account[i]! + 1]!++;
    for (let a = 0; a <= maxId; a++) starts[a + 1]! += starts[a]!;
    const order = new Int32Array(n);
    const next = starts.slice(0, maxId + 1);
    for (let i = 0; i < n; i++) order[next[r.account[i]!]!++] = i;
    const accountIds: number[] = [];
    const byTime = (a: number, b: number): number =>
      r.ts[a]! - r.ts[b]! || compare(this.files.get(r.file[a]!), this.files.get(r.file[b]!)) || r.line[a]! - r.line[b]!;
    for (let a = 0; a <= maxId; a++) {
      const from = starts[a]!;
      const to = starts[a + 1]!;
      if (to === from) continue;
      accountIds.push(a);
      if (to - from > 1) order.subarray(from, to).sort(byTime);
    }
    this.resolved = { hosts, order, starts, accountIds, client, via, tie: tied };
    return this.resolved;
  }
}

const TIE_EXACT = 1;
const TIE_AMBIGUOUS = 2;
const TIE_NONE = 3;
const TIES: readonly (TieConfidence | undefined)[] = [undefined, 'exact', 'ambiguous', 'none'];

/** The ledger once resolved: webmail hosts, and per login row its client and tie. */
interface Resolved {
  hosts: Set<string>;
  /** Row numbers grouped by account id, each group in time order. */
  order: Int32Array;
  /** Account id a's rows are order[starts[a]] … order[starts[a + 1] - 1]. */
  starts: Int32Array;
  /** Ids of the accounts with logins, ascending. */
  accountIds: number[];
  /** Client IP id per row, -1 for none. */
  client: Int32Array;
  /** 1 for a login through a webmail host. */
  via: Uint8Array;
  /** Code in TIES per row. */
  tie: Uint8Array;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
