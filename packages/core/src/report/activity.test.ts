import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MailEvent } from '../event.js';
import { ActivitySpool, readActivity, selectActivity } from './activity.js';
import { EventBatch } from './event-batch.js';
import { eventToJson } from './json-order.js';
import { Identities } from '../aggregate/identities.js';

/** Runs `fn` in a new temporary directory, removed afterwards whatever happens. */
async function inTempDir(prefix: string, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const ev = (i: number, account: string, ip: string, phase: MailEvent['phase'] = 'window', kind: MailEvent['kind'] = 'auth.success'): MailEvent => ({
  ts: 1_722_643_200_000 + i * 1000,
  phase,
  source: { file: 'maillog', line: i + 1 },
  app: 'dovecot',
  kind,
  account,
  ip,
  length: 100,
});

describe('ActivitySpool', () => {
  it('keeps window activity of flagged entities only, in input order, capped per entity, and says how many it dropped', async () => {
    await inTempDir('mxray-activity-', async (dir) => {
      const spool = new ActivitySpool(dir);
      await spool.start();
      // File 1 finishes first; file 0 must still come first in the output.
      await spool.write(1, new EventBatch('maillog', [ev(10, 'bad@example.jp', '203.0.113.66'), ev(11, 'ok@example.jp', '198.51.100.1')]));
      await spool.fileDone(1);
      await spool.write(0, new EventBatch('maillog', [
        ev(0, 'bad@example.jp', '198.51.100.2', 'baseline'),
        ev(1, 'bad@example.jp', '198.51.100.2'),
        ev(2, 'bad@example.jp', '198.51.100.2', 'window', 'mail.deliver'),
        ev(3, 'ok@example.jp', '203.0.113.66'),
        ev(4, 'bad@example.jp', '198.51.100.3'),
      ]));
      await spool.fileDone(0);
      const { path: file, stats } = await spool.finish(2, { accounts: new Set(['bad@example.jp']), ips: new Set(['203.0.113.66']) }, 2);
      const lines = (await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as MailEvent);
      // bad@: lines 2 and 5 of file 0 (cap 2), so file 1's is kept for its IP only.
      expect(lines.map((e) => `${e.source.line}:${e.account}:${e.ip}`)).toEqual([
        '2:bad@example.jp:198.51.100.2',
        '4:ok@example.jp:203.0.113.66',
        '5:bad@example.jp:198.51.100.3',
        '11:bad@example.jp:203.0.113.66',
      ]);
      expect(stats).toEqual({ accounts: 1, ips: 1, events: 4, omitted: 0, perEntityCap: 2 });
      expect(await readdir(dir)).toEqual(['activity.jsonl']);
      const again = await readActivity(file, { accounts: new Set(['bad@example.jp']), ips: new Set() }, 1);
      expect(again.map((e) => e.source.line)).toEqual([2]);
    });
  });
});

describe('ActivitySpool on disk', () => {
  it('spools a batch compressed, in well under half the bytes of its JSON, and reads back every event of it', async () => {
    await inTempDir('mxray-activity-', async (dir) => {
      const spool = new ActivitySpool(dir);
      await spool.start();
      const batch = Array.from({ length: 5000 }, (_, i) => ev(i, `user${i % 700}@c${i % 9}.example.jp`, `198.51.100.${i % 250}`));
      await spool.write(0, new EventBatch('maillog', batch));
      await spool.fileDone(0);
      const parts = path.join(dir, '.activity-parts');
      const [part] = await readdir(parts);
      const spooled = (await stat(path.join(parts, part!))).size;
      // As plain JSON the spool took 1.4 times the decoded logs (a 100 GB archive, 140 GB of scratch).
      expect(spooled).toBeLessThan(new EventBatch('maillog', batch).line().length / 2);
      const everyone = { accounts: new Set(batch.map((e) => e.account!)), ips: new Set<string>() };
      const { path: file, stats } = await spool.finish(1, everyone, 10_000);
      expect(stats.events).toBe(batch.length);
      const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
      expect(lines).toEqual(batch.map((e) => eventToJson(e)));
    });
  });
});

describe('ActivitySpool and checkpoints', () => {
  it('spools a batch a checkpoint already holds as its place there, and reads it back from there', async () => {
    await inTempDir('mxray-activity-', async (dir) => {
      const batch = Array.from({ length: 300 }, (_, i) => ev(i, `user${i % 7}@example.jp`, `198.51.100.${i % 5}`));
      // A checkpoint-like events file: another member first, so the batch's offset is not 0.
      const before = new EventBatch('other', [ev(0, 'x@example.jp', '192.0.2.1')]).member();
      const held = new EventBatch('maillog', batch);
      const member = held.member();
      const store = path.join(dir, 'events.gz');
      await writeFile(store, Buffer.concat([before, member]));
      // What a checkpoint writer notes on the batch it stored, for the next writer to see.
      held.stored = { path: store, offset: before.byteLength, length: member.byteLength };
      const spool = new ActivitySpool(dir);
      await spool.start();
      await spool.write(0, held);
      await spool.fileDone(0);
      const parts = path.join(dir, '.activity-parts');
      const spooled = await readFile(path.join(parts, (await readdir(parts))[0]!), 'utf8');
      expect(spooled).toMatch(new RegExp(`\\t@0,${before.byteLength},${member.byteLength}\\n$`));
      expect(spooled.length).toBeLessThan(200);
      const { path: file, stats } = await spool.finish(1, { accounts: new Set(['user3@example.jp']), ips: new Set<string>() }, 10_000);
      const wanted = batch.filter((e) => e.account === 'user3@example.jp');
      expect(stats.events).toBe(wanted.length);
      expect((await readFile(file, 'utf8')).trimEnd().split('\n')).toEqual(wanted.map((e) => eventToJson(e)));
    });
  });
});

describe('selectActivity', () => {
  it('picks from events read for a wider set exactly what readActivity picks for a narrower one', async () => {
    await inTempDir('mxray-select-', async (dir) => {
      const spool = new ActivitySpool(dir);
      await spool.start();
      const batch = Array.from({ length: 40 }, (_, i) => ev(i, `a${i % 3}@example.jp`, `198.51.100.${i % 4}`));
      await spool.write(0, new EventBatch('maillog', batch));
      await spool.fileDone(0);
      const wide = { accounts: new Set(['a0@example.jp', 'a1@example.jp', 'a2@example.jp']), ips: new Set(['198.51.100.1', '198.51.100.3']) };
      const narrow = { accounts: new Set(['a1@example.jp']), ips: new Set(['198.51.100.3']) };
      const { path: file } = await spool.finish(1, wide, 100);
      const direct = await readActivity(file, narrow, 4);
      const selected = selectActivity(await readActivity(file, wide, 4), narrow, 4);
      expect(selected.map((e) => e.source.line)).toEqual(direct.map((e) => e.source.line));
      expect(direct.length).toBeGreaterThan(4);
    });
  });
});

describe('ActivitySpool batch skipping', () => {
  it('skips only batches without a flagged entity: the same activity.jsonl as reading every batch', async () => {
    await inTempDir('mxray-skip-', async (dir) => {
      // Batches of 7 events over 60 accounts and 25 addresses; some accounts never numbered (as past the key cap).
      const identities = new Identities(50);
      const batches = Array.from({ length: 30 }, (_, b) =>
        Array.from({ length: 7 }, (_, k) => {
          const i = b * 7 + k;
          const e = ev(i, `u${(i * 13) % 60}@example.jp`, `192.0.2.${(i * 7) % 25}`, i % 11 === 0 ? 'baseline' : 'window');
          e.account = identities.account(e.account!);
          e.ip = identities.ip(e.ip!);
          return e;
        }),
      );
      for (const [name, flagged] of [
        ['one account', { accounts: new Set(['u7@example.jp']), ips: new Set<string>() }],
        ['an unnumbered account and an address', { accounts: new Set(['u55@example.jp']), ips: new Set(['192.0.2.3']) }],
        ['nothing', { accounts: new Set<string>(), ips: new Set<string>() }],
      ] as const) {
        const outputs: string[] = [];
        for (const ids of [identities, new Identities(50)]) {
          const out = path.join(dir, `${outputs.length}`);
          const spool = new ActivitySpool(out, ids);
          await spool.start();
          for (const batch of batches) await spool.write(0, new EventBatch('maillog', batch));
          await spool.fileDone(0);
          const { path: file } = await spool.finish(1, flagged, 3);
          outputs.push(await readFile(file, 'utf8'));
        }
        expect(outputs[0], name).toBe(outputs[1]);
        if (name !== 'nothing') expect(outputs[0]!.length, name).toBeGreaterThan(0);
      }
    });
  });
});
