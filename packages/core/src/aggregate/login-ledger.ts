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
 * address that logged into many accounts before the window, whose logins follow a webmail login
 * POST far more often than an ordinary address's do by chance, and that does not post to the
 * login form itself. An address first seen in the window is never learned, so an attacker who
 * logs into many accounts does not become "the webmail".
 *
 * Logins are kept as 32-byte records in an AccountRecords store (the tie needs each login's
 * time): in memory for a small scan, on disk by account partition past the scan's spill budget,
 * so memory does not grow with days of log. Readers get one account's logins at a time. The tie
 * reads logins in time order instead: the POSTs (16 bytes) and the logins that have an address
 * (24 bytes) are kept a second time by hour, and the proxied logins' clients are written by
 * account when the ledger is resolved.
 */
import type { EventSource, MailEvent, Phase, Protocol } from '../event.js';
import { isLoopback, type NetList } from '../enrich/nets.js';
import { Interner } from './interner.js';
import type { Identities, KeyTable } from './identities.js';
import { IdColumn, uint32Column } from './growable-column.js';
import { AccountRecords, PARTITIONS, f64Index, type RecordPartition, type SpillArea } from './account-spill.js';
import { siteOf } from './length-histogram.js';
import { PairTable } from './pair-table.js';

export type TieConfidence = 'exact' | 'ambiguous' | 'none';

/** What the ledger needs of the scan (a DetectionContext has it all): stated here, so state does not import detection. */
export interface LedgerContext {
  /** The scan's accounts and IPs, numbered. */
  identities: Identities;
  /** Where logins go past the memory budget. */
  spill: SpillArea;
  /** Webmail servers given by the user (`--webmail-hosts`); more are learned. */
  webmailHosts: NetList;
  /** Request paths of the webmail login form. */
  isLoginPath(path: string): boolean;
}

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
/** A row's phase code for the baseline. */
const BASELINE = PHASES.indexOf('baseline');
const PROTOCOLS: readonly (Protocol | undefined)[] = [undefined, 'smtp', 'imap', 'pop3', 'submission', 'managesieve', 'lmtp', 'http', 'mail'];

export class LoginLedger {
  // Every login is kept (the tie needs each one's time), so its keys are added past the table's cap.
  private readonly accounts: KeyTable;
  private readonly ips: KeyTable;
  private readonly files = new Interner();
  private readonly ipSeen = new IdColumn((n) => new Uint8Array(n));
  private readonly ledgerIps = uint32Column();
  /** One record per successful login (layout ROW). */
  private readonly rows: AccountRecords;
  /** Logins that have an address, again, by hour: time, account, IP, phase, number. The tie reads them in time order. */
  private readonly times: AccountRecords;
  /** Login POSTs by hour: time, IP. */
  private readonly posts: AccountRecords;
  private resolved?: Resolved;
  /** Access-log sites (the folder of the log) of the login POSTs, numbered. */
  private readonly sites = new Interner();
  /** Login POSTs each address made in the baseline: a webmail server never posts to its own login form. */
  private readonly baselinePosts = new IdColumn((n) => new Uint32Array(n));

  constructor(
    private readonly ctx: LedgerContext,
    private readonly options: LedgerOptions = DEFAULT_LEDGER_OPTIONS,
  ) {
    this.accounts = ctx.identities.accounts;
    this.ips = ctx.identities.ips;
    this.rows = new AccountRecords(ctx.spill, 'logins', ROW.words);
    this.times = new AccountRecords(ctx.spill, 'login-times', HOURLY.words);
    this.posts = new AccountRecords(ctx.spill, 'login-posts', POST.words);
  }

