/**
 * What a library user installs: both packages packed as tarballs, installed into a fresh project
 * outside the repository, a TypeScript consumer of the public API compiled with tsc and run, and
 * the installed `mxray` binary run on the samples.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO, SAMPLES } from './helpers/corpus.js';

const run = promisify(execFile);
const PNPM = ['--yes', 'pnpm@10'];

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'mxray-pack-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const CONSUMER = `
import { DETECTORS, defineDetector, investigate, scanToDirectory, TOOL_VERSION, type AccountVerdict, type MailEvent } from '@mxray/core';

const samples = process.argv[2]!;
const out = process.argv[3]!;
const { accounts } = await scanToDirectory({ paths: [samples], out, report: false });
const compromised: AccountVerdict[] = accounts.filter((a) => a.verdict === 'compromised');

const scripted = defineDetector({
  id: 'local.scripted-client',
  title: 'Scripted client',
  severity: 'medium',
  description: 'python-requests on the webmail',
  falsePositives: [],
  options: { minRequests: { default: 3, description: 'requests' } },
  kinds: ['http.request'],
  create(o) {
    const seen = new Map<string, { n: number; first: MailEvent }>();
    return {
      observe(e) {
        if (e.phase !== 'window' || e.ip === undefined || !/python-requests/.test(e.userAgent ?? '')) return;
        const s = seen.get(e.ip) ?? { n: 0, first: e };
        s.n++;
        seen.set(e.ip, s);
      },
      finish() {
        return [...seen].filter(([, s]) => s.n >= o.minRequests).map(([ip, s]) => ({
          time: s.first.ts, rule: 'local.scripted-client', severity: 'medium' as const, account: null, ip,
          source: s.first.source, message: String(s.n), evidence: {},
        }));
      },
    };
  },
});
const x = await investigate({ paths: [samples], detection: { detectors: [...DETECTORS, scripted] } });
let scriptedFindings = 0;
for await (const f of x.findings()) if (f.rule === 'local.scripted-client') scriptedFindings++;
console.log(JSON.stringify({ version: TOOL_VERSION, compromised: compromised.map((a) => a.account).sort(), scriptedFindings }));
`;

/** Node.js binaries on the machine other than the one running the tests, at version 20.19 or later. */
async function otherRuntimes(): Promise<string[]> {
  const found: string[] = [];
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    const version = await run(candidate, ['--version']).then((r) => r.stdout.trim(), () => undefined);
    if (version === undefined || version === process.version) continue;
    const [major, minor] = version.slice(1).split('.').map(Number) as [number, number];
    if ((major > 20 || (major === 20 && minor >= 19)) && !found.some((f) => f === candidate)) found.push(candidate);
  }
  return found;
}

describe('packed packages in a fresh project', () => {
  it('install, compile a TypeScript consumer with tsc, run it, and run the installed mxray', async () => {
    const packs = path.join(work, 'packs');
    for (const pkg of ['core', 'cli']) await run('npx', [...PNPM, 'pack', '--pack-destination', packs], { cwd: path.join(REPO, 'packages', pkg) });
    const tarballs = (await readdir(packs)).sort();
    expect(tarballs).toEqual(['mxray-cli-0.1.0.tgz', 'mxray-core-0.1.0.tgz']);
    const core = path.join(packs, 'mxray-core-0.1.0.tgz');
    const cli = path.join(packs, 'mxray-cli-0.1.0.tgz');
    const { stdout: listing } = await run('tar', ['tzf', core]);
    expect(listing).toMatch(/package\/README\.md/);
    expect(listing).toMatch(/package\/LICENSE/);
    expect(listing).toMatch(/package\/dist\/index\.d\.ts/);
    expect(listing).not.toMatch(/\.test\.|tsbuildinfo/);

    const app = path.join(work, 'app');
    await run('mkdir', ['-p', app]);
    const repoPackage = JSON.parse(await readFile(path.join(REPO, 'node_modules/typescript/package.json'), 'utf8')) as { version: string };
    await writeFile(
      path.join(app, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies: { '@mxray/core': `file:${core}`, '@mxray/cli': `file:${cli}` },
        devDependencies: { typescript: repoPackage.version, '@types/node': '^20.19.0' },
        // The CLI's dependency on @mxray/core is the packed one, not the registry's.
        pnpm: { overrides: { '@mxray/core': `file:${core}` } },
      }),
    );
    await writeFile(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'dist', types: ['node'], skipLibCheck: false } }),
    );
    await writeFile(path.join(app, 'consumer.ts'), CONSUMER);
    await run('npx', [...PNPM, 'install', '--prefer-offline'], { cwd: app, timeout: 600_000 });
    await run(path.join(app, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: app });
    // The consumer on this runtime, and on every other Node.js this machine has (the system's
    // Node 20 here: no built-in zstd, so the zstd-codec fallback runs too).
    const runtimes = [process.execPath, ...(await otherRuntimes())];
    for (const node of runtimes) {
      const { stdout } = await run(node, ['dist/consumer.js', SAMPLES, path.join(work, `lib-out-${path.basename(path.dirname(path.dirname(node)))}`)], { cwd: app });
      expect(JSON.parse(stdout), node).toEqual({
        version: '0.1.0',
        compromised: ['hanako@example.jp', 'jiro@example.co.jp', 'taro@example.co.jp', 'yuki@example.jp'],
        scriptedFindings: 1,
      });
    }

    const { stdout: pivot } = await run(process.execPath, [path.join(app, 'node_modules/@mxray/cli/bin/mxray.mjs'), 'scan', SAMPLES, '--out', path.join(work, 'cli-out'), '-q']);
    expect(pivot).toBe('');
    expect((await readFile(path.join(work, 'cli-out', 'pivot', 'accounts.txt'), 'utf8')).trim().split('\n')).toEqual([
      'hanako@example.jp', 'jiro@example.co.jp', 'taro@example.co.jp', 'yuki@example.jp',
    ]);
  });
});
