/**
 * Where something was first seen (time, client, line), per cell of a PairTable or per id, in
 * typed columns: 20 bytes a cell instead of a Mark object and its source object.
 */
import { cmp, type Mark } from '../finding.js';
import { IdColumn } from './growable-column.js';
import type { KeyTable } from './identities.js';
import type { Interner } from './interner.js';

export class MarkColumns {
  private readonly ts = new IdColumn((n) => new Float64Array(n));
  /** IP id + 1; 0 for none. */
  private readonly ip = new IdColumn((n) => new Int32Array(n));
  /** File id + 1; 0 while the cell has no mark. */
  private readonly file = new IdColumn((n) => new Uint32Array(n));
  private readonly line = new IdColumn((n) => new Uint32Array(n));

  /** IPs and files are numbered by their owners: the scan's table, the rule's interner of file names. */
  constructor(
    private readonly ips: KeyTable,
    private readonly files: Interner,
  ) {}

  /**
   * Keeps the mark (IP and file as ids, the IP -1 for none) if the cell has none or it came
   * first: by time, then file name and line.
   */
  offer(cell: number, ts: number, ip: number, file: number, line: number): void {
    const had = this.file.get(cell);
    if (had !== 0) {
      const t = this.ts.get(cell);
      if (ts > t || (ts === t && (cmp(this.files.get(file), this.files.get(had - 1)) || line - this.line.get(cell)) >= 0)) return;
    }
    this.ts.set(cell, ts);
    this.ip.set(cell, ip + 1);
    this.file.set(cell, file + 1);
    this.line.set(cell, line);
  }

  get(cell: number): Mark {
    const ip = this.ip.get(cell);
    return { ts: this.ts.get(cell), ip: ip === 0 ? undefined : this.ips.value(ip - 1), source: { file: this.files.get(this.file.get(cell) - 1), line: this.line.get(cell) } };
  }
}