  observe(e: MailEvent): void {
    if (e.kind === 'auth.success' && e.account !== undefined) {
      const r = this.rows;
      const account = this.accounts.intern(e.account);
      const ip = e.ip === undefined ? -1 : this.ipId(e.ip);
      const phase = PHASES.indexOf(e.phase);
      const number = r.size;
      r.f64[f64Index(0, ROW.words, ROW.time)] = e.ts;
      r.i32[ROW.account] = account;
      r.i32[ROW.ip] = ip;
      r.i32[ROW.line] = e.source.line;
      r.i32[ROW.packed] = (this.files.id(e.source.file) << FILE_SHIFT) | (phase << PHASE_SHIFT) | Math.max(0, PROTOCOLS.indexOf(e.protocol));
      r.i32[ROW.number] = number;
      r.append(account);
      if (ip >= 0) {
        const t = this.times;
        t.f64[f64Index(0, HOURLY.words, HOURLY.time)] = e.ts;
        t.i32[HOURLY.account] = account;
        t.i32[HOURLY.ip] = ip;
        t.i32[HOURLY.phase] = phase;
        t.i32[HOURLY.number] = number;
        t.append(hourOf(e.ts));
      }
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
      const ip = this.ipId(e.ip);
      this.posts.f64[f64Index(0, POST.words, POST.time)] = e.ts;
      this.posts.i32[POST.ip] = ip;
      this.posts.i32[POST.site] = this.sites.id(siteOf(e.source.file));
      this.posts.append(hourOf(e.ts));
      if (e.phase === 'baseline') this.baselinePosts.add(ip, 1);
      this.resolved = undefined;
    }
  }

