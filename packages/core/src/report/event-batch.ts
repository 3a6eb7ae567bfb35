/**
 * A batch of events in its compact form: the events as columns in one JSON text, their line
 * numbers beside them. It is how a worker thread sends a batch, and how checkpoints and the
 * activity spool store it: serialized once, by the engine's own JSON, instead of every event in
 * the output's key order, which only the events that reach an output file pay.
 *
 * The columns: `m`, one number per event whose bit k says that field k (FIELD order) is set;
 * `c`, per field the values of the events that set it, in event order; `d`, per field either
 * null or the batch's distinct values of that field, its column then holding indexes into them
 * (for the fields that take few values: kinds, programs, phases, hosts). Against the events as an
 * array of sparse objects (benchmarks/bench.mjs): JSON less than half the size, parsing and
 * rebuilding the events on the receiving side 3.4 times faster (no object per event
 * to parse and copy again), building the JSON 2.1 times faster (benchmarks/RESULTS.md, tenth
 * session).
 */
import { codecOf, compressMember, memberCodec, type MemberCodec } from './member-codec.js';
import type { MailEvent } from '../event.js';
import { eventToJson } from './json-order.js';
import { NO_KEY, type EventKeys, type Identities } from '../aggregate/identities.js';

export interface CompactBatch {
  /** The batch's events as columns (`compactJson`). */
  json: string;
  lines: Float64Array;
}

/** A compressed member (see member-codec.ts) in a file: `length` bytes at `offset` of `path`. */
export interface StoredMember {
  path: string;
  offset: number;
  length: number;
}

/** Forms of a batch a worker thread already made, handed to the batch that carries them. */
export interface MadeForms {
  compact?: CompactBatch;
  /** The events' output lines (events.jsonl). */
  lines?: string[];
  /** `line()` and a newline as one compressed member. */
  member?: Uint8Array;
  /** The events' account and address ids in `identities` (the scan's tables), where they were pooled there. */
  keys?: { identities: Identities; keys: EventKeys };
}

/**
 * One file's batch of events, and the forms its writers make of it: the compact form (threads,
 * checkpoints, the activity spool), the output lines (events.jsonl), the compressed member
 * (checkpoints). Each is made once, or adopted from the worker that made it, and the batch itself
 * travels from writer to writer, so that what one writer did (a checkpoint that stored the
 * member) is there for the next (the spool points at it instead of keeping a copy).
 */
export class EventBatch {
  private compactForm: CompactBatch | undefined;
  private madeOutputLines: string[] | undefined;
  private compressedMember: Uint8Array | undefined;
  private eventKeys: { identities: Identities; keys: EventKeys } | undefined;
  /** Where a checkpoint wrote this batch's compressed member, once it has. */
  stored: StoredMember | undefined;

  constructor(
    readonly file: string,
    readonly events: readonly MailEvent[],
    made: MadeForms = {},
  ) {
    this.compactForm = made.compact;
    this.madeOutputLines = made.lines;
    this.compressedMember = made.member;
    this.eventKeys = made.keys;
  }

  /**
   * The events' account and address ids in `identities`, the scan's tables: as they were pooled
   * there, or looked up once now for every consumer that asks (again for other tables).
   */
  keys(identities: Identities): EventKeys {
    if (this.eventKeys?.identities !== identities) this.eventKeys = { identities, keys: identities.keysOf(this.events) };
    return this.eventKeys.keys;
  }

  /** The compact form: the events as columns in JSON, line numbers beside them. */
  compact(): CompactBatch {
    if (this.compactForm === undefined) {
      const lines = new Float64Array(this.events.length);
      for (let i = 0; i < lines.length; i++) lines[i] = this.events[i]!.source.line;
      this.compactForm = { json: compactJson(this.events), lines };
    }
    return this.compactForm;
  }

  /** Each event's events.jsonl line. */
  outputLines(): string[] {
    this.madeOutputLines ??= this.events.map(eventToJson);
    return this.madeOutputLines;
  }

  /** One line of a spool or checkpoint: `{"f":file,"l":[line numbers],"e":{columns}}`. */
  line(): string {
    return this.lineParts().join('');
  }

  /** `line()` in pieces, the batch's JSON one of them, so that it is not copied into a joined string. */
  private lineParts(): string[] {
    const b = this.compact();
    return [`{"f":${JSON.stringify(this.file)},"l":${JSON.stringify(Array.from(b.lines))},"e":`, b.json, '}'];
  }

