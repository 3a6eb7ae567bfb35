import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors.js';
import { Warehouse } from './connection.js';

describe('Warehouse options', () => {
  it('refuses a bad URL without printing its password', async () => {
    for (const url of ['http://bob:s3cret@host:99999', 'ftp://bob:s3cret@host']) {
      const error = await Warehouse.open({ urls: [url] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as Error).message).toContain('bob:***@');
      expect((error as Error).message).not.toContain('s3cret');
    }
  });

  it('takes database and cluster names only as plain identifiers (they are written into SQL)', async () => {
    for (const bad of [{ database: 'mxray; DROP TABLE x' }, { cluster: "mxray' OR 1" }, { database: '' }]) {
      await expect(Warehouse.open({ urls: ['http://127.0.0.1:8123'], ...bad })).rejects.toBeInstanceOf(InvalidOptionError);
    }
    await expect(Warehouse.open({ urls: [] })).rejects.toBeInstanceOf(InvalidOptionError);
    const w = await Warehouse.open({ urls: ['http://u:p@127.0.0.1:8123'], database: 'case_42' });
    expect(w.table('records_all')).toBe('case_42.records_all');
    expect(w.nodeName(0)).toBe('127.0.0.1:8123');
    await w.close();
  });
});