  get size(): number {
    return this.rows.size;
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

  /** The scan's table of addresses, which numbers every login's. */
  get ipTable(): KeyTable {
    return this.ips;
  }

  /** Webmail hosts: given, loopback, and learned from the baseline. */
  webmailHosts(): Set<string> {
    return this.resolve().hosts;
  }

  /**
   * Logins per account, in time order, with the webmail tie applied: one account's list at a
   * time, made when it is reached, one partition of the records in memory at a time. A Map of
   * every login as an object was the largest thing a scan held at its end (~150 bytes a login,
   * millions of logins). Accounts come partition by partition, not sorted: findings are.
   */
  *byAccount(): Generator<[string, Login[]]> {
    const v = this.resolve();
    for (let p = 0; p < PARTITIONS; p++) {
      const part = this.rows.partition(p);
      if (!part) continue;
      const ties = tiesOf(v.ties.partition(p));
      const { order, starts } = this.groupByAccount(part);
      for (let a = 0; a + 1 < starts.length; a++) {
        if (starts[a + 1] === starts[a]) continue;
        const id = a * PARTITIONS + p;
        yield [this.accounts.value(id), this.logins(v, ties, part, order, starts[a]!, starts[a + 1]!)];
      }
    }
  }

  /** One account's logins, as `byAccount` gives them; empty for an account that never logged in. Reads its whole partition. */
  loginsOf(account: string): Login[] {
    const v = this.resolve();
    const id = this.accounts.find(account);
    const part = id < 0 ? undefined : this.rows.partition(id & (PARTITIONS - 1));
    if (!part) return [];
    const rows: number[] = [];
    for (let i = 0; i < part.count; i++) if (part.i32[i * ROW.words + ROW.account] === id) rows.push(i);
    const order = Int32Array.from(rows).sort(this.byTime(part));
    return this.logins(v, tiesOf(v.ties.partition(id & (PARTITIONS - 1))), part, order, 0, order.length);
  }

  /**
   * Each distinct (account, client address) pair of the baseline's logins once, as ids, the
   * client as `byAccount`'s logins have it: read from the records, without making the logins
   * (a pass of them all only to count these made a second copy of every login as objects).
   */
  eachBaselineSource(use: (account: number, ip: number) => void): void {
    const v = this.resolve();
    for (let p = 0; p < PARTITIONS; p++) {
      const part = this.rows.partition(p);
      if (!part) continue;
      const ties = tiesOf(v.ties.partition(p));
      const pairs = new PairTable();
      const { i32 } = part;
      for (let r = 0; r < part.count; r++) {
        const at = r * ROW.words;
        if (((i32[at + ROW.packed]! >> PHASE_SHIFT) & PHASE_MASK) !== BASELINE) continue;
        const client = this.clientOf(v, ties, i32, at);
        if (client < 0) continue;
        const before = pairs.size;
        const account = i32[at + ROW.account]!;
        pairs.index(account, client);
        if (pairs.size > before) use(account, client);
      }
    }
  }

  /** A row's client address id (-1 for none): its own address, or the webmail client through the tie. */
  private clientOf(v: Resolved, ties: Map<number, number>, i32: Int32Array, at: number): number {
    const ip = i32[at + ROW.ip]!;
    return ip < 0 || !v.hostIds.has(ip) ? ip : tiedClient(ties.get(i32[at + ROW.number]!)!);
  }

  /** Row numbers grouped by account (a counting sort on the ids' partition-local numbers), each group in time order. */
  private groupByAccount(part: RecordPartition): { order: Int32Array; starts: Int32Array } {
    const n = part.count;
    const local = (i: number): number => part.i32[i * ROW.words + ROW.account]! >>> PARTITION_BITS;
    let max = -1;
    for (let i = 0; i < n; i++) max = Math.max(max, local(i));
    const starts = new Int32Array(max + 2);
    for (let i = 0; i < n; i++) starts[local(i) + 1]!++;
    for (let a = 0; a <= max; a++) starts[a + 1]! += starts[a]!;
    const order = new Int32Array(n);
    const next = starts.slice(0, max + 1);
    for (let i = 0; i < n; i++) order[next[local(i)]!++] = i;
    const byTime = this.byTime(part);
    for (let a = 0; a <= max; a++) if (starts[a + 1]! - starts[a]! > 1) order.subarray(starts[a]!, starts[a + 1]!).sort(byTime);
    return { order, starts };
  }

  /** Time, then file name and line: an order that does not depend on which file was read first. */
  private byTime(part: RecordPartition): (a: number, b: number) => number {
    const { f64, i32 } = part;
    const word = (r: number, field: number): number => i32[r * ROW.words + field]!;
    return (a, b) =>
      f64[f64Index(a, ROW.words, ROW.time)]! - f64[f64Index(b, ROW.words, ROW.time)]! ||
      compare(this.files.get(word(a, ROW.packed) >>> FILE_SHIFT), this.files.get(word(b, ROW.packed) >>> FILE_SHIFT)) ||
      (word(a, ROW.line) >>> 0) - (word(b, ROW.line) >>> 0);
  }

  /**
   * Rows `rows[start]` … `rows[end - 1]` as logins, each with its client: its own address, or
   * the webmail client through the tie. A range, not a view: a view per account cost more than
   * its logins' array.
   */
  private logins(v: Resolved, ties: Map<number, number>, part: RecordPartition, rows: Int32Array, start: number, end: number): Login[] {
    const { f64, i32 } = part;
    const out: Login[] = [];
    for (let k = start; k < end; k++) {
      const i = rows[k]!;
      const at = i * ROW.words;
      const ts = f64[f64Index(i, ROW.words, ROW.time)]!;
      const packed = i32[at + ROW.packed]!;
      const ip = i32[at + ROW.ip]!;
      const login: Login = {
        ts,
        account: this.accounts.value(i32[at + ROW.account]!),
        via: 'direct',
        phase: PHASES[(packed >> PHASE_SHIFT) & PHASE_MASK]!,
        source: { file: this.files.get(packed >>> FILE_SHIFT), line: i32[at + ROW.line]! >>> 0 },
      };
      const protocol = PROTOCOLS[packed & PROTOCOL_MASK];
      if (protocol) login.protocol = protocol;
      let client = ip;
      if (ip >= 0 && v.hostIds.has(ip)) {
        const t = ties.get(i32[at + ROW.number]!)!;
        login.via = 'webmail';
        login.webmailHost = this.ips.value(ip);
        login.tie = TIES[t & 3]!;
        client = tiedClient(t);
      }
      if (client >= 0) login.ip = this.ips.value(client);
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
    // Learn webmail hosts from the baseline: per address, its logins, how many were tied, and its
    // distinct accounts up to learnMinAccounts. Typed columns by IP id, and a set only for an
    // address a second account used: a Map and a Set for every address of the baseline were a
    // third of this pass at 190,000 addresses.
    const learn = this.options.learnMinAccounts;
    const total = new IdColumn((n) => new Uint32Array(n));
    const tied = new IdColumn((n) => new Uint32Array(n));
    /** Distinct accounts seen, up to `learn`; the first one's id + 1; the rest for shared addresses. */
    const distinct = new IdColumn((n) => new Uint32Array(n));
    const firstAccount = new IdColumn((n) => new Int32Array(n));
    const sharedAccounts = new Map<number, Set<number>>();
    const baselineIps: number[] = [];
    this.eachTie((l) => l.phase === 0, ({ account, ip }, tie) => {
      if (total.get(ip) === 0) baselineIps.push(ip);
      total.add(ip, 1);
      if (tie.tie !== TIE_NONE) tied.add(ip, 1);
      const seen = distinct.get(ip);
      if (seen >= learn) return;
      if (seen === 0) {
        firstAccount.set(ip, account + 1);
        distinct.set(ip, 1);
      } else if (seen === 1) {
        const first = firstAccount.get(ip) - 1;
        if (first === account) return;
        sharedAccounts.set(ip, new Set([first, account]));
        distinct.set(ip, 2);
      } else {
        const set = sharedAccounts.get(ip)!;
        set.add(account);
        distinct.set(ip, set.size);
      }
    });
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
    // How often an ordinary address's logins follow some login POST by chance: with thousands of
    // webmail users a POST lands within seconds of almost any login, so "mostly tied" alone made
    // office NATs into webmail hosts at scale. A host must be tied at least halfway from chance to
    // always, and must not post to the login form itself (an office NAT or CGNAT gateway does:
    // its users browse the webmail through it).
    let chanceTied = 0;
    let chanceTotal = 0;
    for (const ipId of baselineIps) {
      if (distinct.get(ipId) >= learn) continue;
      chanceTied += tied.get(ipId);
      chanceTotal += total.get(ipId);
    }
    const chance = chanceTotal === 0 ? 0 : chanceTied / chanceTotal;
    const needed = Math.max(0.5, chance + (1 - chance) / 2);
    // Only addresses with enough accounts can be hosts; sorted by address, since the order they
    // were learned in would follow the partitions.
    const candidates = baselineIps.filter((ipId) => distinct.get(ipId) >= learn).map((ipId) => ({ ipId, ip: this.ips.value(ipId) }));
    for (const { ipId, ip } of candidates.sort((a, b) => compare(a.ip, b.ip))) {
      const postsItself = this.baselinePosts.get(ipId) >= MAX_HOST_POSTS;
      if (!exclude.has(ip) && !postsItself && tied.get(ipId) >= needed * total.get(ipId)) {
        hosts.add(ip);
        hostIds.add(ipId);
      }
    }
    // Each host's own access-log sites: those that fed at least a tenth of its exact baseline
    // ties. A POST to webmail02 does not cause a login from webmail01's address, and with
    // thousands of users a POST to some webmail lands within seconds of almost every login.
    // Learned in a pass of the hosts' own baseline logins: counting sites for every address that
    // got an exact tie by chance would keep a map per address of a quiet archive.
    const tiedSites = new Map<number, Map<number, number>>();
    this.eachTie((l) => l.phase === 0 && hostIds.has(l.ip), ({ ip }, tie) => {
      if (tie.tie !== TIE_EXACT) return;
      let m = tiedSites.get(ip);
      if (!m) tiedSites.set(ip, (m = new Map()));
      m.set(tie.site, (m.get(tie.site) ?? 0) + 1);
    });
    const hostSites = new Map<number, Set<number>>();
    for (const id of hostIds) {
      const m = tiedSites.get(id);
      if (!m) continue;
      const total = [...m.values()].reduce((a, b) => a + b, 0);
      hostSites.set(id, new Set([...m].filter(([, n]) => n * 10 >= total).map(([site]) => site)));
    }
    // The client of every login through a webmail host, by account like the logins themselves.
    const ties = new AccountRecords(this.ctx.spill, 'login-ties', TIE.words);
    this.eachTie((l) => hostIds.has(l.ip), ({ account, number }, tie) => {
      ties.i32[TIE.number] = number;
      ties.i32[TIE.client] = (tie.ip + 1) * 4 + tie.tie;
      ties.append(account);
    }, (ip) => hostSites.get(ip));
    this.resolved = { hosts, hostIds, ties };
    return this.resolved;
  }

  /**
   * These hours' POSTs in time order, then by address (ids follow arrival order, which
   * concurrency changes), then as read. Columns, not an object per POST: the objects lived for
   * a whole partition of logins, so V8 kept them as old garbage, three times per POST and pass.
   */
  private sortedPosts(hours: readonly RecordPartition[], n: number): SortedPosts {
    const ts = new Float64Array(n);
    const ip = new Int32Array(n);
    const site = new Int32Array(n);
    let at = 0;
    for (const hour of hours) {
      for (let r = 0; r < hour.count; r++, at++) {
        ts[at] = hour.f64[f64Index(r, POST.words, POST.time)]!;
        ip[at] = hour.i32[r * POST.words + POST.ip]!;
        site[at] = hour.i32[r * POST.words + POST.site]!;
      }
    }
    // Logged times are whole seconds, so many POSTs tie on time: each address is written out
    // once, when a tie first needs it, not at every comparison.
    const texts: Array<string | undefined> = new Array<string | undefined>(n);
    const text = (i: number): string => (texts[i] ??= this.ips.value(ip[i]!));
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => ts[a]! - ts[b]! || compare(text(a), text(b)) || a - b);
    const sorted: SortedPosts = { ts: new Float64Array(n), ip: new Int32Array(n), site: new Int32Array(n) };
    for (let i = 0; i < n; i++) {
      const from = order[i]!;
      sorted.ts[i] = ts[from]!;
      sorted.ip[i] = ip[from]!;
      sorted.site[i] = site[from]!;
    }
    return sorted;
  }

  /**
   * The tie of each login that `wanted` picks: logins and login POSTs are read hour partition by
   * hour partition, each partition's logins against the POSTs of its own and the neighbouring
   * partitions (sorted by time, then address: ids follow arrival order, which concurrency changes).
   */
  private eachTie(
    wanted: (login: Readonly<HourlyLogin>) => boolean,
    use: (login: Readonly<HourlyLogin>, tie: Tie) => void,
    sitesOf: (ip: number) => ReadonlySet<number> | undefined = () => undefined,
  ): void {
    const tieMs = this.options.tieSeconds * 1000;
    const back = Math.ceil(tieMs / HOUR);
    for (let p = 0; p < PARTITIONS; p++) {
      const logins = this.times.partition(p);
      if (!logins) continue;
      // The hours from `back` before this partition's to the one after it (a POST may follow its login by 2 s).
      const hours: RecordPartition[] = [];
      let n = 0;
      for (let k = 0; k < Math.min(PARTITIONS, back + 2); k++) {
        const hour = this.posts.partition((p - back + k) & (PARTITIONS - 1));
        if (hour) {
          hours.push(hour);
          n += hour.count;
        }
      }
      const posts = this.sortedPosts(hours, n);
      const { f64, i32 } = logins;
      // One object for every row: the callbacks read it and keep nothing.
      const login: HourlyLogin = { account: 0, ip: 0, phase: 0, number: 0 };
      for (let r = 0; r < logins.count; r++) {
        const at = r * HOURLY.words;
        login.account = i32[at + HOURLY.account]!;
        login.ip = i32[at + HOURLY.ip]!;
        login.phase = i32[at + HOURLY.phase]!;
        login.number = i32[at + HOURLY.number]!;
        if (!wanted(login)) continue;
        use(login, posts.ts.length === 0 ? NO_TIE : tieAt(posts, f64[f64Index(r, HOURLY.words, HOURLY.time)]!, tieMs, sitesOf(login.ip)));
      }
    }
  }
}

/** Login POSTs sorted by time, as parallel columns. */
interface SortedPosts {
  ts: Float64Array;
  ip: Int32Array;
  site: Int32Array;
}

/** A tie: the client's IP id (or -1), the tie's code in TIES, and the site of the POST (or -1). */
interface Tie {
  ip: number;
  tie: number;
  site: number;
}

/** The client of a proxied login at `ts` among sorted POSTs to the given sites (any site when none are given). */
function tieAt(posts: SortedPosts, ts: number, tieMs: number, sites: ReadonlySet<number> | undefined): Tie {
  const postTs = posts.ts;
  let lo = 0;
  let hi = postTs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (postTs[mid]! < ts - tieMs) lo = mid + 1;
    else hi = mid;
  }
  // The first client, and whether another came: all a tie asks of the clients (a Set per login was its garbage).
  let client = -1;
  let several = false;
  let nearest = -1;
  let nearestSite = -1;
  let nearestGap = Infinity;
  for (let k = lo; k < postTs.length && postTs[k]! <= ts + 2000; k++) {
    if (sites && !sites.has(posts.site[k]!)) continue;
    if (client < 0) client = posts.ip[k]!;
    else if (posts.ip[k] !== client) several = true;
    const gap = Math.abs(ts - postTs[k]!) + (postTs[k]! > ts ? 0.5 : 0);
    if (gap < nearestGap) {
      nearestGap = gap;
      nearest = posts.ip[k]!;
      nearestSite = posts.site[k]!;
    }
  }
  if (client < 0) return NO_TIE;
  return { ip: nearest, tie: several ? TIE_AMBIGUOUS : TIE_EXACT, site: nearestSite };
}