  /** `line()` and a newline as one compressed member (member-codec.ts): what checkpoints store. */
  member(codec: MemberCodec = memberCodec()): Uint8Array {
    if (this.compressedMember === undefined || codecOf(this.compressedMember) !== codec) this.compressedMember = compressMember([...this.lineParts(), '\n'], codec);
    return this.compressedMember;
  }
}

/** Field k of an event is bit k of its mask. Never reorder: stored checkpoints depend on it (FORMAT in scan/checkpoints.ts). */
const FIELD = {
  ts: 0,
  phase: 1,
  host: 2,
  app: 3,
  kind: 4,
  protocol: 5,
  account: 6,
  ip: 7,
  localIp: 8,
  method: 9,
  path: 10,
  status: 11,
  bytesIn: 12,
  bytesOut: 13,
  userAgent: 14,
  referer: 15,
  forwardedFor: 16,
  queueId: 17,
  session: 18,
  attempts: 19,
  detail: 20,
  from: 21,
  to: 22,
  messageId: 23,
  receivedIps: 24,
  authResults: 25,
  truncated: 26,
  length: 27,
} as const satisfies Record<Exclude<keyof MailEvent, 'source'>, number>;
const FIELD_COUNT = 28;

/**
 * Fields whose column holds indexes into the batch's distinct values: those with few values.
 * Accounts, addresses, queue ids and senders repeat too little within a batch for it (about
 * 1,000 distinct accounts in 1,400 events): coding them made the JSON 4.5 % smaller and its
 * building 18 % slower, on the worker, which is the slower side.
 */
const DICTIONARY = (1 << FIELD.phase) | (1 << FIELD.host) | (1 << FIELD.app) | (1 << FIELD.kind) | (1 << FIELD.protocol) | (1 << FIELD.localIp) | (1 << FIELD.method) | (1 << FIELD.detail);

/**
 * The distinct values of one dictionary field in a batch, in order of first use. Kinds, hosts and
 * phases come in runs (a file's lines), so the last answer is kept before the Map is asked.
 */
class Dictionary {
  readonly values: unknown[] = [];
  private readonly indexes = new Map<unknown, number>();
  private last: unknown = undefined;
  private lastIndex = -1;

  index(value: unknown): number {
    if (value === this.last) return this.lastIndex;
    let index = this.indexes.get(value);
    if (index === undefined) {
      index = this.values.length;
      this.values.push(value);
      this.indexes.set(value, index);
    }
    this.last = value;
    this.lastIndex = index;
    return index;
  }
}

/**
 * The events as columns (see the top of this file). One test per field, by name, in one function
 * for every event, each field's column and dictionary a local: a loop over field names read with
 * `event[key]` is a keyed load per field, and a generic `put(k, value)` per field (the eighth
 * session's writer) built the columns 1.3–1.5 times slower (benchmarks/RESULTS.md). The
 * fields in DICTIONARY go through a `Dictionary`; the order of the tests is FIELD's.
 */
