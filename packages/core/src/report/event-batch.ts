/**
 * A batch of events in its compact form: the events as JSON with only the fields set and no
 * `source` (`SparseEvent`, made by `sparseJson`), their line numbers beside them. It is how a worker thread sends a
 * batch (JSON.stringify and JSON.parse cost ~260 ms per 100k events here where structured clone
 * cost ~400), and how checkpoints and the activity spool store it: a batch serialized once,
 * by the engine's own JSON, instead of every event in the output's key order (~575 ms per 100k),
 * which only the events that reach an output file now pay.
 */
import { codecOf, compressMember, memberCodec, type MemberCodec } from './member-codec.js';
import type { MailEvent } from '../event.js';
import { eventFromSparse, type SparseEvent } from '../parse/event-shape.js';
import { eventToJson } from './json-order.js';

export interface CompactBatch {
  /** `JSON.stringify` of the batch's sparse events. */
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
  }

  /** The compact form: sparse events as JSON, line numbers beside them. */
  compact(): CompactBatch {
    this.compactForm ??= { json: sparseJson(this.events), lines: Float64Array.from(this.events, (e) => e.source.line) };
    return this.compactForm;
  }

  /** Each event's events.jsonl line. */
  outputLines(): string[] {
    this.madeOutputLines ??= this.events.map(eventToJson);
    return this.madeOutputLines;
  }

  /** One line of a spool or checkpoint: `{"f":file,"l":[line numbers],"e":[sparse events]}`. */
  line(): string {
    const b = this.compact();
    return `{"f":${JSON.stringify(this.file)},"l":${JSON.stringify(Array.from(b.lines))},"e":${b.json}}`;
  }

  /** `line()` and a newline as one compressed member (member-codec.ts): what checkpoints store. */
  member(codec: MemberCodec = memberCodec()): Uint8Array {
    if (this.compressedMember === undefined || codecOf(this.compressedMember) !== codec) this.compressedMember = compressMember(`${this.line()}\n`, codec);
    return this.compressedMember;
  }
}

/**
 * The events as JSON with only their set fields and no `source` (`SparseEvent`), made without
 * copying each event (the test holds it to a copy per event): JSON leaves out
 * undefined values by itself, so only `source` has to go, and it is set aside for the call and
 * put back before anything else can run. The copies were a third of a worker's serializing
 * (200,000-account archive: 11.3 → 9.9 s for parsing plus serializing, three runs each).
 */
export function sparseJson(events: readonly MailEvent[]): string {
  const sources = events.map((e) => e.source);
  const writable = events as MailEvent[] as Array<{ source: MailEvent['source'] | undefined }>;
  try {
    for (const e of writable) e.source = undefined;
    return JSON.stringify(events);
  } finally {
    for (let i = 0; i < writable.length; i++) writable[i]!.source = sources[i]!;
  }
}

/** Events rebuilt from a compact batch of `file`. */
export function eventsFromCompact(json: string, lines: ArrayLike<number>, file: string): MailEvent[] {
  return rebuild(JSON.parse(json) as SparseEvent[], lines, file);
}

function rebuild(sparse: readonly SparseEvent[], lines: ArrayLike<number>, file: string): MailEvent[] {
  return sparse.map((s, i) => eventFromSparse(s, file, lines[i]!));
}

/** The events of a batch's `line()`; throws on a line that is not one. */
export function eventsOfBatchLine(line: string): MailEvent[] {
  const b = JSON.parse(line) as { f?: unknown; l?: unknown; e?: unknown };
  if (typeof b.f !== 'string' || !Array.isArray(b.l) || !Array.isArray(b.e) || b.l.length !== b.e.length) {
    throw new Error('not a batch of events');
  }
  return rebuild(b.e as SparseEvent[], b.l as number[], b.f);
}

/**
 * A batch's `line()` read lazily: where each event's JSON is, a few string fields of it read
 * without parsing it, and whole events parsed one at a time. The activity spool reads back
 * batches for a handful of flagged entities among thousands, so it looks at the account, IP,
 * phase and kind of each event and parses only the events it keeps (a third of its read-back
 * went to parsing events it then dropped).
 *
 * It leans on the line being this module's own JSON: every sparse event starts with `{"ts":`
 * (`ts` is the first key of the event shape and always set), a quote inside a string is always
 * escaped, and events hold no nested objects, so `},{"ts":` occurs only between two events and
 * `,"account":"` only before the account.
 */
export class BatchLineView {
  readonly file: string;
  readonly lines: number[];
  /** Where each event's JSON starts in `text` (its `{`), and where the last one ends. */
  private readonly starts: number[] = [];
  private readonly end: number;

  constructor(private readonly text: string) {
    const head = /^\{"f":("(?:[^"\\]|\\.)*"),"l":(\[[0-9,]*\]),"e":\[/.exec(text);
    if (!head) throw new Error('not a batch of events');
    this.file = JSON.parse(head[1]!) as string;
    this.lines = JSON.parse(head[2]!) as number[];
    this.end = text.lastIndexOf(']}');
    const first = head[0].length;
    if (this.end < first) throw new Error('not a batch of events');
    if (this.end > first) {
      this.starts.push(first);
      for (let at = text.indexOf('},{"ts":', first); at !== -1 && at < this.end; at = text.indexOf('},{"ts":', at + 8)) this.starts.push(at + 2);
    }
    if (this.starts.length !== this.lines.length) throw new Error('not a batch of events');
  }

  get count(): number {
    return this.starts.length;
  }

  /** Event `i`'s JSON (a slice of the line: no copy). */
  private json(i: number): string {
    const to = i + 1 < this.starts.length ? this.starts[i + 1]! - 1 : this.end;
    return this.text.slice(this.starts[i]!, to);
  }

  /** A string field of event `i` (`account`, `ip`, `phase`, `kind`…), undefined when it is not set. */
  stringField(i: number, key: string): string | undefined {
    // Searched in the event's own slice: in the whole line, a field the event lacks would be
    // looked for to the end of the batch, event after event.
    const json = this.json(i);
    const marker = `,"${key}":"`;
    const at = json.indexOf(marker);
    if (at === -1) return undefined;
    const start = at + marker.length;
    let escaped = false;
    let j = start;
    for (; j < json.length; j++) {
      const c = json.charCodeAt(j);
      if (c === 92 /* \ */) {
        escaped = true;
        j++;
      } else if (c === 34 /* " */) break;
    }
    return escaped ? (JSON.parse(json.slice(start - 1, j + 1)) as string) : json.slice(start, j);
  }

  /** Event `i`, parsed and shaped as `eventsOfBatchLine` gives it. */
  event(i: number): MailEvent {
    return eventFromSparse(JSON.parse(this.json(i)) as SparseEvent, this.file, this.lines[i]!);
  }
}