/** The client id in a packed tie, -1 for none: resolve packs client id + 1 (0 for none) times 4, plus the tie's code. */
const tiedClient = (packed: number): number => Math.floor(packed / 4) - 1;

/** A partition of the ties as login number → packed client and tie. */
function tiesOf(part: RecordPartition | undefined): Map<number, number> {
  const out = new Map<number, number>();
  for (let r = 0; r < (part?.count ?? 0); r++) out.set(part!.i32[r * TIE.words + TIE.number]!, part!.i32[r * TIE.words + TIE.client]!);
  return out;
}

const HOUR = 3_600_000;
/** Baseline login POSTs from an address that make it a client, never a webmail host (a monitor's probe or two is allowed). */
const MAX_HOST_POSTS = 3;
const hourOf = (ts: number): number => Math.floor(ts / HOUR);

const TIE_EXACT = 1;
const TIE_AMBIGUOUS = 2;
const TIE_NONE = 3;
const TIES: readonly (TieConfidence | undefined)[] = [undefined, 'exact', 'ambiguous', 'none'];
const NO_TIE: Tie = { ip: -1, tie: TIE_NONE, site: -1 };

/** The ledger once resolved: webmail hosts, and the client of each login through one. */
interface Resolved {
  hosts: Set<string>;
  hostIds: Set<number>;
  /** Per login through a webmail host, by account: its number, and (client id + 1) * 4 + tie code. */
  ties: AccountRecords;
}

/** A login record (words): time (0-1), account, IP id or -1, line, packed file/phase/protocol, number; one spare. */
const ROW = { time: 0, account: 2, ip: 3, line: 4, packed: 5, number: 6, words: 8 } as const;
/** ROW.packed: file id << FILE_SHIFT | phase << PHASE_SHIFT | protocol. */
const FILE_SHIFT = 6;
const PHASE_SHIFT = 4;
const PHASE_MASK = 3;
const PROTOCOL_MASK = 15;
/** A login by hour (words): time (0-1), account, IP id, phase, number. */
const HOURLY = { time: 0, account: 2, ip: 3, phase: 4, number: 5, words: 6 } as const;
/** A login POST (words): time (0-1), client IP id, access-log site id. */
const POST = { time: 0, ip: 2, site: 3, words: 4 } as const;
/** A proxied login's tie (words): the login's number, then (client IP id + 1) * 4 + the tie's code. */
const TIE = { number: 0, client: 1, words: 2 } as const;

/** A login of the hourly store, as the tie's passes see it (ids; phase as its index in PHASES). */
interface HourlyLogin {
  account: number;
  ip: number;
  phase: number;
  number: number;
}
const PARTITION_BITS = Math.log2(PARTITIONS);

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