export function compactJson(events: readonly MailEvent[]): string {
  const n = events.length;
  const masks = new Array<number>(n);
  const ts: unknown[] = [];
  const phase = new Dictionary();
  const phases: number[] = [];
  const host = new Dictionary();
  const hosts: number[] = [];
  const app = new Dictionary();
  const apps: number[] = [];
  const kind = new Dictionary();
  const kinds: number[] = [];
  const protocol = new Dictionary();
  const protocols: number[] = [];
  const account: unknown[] = [];
  const ip: unknown[] = [];
  const localIp = new Dictionary();
  const localIps: number[] = [];
  const method = new Dictionary();
  const methods: number[] = [];
  const path: unknown[] = [];
  const status: unknown[] = [];
  const bytesIn: unknown[] = [];
  const bytesOut: unknown[] = [];
  const userAgent: unknown[] = [];
  const referer: unknown[] = [];
  const forwardedFor: unknown[] = [];
  const queueId: unknown[] = [];
  const session: unknown[] = [];
  const attempts: unknown[] = [];
  const detail = new Dictionary();
  const details: number[] = [];
  const from: unknown[] = [];
  const to: unknown[] = [];
  const messageId: unknown[] = [];
  const receivedIps: unknown[] = [];
  const authResults: unknown[] = [];
  const truncated: unknown[] = [];
  const length: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    let m = 0;
    if (e.ts !== undefined) {
      m |= 1 << FIELD.ts;
      ts.push(e.ts);
    }
    if (e.phase !== undefined) {
      m |= 1 << FIELD.phase;
      phases.push(phase.index(e.phase));
    }
    if (e.host !== undefined) {
      m |= 1 << FIELD.host;
      hosts.push(host.index(e.host));
    }
    if (e.app !== undefined) {
      m |= 1 << FIELD.app;
      apps.push(app.index(e.app));
    }
    if (e.kind !== undefined) {
      m |= 1 << FIELD.kind;
      kinds.push(kind.index(e.kind));
    }
    if (e.protocol !== undefined) {
      m |= 1 << FIELD.protocol;
      protocols.push(protocol.index(e.protocol));
    }
    if (e.account !== undefined) {
      m |= 1 << FIELD.account;
      account.push(e.account);
    }
    if (e.ip !== undefined) {
      m |= 1 << FIELD.ip;
      ip.push(e.ip);
    }
    if (e.localIp !== undefined) {
      m |= 1 << FIELD.localIp;
      localIps.push(localIp.index(e.localIp));
    }
    if (e.method !== undefined) {
      m |= 1 << FIELD.method;
      methods.push(method.index(e.method));
    }
    if (e.path !== undefined) {
      m |= 1 << FIELD.path;
      path.push(e.path);
    }
    if (e.status !== undefined) {
      m |= 1 << FIELD.status;
      status.push(e.status);
    }
    if (e.bytesIn !== undefined) {
      m |= 1 << FIELD.bytesIn;
      bytesIn.push(e.bytesIn);
    }
    if (e.bytesOut !== undefined) {
      m |= 1 << FIELD.bytesOut;
      bytesOut.push(e.bytesOut);
    }
    if (e.userAgent !== undefined) {
      m |= 1 << FIELD.userAgent;
      userAgent.push(e.userAgent);
    }
    if (e.referer !== undefined) {
      m |= 1 << FIELD.referer;
      referer.push(e.referer);
    }
    if (e.forwardedFor !== undefined) {
      m |= 1 << FIELD.forwardedFor;
      forwardedFor.push(e.forwardedFor);
    }
    if (e.queueId !== undefined) {
      m |= 1 << FIELD.queueId;
      queueId.push(e.queueId);
    }
    if (e.session !== undefined) {
      m |= 1 << FIELD.session;
      session.push(e.session);
    }
    if (e.attempts !== undefined) {
      m |= 1 << FIELD.attempts;
      attempts.push(e.attempts);
    }
    if (e.detail !== undefined) {
      m |= 1 << FIELD.detail;
      details.push(detail.index(e.detail));
    }
    if (e.from !== undefined) {
      m |= 1 << FIELD.from;
      from.push(e.from);
    }
    if (e.to !== undefined) {
      m |= 1 << FIELD.to;
      to.push(e.to);
    }
    if (e.messageId !== undefined) {
      m |= 1 << FIELD.messageId;
      messageId.push(e.messageId);
    }
    if (e.receivedIps !== undefined) {
      m |= 1 << FIELD.receivedIps;
      receivedIps.push(e.receivedIps);
    }
    if (e.authResults !== undefined) {
      m |= 1 << FIELD.authResults;
      authResults.push(e.authResults);
    }
    if (e.truncated !== undefined) {
      m |= 1 << FIELD.truncated;
      truncated.push(e.truncated);
    }
    if (e.length !== undefined) {
      m |= 1 << FIELD.length;
      length.push(e.length);
    }
    masks[i] = m;
  }
  // In FIELD order; `d` holds a dictionary's values exactly for the fields in DICTIONARY.
  const c = [ts, phases, hosts, apps, kinds, protocols, account, ip, localIps, methods, path, status, bytesIn, bytesOut, userAgent, referer, forwardedFor, queueId, session, attempts, details, from, to, messageId, receivedIps, authResults, truncated, length];
  const d = [null, phase.values, host.values, app.values, kind.values, protocol.values, null, null, localIp.values, method.values, null, null, null, null, null, null, null, null, null, null, detail.values, null, null, null, null, null, null, null];
  return JSON.stringify({ m: masks, c, d });
}

interface Columns {
  m: number[];
  c: unknown[][];
  d: Array<unknown[] | null>;
}

/** Whether `x` is a batch's columns as `compactJson` writes them (a file's may be damaged). */
function isColumns(x: unknown): x is Columns {
  if (typeof x !== 'object' || x === null) return false;
  const { m, c, d } = x as Partial<Columns>;
  return (
    Array.isArray(m) &&
    Array.isArray(c) &&
    Array.isArray(d) &&
    c.length === FIELD_COUNT &&
    d.length === FIELD_COUNT &&
    c.every(Array.isArray) &&
    d.every((v, k) => (((DICTIONARY >>> k) & 1) === 0 ? v === null : Array.isArray(v)))
  );
}

