/**
 * The architecture, held: imports in @mxray/core go one way, down the pipeline. A stage may
 * import its own folder and the stages below it, never one above (type imports included: a type
 * from a higher stage is a dependency on it all the same), and no module imports itself back
 * through others. index.ts (the public surface) and internal.ts (every building block, for tests
 * and benchmarks) are the files that see every stage.
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';

const SRC = path.resolve(import.meta.dirname, '../packages/core/src');
/** Lowest first. `model` is the files at the top of src/ (event, finding, errors, version). */
const STAGES = ['model', 'time', 'ingest', 'parse', 'enrich', 'aggregate', 'detect', 'verdict', 'report', 'scan', 'warehouse'] as const;

const stageOf = (file: string): string => {
  const rel = path.relative(SRC, file);
  return rel.includes(path.sep) ? rel.split(path.sep)[0]! : 'model';
};

/** Relative imports and re-exports of a file (static and dynamic), resolved to .ts paths. */
async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
  return specs.map((s) => path.resolve(path.dirname(file), s).replace(/\.js$/, '.ts'));
}

const sources = async (): Promise<string[]> =>
  (await fg('**/*.ts', { cwd: SRC, absolute: true, ignore: ['**/*.test.ts', 'index.ts', 'internal.ts'] })).sort();

describe('layering of @mxray/core', () => {
  it('every stage is a known folder', async () => {
    const folders = new Set((await sources()).map(stageOf));
    expect([...folders].filter((f) => !(STAGES as readonly string[]).includes(f))).toEqual([]);
  });

  it('imports go down the pipeline, never up', async () => {
    const rank = (stage: string): number => (STAGES as readonly string[]).indexOf(stage);
    const upward: string[] = [];
    for (const file of await sources()) {
      for (const target of await importsOf(file)) {
        if (rank(stageOf(target)) > rank(stageOf(file))) upward.push(`${path.relative(SRC, file)} → ${path.relative(SRC, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('no module imports itself back through others', async () => {
    const files = await sources();
    const graph = new Map<string, string[]>();
    for (const f of files) graph.set(f, (await importsOf(f)).filter((t) => graph.has(t) || files.includes(t)));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      stack.push(f);
      for (const t of graph.get(f) ?? []) {
        if (state.get(t) === 'open') cycles.push([...stack.slice(stack.indexOf(t)), t].map((x) => path.relative(SRC, x)).join(' → '));
        else if (!state.has(t)) visit(t);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('the CLI uses the library through its public entry only', async () => {
    const cli = await fg('**/*.ts', { cwd: path.resolve(SRC, '../../cli/src'), absolute: true });
    const deep: string[] = [];
    for (const f of cli) {
      const text = await readFile(f, 'utf8');
      for (const m of text.matchAll(/from\s+['"](@mxray\/core\/[^'"]+|\.\.\/\.\.\/core\/[^'"]+)['"]/g)) deep.push(`${path.basename(f)}: ${m[1]}`);
    }
    expect(deep).toEqual([]);
  });
});
