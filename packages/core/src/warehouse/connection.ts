/**
 * A ClickHouse warehouse as mxray uses it: the nodes the user names (every shard's HTTP URL, the
 * first one serving the cluster-wide queries), the cluster in their `remote_servers`, and the
 * tables, made on each node (ClickHouse 18.16, Debian's package, has no `ON CLUSTER` without
 * ZooKeeper). Its errors become one line each with a code: an unreachable node, refused
 * credentials, a shard down.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { InvalidOptionError, MxrayError } from '../errors.js';
import { RECORD_COLUMNS } from './records.js';

export interface WarehouseOptions {
  /** HTTP URLs of the nodes, one per shard (`http://user:password@host:8123`); the first serves cluster-wide queries. */
  urls: readonly string[];
  /** Database of mxray's tables; default `mxray`. */
  database?: string;
  /** Cluster name in the nodes' `remote_servers`; default `mxray`. */
  cluster?: string;
  /** Seconds the cluster has to answer the check before detect and load; default 30. */
  checkSeconds?: number;
}

export interface Shard {
  number: number;
  /** host:port (native protocol) as the cluster configuration names it. */
  address: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** ClickHouse's own error text, one line: `Code: 192, e.displayText() = DB::Exception: Unknown user bob, ...` → the message part. */
function serverMessage(text: string): { code: number; message: string } | undefined {
  const m = /Code: (\d+), e\.displayText\(\) = ([\s\S]*?)(?:, e\.what\(\) = |$)/.exec(text) ?? /Code: (\d+)\. ([\s\S]*?)(?: \(version |$)/.exec(text);
  if (!m) return undefined;
  return { code: Number(m[1]), message: m[2]!.replace(/\s+/g, ' ').trim() };
}

export class Warehouse {
  readonly database: string;
  readonly cluster: string;
  /** One client per node, in the order given. */
  private readonly clients: ClickHouseClient[];
  private shardList: Shard[] | undefined;

  /**
   * Connects to the nodes (no query is sent yet). The client is loaded here, not when mxray
   * starts: a scan never pays for it (~40 ms).
   */
  static async open(options: WarehouseOptions): Promise<Warehouse> {
    return new Warehouse(options, await import('@clickhouse/client'));
  }

  private constructor(
    readonly options: WarehouseOptions,
    { createClient, ClickHouseLogLevel }: typeof import('@clickhouse/client'),
  ) {
    if (options.urls.length === 0) throw new InvalidOptionError('--clickhouse needs at least one URL');
    this.database = options.database ?? 'mxray';
    this.cluster = options.cluster ?? 'mxray';
    if (!NAME.test(this.database)) throw new InvalidOptionError(`--database ${JSON.stringify(this.database)}: letters, digits and _ only`);
    if (!NAME.test(this.cluster)) throw new InvalidOptionError(`--cluster ${JSON.stringify(this.cluster)}: letters, digits and _ only`);
    this.clients = options.urls.map((url) => {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new InvalidOptionError(`--clickhouse ${JSON.stringify(withoutPassword(url))} is not a URL (http://host:8123)`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidOptionError(`--clickhouse ${withoutPassword(url)}: only http:// and https:// URLs`);
      return createClient({
        url: `${parsed.protocol}//${parsed.host}`,
        username: decodeURIComponent(parsed.username) || 'default',
        password: decodeURIComponent(parsed.password),
        request_timeout: 600_000,
        compression: { request: false, response: false },
        log: { level: ClickHouseLogLevel.OFF },
      });
    });
  }

  /** A URL as messages show it: no password. */
  nodeName(index: number): string {
    const u = new URL(this.options.urls[index]!);
    return `${u.host}`;
  }

  table(name: 'records' | 'records_all' | 'loads' | 'loads_all'): string {
    return `${this.database}.${name}`;
  }

  /** Runs `action` on node `index`, turning the client's errors into one clear MxrayError. */
  async on<T>(index: number, what: string, action: (client: ClickHouseClient) => Promise<T>): Promise<T> {
    try {
      return await action(this.clients[index]!);
    } catch (error) {
      throw await this.explain(error, index, what);
    }
  }

  /** The cluster's shards, from the main node's configuration. */
  async shards(): Promise<Shard[]> {
    if (this.shardList) return this.shardList;
    const rows = await this.on(0, 'reading the cluster', async (c) =>
      (await c.query({ query: `SELECT shard_num, host_address, port FROM system.clusters WHERE cluster = '${this.cluster}' ORDER BY shard_num, replica_num`, format: 'JSONEachRow' })).json<{ shard_num: number; host_address: string; port: number }>(),
    );
    if (rows.length === 0) {
      throw new MxrayError('MXRAY_WAREHOUSE', `${this.nodeName(0)} has no cluster ${this.cluster} in its remote_servers (pass --cluster, or see docs/clickhouse.md)`);
    }
    const seen = new Map<number, Shard>();
    for (const r of rows) if (!seen.has(Number(r.shard_num))) seen.set(Number(r.shard_num), { number: Number(r.shard_num), address: `${r.host_address}:${r.port}` });
    this.shardList = [...seen.values()];
    return this.shardList;
  }

  /** Makes the database and tables on every node given (each node's own), then checks every shard of the cluster has them. */
  async createTables(): Promise<void> {
    const db = this.database;
    const columns = RECORD_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ');
    const loadColumns = LOAD_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ');
    for (let i = 0; i < this.clients.length; i++) {
      await this.on(i, 'creating the tables', async (c) => {
        await c.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
        // By day, then by account and time: a responder's questions are "this account, since then".
        await c.command({ query: `CREATE TABLE IF NOT EXISTS ${db}.records (${columns}) ENGINE = MergeTree PARTITION BY day ORDER BY (account, ts)` });
        await c.command({ query: `CREATE TABLE IF NOT EXISTS ${db}.records_all AS ${db}.records ENGINE = Distributed(${this.cluster}, ${db}, records, cityHash64(account))` });
        await c.command({ query: `CREATE TABLE IF NOT EXISTS ${db}.loads (${loadColumns}) ENGINE = MergeTree ORDER BY (sha256, load_id)` });
        await c.command({ query: `CREATE TABLE IF NOT EXISTS ${db}.loads_all AS ${db}.loads ENGINE = Distributed(${this.cluster}, ${db}, loads, cityHash64(sha256))` });
      });
    }
    await this.checkShards();
  }

  /**
   * Every shard answers and has the tables: a query on the Distributed tables reaches them all.
   * A shard that is down is refused at once; one that hangs (accepts connections, never answers)
   * would keep the server retrying for minutes, so the check gives up after `checkSeconds`.
   */
  async checkShards(): Promise<void> {
    const seconds = this.options.checkSeconds ?? 30;
    try {
      await this.on(0, 'checking the shards', async (c) => {
        const signal = AbortSignal.timeout(seconds * 1000);
        await c.query({ query: `SELECT count() FROM ${this.database}.records_all WHERE 0`, format: 'JSONEachRow', abort_signal: signal }).then((r) => r.json());
        await c.query({ query: `SELECT count() FROM ${this.database}.loads_all WHERE 0`, format: 'JSONEachRow', abort_signal: signal }).then((r) => r.json());
      });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause;
      if (error instanceof MxrayError && error.code === 'MXRAY_WAREHOUSE' && /abort/i.test(cause?.message ?? '')) {
        throw new MxrayError('MXRAY_WAREHOUSE_SHARD_DOWN', `ClickHouse cluster ${this.cluster} did not answer within ${seconds} s while checking the shards (a shard may hang): no partial result is written`, { cause: error });
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }

  /** One line for what went wrong, naming the node or the shard. */
  private async explain(error: unknown, index: number, what: string): Promise<MxrayError> {
    if (error instanceof MxrayError) return error;
    const node = this.nodeName(index);
    const e = error as { code?: string; message?: string };
    if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH' || e.code === 'ETIMEDOUT' || e.code === 'ECONNRESET' || e.code === 'EAI_AGAIN') {
      return new MxrayError('MXRAY_WAREHOUSE_UNREACHABLE', `ClickHouse at ${node} is unreachable (${e.code}) while ${what}`, { cause: error });
    }
    const server = serverMessage(e.message ?? '');
    if (server) {
      // 192 unknown user, 193 wrong password, 194 password required, 516 authentication failed (newer servers).
      if ([192, 193, 194, 516].includes(server.code)) {
        return new MxrayError('MXRAY_WAREHOUSE_AUTH', `ClickHouse at ${node} refused the credentials: ${server.message}`, { cause: error });
      }
      // 279 all connection tries failed, 209/210 socket timeout / refused: a shard behind a Distributed table is down.
      if (server.code === 279 || server.code === 210 || server.code === 209) {
        // The server names the address it could not reach: `Connection refused (127.0.0.1:9000)`.
        const raw = e.message ?? '';
        const shard = (this.shardList ?? []).find((s) => raw.includes(`(${s.address})`));
        const addr = /\(([^()\s]+:\d+)\)/.exec(raw)?.[1];
        const name = shard ? `shard ${shard.number} (${shard.address})` : addr ? `the shard at ${addr}` : 'a shard';
        return new MxrayError('MXRAY_WAREHOUSE_SHARD_DOWN', `ClickHouse ${name} of cluster ${this.cluster} is down while ${what}: no partial result is written`, { cause: error });
      }
      if (server.code === 60 || server.code === 81) {
        return new MxrayError('MXRAY_WAREHOUSE', `ClickHouse at ${node} has no mxray tables in ${this.database} (run mxray load first, with every shard's URL): ${server.message}`, { cause: error });
      }
      return new MxrayError('MXRAY_WAREHOUSE', `ClickHouse at ${node} failed while ${what}: ${server.message.slice(0, 300)}`, { cause: error });
    }
    return new MxrayError('MXRAY_WAREHOUSE', `ClickHouse at ${node} failed while ${what}: ${(e.message ?? String(error)).split('\n')[0]!.slice(0, 300)}`, { cause: error });
  }
}

/** A URL as an error may show it: `http://user:secret@host` → `http://user:***@host`. */
function withoutPassword(url: string): string {
  return url.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
}

/** The load table: one row per file whose every record was inserted (rows of other loads are never read). */
export const LOAD_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['sha256', 'String'],
  ['load_id', 'String'],
  ['machine', 'String'],
  ['root', 'String'],
  ['path', 'String'],
  ['loaded_at', 'DateTime'],
  ['records', 'UInt64'],
  ['tool', 'String'],
  /** The options that shaped the records (time zone, year, format, line cap), as JSON. */
  ['args', 'String'],
  /** The file's manifest entry (FileReport), as JSON. */
  ['report', 'String'],
];