/** Reads the columns back, event by event: `mask` is the current event's. */
class ColumnReader {
  mask = 0;
  private readonly at = new Int32Array(FIELD_COUNT);

  constructor(private readonly columns: Columns) {}

  next(k: number): unknown {
    if (((this.mask >>> k) & 1) === 0) return undefined;
    const place = this.at[k]!;
    this.at[k] = place + 1;
    const value = this.columns.c[k]![place];
    const distinct = this.columns.d[k];
    if (distinct === null) return value;
    const known = distinct![value as number];
    if (known === undefined) throw new Error('not a batch of events');
    return known;
  }

  /** Whether every column was read to its end: a damaged batch is refused, never half read. */
  consumedAll(): boolean {
    for (let k = 0; k < FIELD_COUNT; k++) if (this.at[k] !== this.columns.c[k]!.length) return false;
    return true;
  }
}

/** The events of a batch's columns, in the layout `shapeEvent` gives every event (one hidden class). */
function eventsOfColumns(columns: Columns, lines: ArrayLike<number>, file: string): MailEvent[] {
  const { m } = columns;
  if (m.length !== lines.length) throw new Error('not a batch of events');
  const r = new ColumnReader(columns);
  const events = new Array<MailEvent>(m.length);
  for (let i = 0; i < m.length; i++) {
    const mask = m[i];
    if (typeof mask !== 'number' || mask >>> FIELD_COUNT !== 0) throw new Error('not a batch of events');
    r.mask = mask;
    const line = lines[i]!;
    events[i] = {
      ts: r.next(FIELD.ts) as number,
      phase: r.next(FIELD.phase) as MailEvent['phase'],
      source: { file, line },
      host: r.next(FIELD.host) as string | undefined,
      app: r.next(FIELD.app) as string,
      kind: r.next(FIELD.kind) as MailEvent['kind'],
      protocol: r.next(FIELD.protocol) as MailEvent['protocol'] | undefined,
      account: r.next(FIELD.account) as string | undefined,
      ip: r.next(FIELD.ip) as string | undefined,
      localIp: r.next(FIELD.localIp) as string | undefined,
      method: r.next(FIELD.method) as string | undefined,
      path: r.next(FIELD.path) as string | undefined,
      status: r.next(FIELD.status) as number | undefined,
      bytesIn: r.next(FIELD.bytesIn) as number | undefined,
      bytesOut: r.next(FIELD.bytesOut) as number | undefined,
      userAgent: r.next(FIELD.userAgent) as string | undefined,
      referer: r.next(FIELD.referer) as string | undefined,
      forwardedFor: r.next(FIELD.forwardedFor) as string[] | undefined,
      queueId: r.next(FIELD.queueId) as string | undefined,
      session: r.next(FIELD.session) as string | undefined,
      attempts: r.next(FIELD.attempts) as number | undefined,
      detail: r.next(FIELD.detail) as string | undefined,
      from: r.next(FIELD.from) as string | undefined,
      to: r.next(FIELD.to) as string[] | undefined,
      messageId: r.next(FIELD.messageId) as string | undefined,
      receivedIps: r.next(FIELD.receivedIps) as string[] | undefined,
      authResults: r.next(FIELD.authResults) as string | undefined,
      truncated: r.next(FIELD.truncated) as boolean | undefined,
      length: r.next(FIELD.length) as number,
    };
  }
  if (!r.consumedAll()) throw new Error('not a batch of events');
  return events;
}

/**
 * How the receiving thread numbers and keeps each account and address of a batch: the scan's
 * identity tables (`KeyTable.id`, `KeyTable.kept`).
 */
export interface KeyPool {
  /** The id of `value`, -1 where it gets none (a full table). */
  id(value: string): number;
  /** What the events hold for `value`, whose id is `id`: the table's own copy where it has one. */
  kept(id: number, value: string): string;
}

/** Events rebuilt from a compact batch of `file`. */
export function eventsFromCompact(json: string, lines: ArrayLike<number>, file: string): MailEvent[] {
  return eventsOfColumns(columnsOf(json), lines, file);
}

/**
 * Events rebuilt from a compact batch of `file`, each account and address handed to its pool in
 * event order (accounts first), the events holding what the pool keeps, and each event's ids
 * beside them (`NO_KEY` where it has no account or address).
 */
