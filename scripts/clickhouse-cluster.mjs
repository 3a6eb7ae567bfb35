#!/usr/bin/env node
/**
 * A local two-shard ClickHouse cluster for `mxray load` / `mxray detect`: two plain
 * clickhouse-server processes on loopback ports, each with a `remote_servers` entry naming both
 * as the shards of cluster `mxray`. No Docker, no ZooKeeper. Made for the tests, CI and a
 * responder's first try; a real cluster is the user's own.
 *
 *   node scripts/clickhouse-cluster.mjs start [--dir DIR] [--base-port 19000] [--install]
 *   node scripts/clickhouse-cluster.mjs stop  [--dir DIR]
 *   node scripts/clickhouse-cluster.mjs status [--dir DIR]
 *
 * `start` prints one JSON line: { "urls": [...], "cluster": "mxray", "dir": ... }; data in DIR from
 * an earlier start is kept (remove DIR to start empty). With
 * `--install` a missing server is installed from Debian's packages (clickhouse-server 18.16).
 * Exit 2 when no server is installed and none can be.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const SHARDS = 2;

function parseArgs(argv) {
  const [command = 'status', ...rest] = argv;
  const options = { dir: join(tmpdir(), 'mxray-clickhouse'), basePort: 19000, install: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--dir') options.dir = resolve(rest[++i]);
    else if (a === '--base-port') options.basePort = Number(rest[++i]);
    else if (a === '--install') options.install = true;
    else throw new Error(`unknown option ${a}`);
  }
  return { command, options };
}

/** The server binary: Debian's package puts it in /usr/sbin (or /usr/bin as `clickhouse server`). */
export function findServer() {
  for (const p of ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server']) if (existsSync(p)) return [p];
  for (const p of ['/usr/bin/clickhouse', '/usr/sbin/clickhouse']) if (existsSync(p)) return [p, 'server'];
  return undefined;
}

function install() {
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const run = (args) => spawnSync(sudo.length ? sudo[0] : args[0], sudo.length ? [...sudo.slice(1), ...args] : args.slice(1), { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'clickhouse-server', 'clickhouse-client']).status !== 0) {
    run(['apt-get', 'update', '-qq']);
    run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'clickhouse-server', 'clickhouse-client']);
  }
}

function ports(base, shard) {
  const at = base + shard * 10;
  return { http: at + 3, tcp: at, interserver: at + 9 };
}

function config(dir, shard, base) {
  const p = ports(base, shard);
  const replicas = Array.from({ length: SHARDS }, (_, s) => `      <shard><replica><host>127.0.0.1</host><port>${ports(base, s).tcp}</port></replica></shard>`).join('\n');
  const data = join(dir, `shard${shard + 1}`);
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${data}/server.log</log><errorlog>${data}/server.err.log</errorlog><size>10M</size><count>2</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${p.http}</http_port>
  <tcp_port>${p.tcp}</tcp_port>
  <interserver_http_port>${p.interserver}</interserver_http_port>
  <path>${data}/data/</path>
  <tmp_path>${data}/tmp/</tmp_path>
  <user_files_path>${data}/user_files/</user_files_path>
  <format_schema_path>${data}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <remote_servers>
    <mxray>
${replicas}
    </mxray>
  </remote_servers>
</yandex>
`;
}

const USERS = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage><load_balancing>in_order</load_balancing></default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

async function ping(url) {
  try {
    const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

function stateFile(dir) {
  return join(dir, 'cluster.json');
}

function readState(dir) {
  try {
    return JSON.parse(readFileSync(stateFile(dir), 'utf8'));
  } catch {
    return undefined;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function start({ dir, basePort, install: mayInstall }) {
  const running = readState(dir);
  if (running?.pids.every(alive) && (await Promise.all(running.urls.map(ping))).every(Boolean)) return running;
  if (running) stop({ dir });
  let server = findServer();
  if (!server && mayInstall) {
    install();
    server = findServer();
  }
  if (!server) {
    const err = new Error('clickhouse-server is not installed (apt-get install clickhouse-server clickhouse-client)');
    err.code = 'NO_CLICKHOUSE';
    throw err;
  }
  // Data from an earlier start is kept: a restart (after a reboot, say) finds what was loaded.
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'users.xml'), USERS);
  const pids = [];
  const urls = [];
  for (let s = 0; s < SHARDS; s++) {
    const data = join(dir, `shard${s + 1}`);
    mkdirSync(join(data, 'data'), { recursive: true });
    const file = join(dir, `shard${s + 1}.xml`);
    writeFileSync(file, config(dir, s, basePort));
    const child = spawn(server[0], [...server.slice(1), `--config-file=${file}`], { cwd: data, detached: true, stdio: 'ignore' });
    child.unref();
    pids.push(child.pid);
    urls.push(`http://127.0.0.1:${ports(basePort, s).http}`);
  }
  const state = { urls, tcpPorts: Array.from({ length: SHARDS }, (_, s) => ports(basePort, s).tcp), cluster: 'mxray', dir, pids };
  writeFileSync(stateFile(dir), `${JSON.stringify(state)}\n`);
  const deadline = Date.now() + 60_000;
  for (const url of urls) {
    while (!(await ping(url))) {
      if (Date.now() > deadline || !pids.every(alive)) {
        stop({ dir });
        throw new Error(`clickhouse-server did not answer at ${url}; see ${dir}/shard*/server.err.log`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return state;
}

export function stop({ dir }) {
  const state = readState(dir);
  if (!state) return false;
  for (const pid of state.pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
  }
  const deadline = Date.now() + 15_000;
  while (state.pids.some(alive) && Date.now() < deadline) spawnSync('sleep', ['0.1']);
  for (const pid of state.pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  rmSync(stateFile(dir), { force: true });
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { command, options } = parseArgs(process.argv.slice(2));
  try {
    if (command === 'start') console.log(JSON.stringify(await start(options)));
    else if (command === 'stop') stop(options);
    else if (command === 'status') console.log(JSON.stringify(readState(options.dir) ?? null));
    else throw new Error(`unknown command ${command}`);
  } catch (err) {
    console.error(`clickhouse-cluster: ${err.message}`);
    process.exit(err.code === 'NO_CLICKHOUSE' ? 2 : 1);
  }
}
