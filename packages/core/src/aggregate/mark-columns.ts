/**
 * Where something was first seen (time, client, line), per cell of a PairTable or per id, in
 * typed columns: 20 bytes a cell instead of a Mark object and its source object.
 */
import type { MailEvent } from '../event.js';
import { cmp, type Mark } from '../detect/finding.js';
import { IdColumn } from './growable-column.js';
import type { KeyTable } from './identities.js';
import { Interner } from './interner.js';

export class MarkColumns {
  private readonly ts = new IdColumn((n) => new Float64Array(n));
  /** IP id + 1; 0 for none. */
  private readonly ip = new IdColumn((n) => new Int32Array(n));
  /** File id + 1; 0 while the cell has no mark. */
  private readonly file = new IdColumn((n) => new Uint32Array(n));
  private readonly line = new IdColumn((n) => new Uint32Array(n));
  private readonly files = new Interner();

  constructor(private readonly ips: KeyTable) {}

  /** Keeps `e` as the cell's mark if the cell has none or `e` came first (time, then file and line). */
  offer(cell: number, e: MailEvent): void {
    if (this.earlier(cell, e.ts, e.source.file, e.source.line)) this.set(cell, e.ts, e.ip === undefined ? -1 : this.ips.intern(e.ip), e.source.file, e.source.line);
  }

  /** `offer` for a mark replayed from a record: the IP as its id in the table (-1 for none). */
  offerAt(cell: number, ts: number, ip: number, file: string, line: number): void {
    if (this.earlier(cell, ts, file, line)) this.set(cell, ts, ip, file, line);
  }

  private earlier(cell: number, ts: number, file: string, line: number): boolean {
    const had = this.file.get(cell);
    if (had === 0) return true;
    const t = this.ts.get(cell);
    return ts < t || (ts === t && (cmp(file, this.files.get(had - 1)) || line - this.line.get(cell)) < 0);
  }

  private set(cell: number, ts: number, ip: number, file: string, line: number): void {
    this.ts.set(cell, ts);
    this.ip.set(cell, ip + 1);
    this.file.set(cell, this.files.id(file) + 1);
    this.line.set(cell, line);
  }

  get(cell: number): Mark {
    const ip = this.ip.get(cell);
    return { ts: this.ts.get(cell), ip: ip === 0 ? undefined : this.ips.value(ip - 1), source: { file: this.files.get(this.file.get(cell) - 1), line: this.line.get(cell) } };
  }
}