export function keyedEventsFromCompact(
  json: string,
  lines: ArrayLike<number>,
  file: string,
  pools: { account: KeyPool; ip: KeyPool },
): { events: MailEvent[]; keys: EventKeys } {
  const columns = columnsOf(json);
  const accounts = pooledColumn(columns, FIELD.account, pools.account);
  const ips = pooledColumn(columns, FIELD.ip, pools.ip);
  // Read first: it checks that every column holds one value per event that sets it.
  const events = eventsOfColumns(columns, lines, file);
  return { events, keys: { accounts: perEvent(columns.m, FIELD.account, accounts), ips: perEvent(columns.m, FIELD.ip, ips) } };
}

function columnsOf(json: string): Columns {
  const columns: unknown = JSON.parse(json);
  if (!isColumns(columns)) throw new Error('not a batch of events');
  return columns;
}

/** Field k's strings (a column of values, never a dictionary) through `pool`; their ids. */
function pooledColumn(columns: Columns, k: number, pool: KeyPool): Int32Array {
  const values = columns.c[k]!;
  const ids = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = String(values[i]);
    const id = pool.id(value);
    ids[i] = id;
    values[i] = pool.kept(id, value);
  }
  return ids;
}

/** A column's ids spread over the events: NO_KEY for an event that does not set field k. */
function perEvent(masks: readonly number[], k: number, ids: Int32Array): Int32Array {
  const out = new Int32Array(masks.length);
  let at = 0;
  for (let i = 0; i < masks.length; i++) out[i] = (masks[i]! >>> k) & 1 ? ids[at++]! : NO_KEY;
  return out;
}

/** The events of a batch's `line()`; throws on a line that is not one. */
export function eventsOfBatchLine(line: string): MailEvent[] {
  const b = JSON.parse(line) as { f?: unknown; l?: unknown; e?: unknown } | null;
  if (typeof b !== 'object' || b === null || typeof b.f !== 'string' || !Array.isArray(b.l) || !isColumns(b.e)) throw new Error('not a batch of events');
  return eventsOfColumns(b.e, b.l as number[], b.f);
}

/**
 * A batch's `line()` read for a few of its events: the activity spool reads back batches for a
 * handful of flagged entities among thousands, so it looks at the account, IP, phase and kind of
 * each event (straight from their columns) and makes events only of batches it keeps something
 * of (a third of its read-back went to events it then dropped).
 */
export class BatchLineView {
  readonly file: string;
  readonly lines: number[];
  private readonly columns: Columns;
  /** Per field read so far, each event's place in that field's column (-1: not set). */
  private readonly places: Array<Int32Array | undefined> = new Array(FIELD_COUNT).fill(undefined);
  private events: MailEvent[] | undefined;

  constructor(text: string) {
    let b: { f?: unknown; l?: unknown; e?: unknown };
    try {
      b = JSON.parse(text) as typeof b;
    } catch {
      throw new Error('not a batch of events');
    }
    if (typeof b !== 'object' || b === null || typeof b.f !== 'string' || !Array.isArray(b.l) || !isColumns(b.e) || b.e.m.length !== b.l.length) {
      throw new Error('not a batch of events');
    }
    this.file = b.f;
    this.lines = b.l as number[];
    this.columns = b.e;
  }

  get count(): number {
    return this.lines.length;
  }

  /** A string field of event `i` (`account`, `ip`, `phase`, `kind`…), undefined when it is not set. */
  stringField(i: number, key: 'account' | 'ip' | 'phase' | 'kind' | 'path' | 'host' | 'detail'): string | undefined {
    const k = FIELD[key];
    const place = (this.places[k] ??= placesOf(this.columns.m, k))[i]!;
    if (place < 0) return undefined;
    const value = this.columns.c[k]![place];
    const distinct = this.columns.d[k];
    return (distinct === null ? value : distinct![value as number]) as string;
  }

  /** Event `i`, as `eventsOfBatchLine` gives it (the batch's events are made on the first call). */
  event(i: number): MailEvent {
    this.events ??= eventsOfColumns(this.columns, this.lines, this.file);
    return this.events[i]!;
  }
}

/** Each event's place in field k's column, -1 where the event does not set it. */
function placesOf(masks: readonly number[], k: number): Int32Array {
  const out = new Int32Array(masks.length);
  let next = 0;
  for (let i = 0; i < masks.length; i++) out[i] = ((masks[i]! >>> k) & 1) === 0 ? -1 : next++;
  return out;
}
