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
    const file = this.file.get(cell);
    if (file !== 0) {
      const ts = this.ts.get(cell);
      if (e.ts > ts) return;
      if (e.ts === ts && (cmp(e.source.file, this.files.get(file - 1)) || e.source.line - this.line.get(cell)) >= 0) return;
    }
    this.ts.set(cell, e.ts);
    this.ip.set(cell, e.ip === undefined ? 0 : this.ips.intern(e.ip) + 1);
    this.file.set(cell, this.files.id(e.source.file) + 1);
    this.line.set(cell, e.source.line);
  }

  get(cell: number): Mark {
    const ip = this.ip.get(cell);
    return { ts: this.ts.get(cell), ip: ip === 0 ? undefined : this.ips.value(ip - 1), source: { file: this.files.get(this.file.get(cell) - 1), line: this.line.get(cell) } };
  }
}
