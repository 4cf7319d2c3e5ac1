/**
 * The Vega-Lite validator built at install (ajv's standalone code in a cache folder): it is the one a
 * chart worker loads when it matches this schema, ajv and options; it says exactly what the compiled
 * one says; a damaged file is not used (the schema is compiled instead), and a build removes other
 * versions' files.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeCacheFile } from '../../src/tools/builtin/chart/code-cache.ts';
import { CACHE_DIR, loadSchemaValidator } from '../../src/tools/builtin/chart/schema-validator.ts';
import { createSpecChecker } from '../../src/tools/builtin/chart/spec-checker.ts';

const SCHEMA_VALIDATOR = path.resolve(
  import.meta.dirname,
  '../../src/tools/builtin/chart/schema-validator.ts',
);
const SPEC_CHECKER = path.resolve(import.meta.dirname, '../../src/tools/builtin/chart/spec-checker.ts');

let dir: string;
beforeAll(async () => {
  // Beside the real cache, in node_modules, where the built code finds ajv's runtime helpers.
  await mkdir(path.dirname(CACHE_DIR), { recursive: true });
  dir = await mkdtemp(`${CACHE_DIR}-test-`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const SPECS = [
  { mark: 'bar', data: { values: [{ a: 1 }] }, encoding: { x: { field: 'a', type: 'quantitative' } } },
  { mark: 'barr', data: { values: [] } },
  { mark: 'bar', data: { values: [] }, encoding: { colr: { field: 'a' } } },
  { mark: 'bar', data: { values: [] }, encoding: { x: { field: 'a', type: 'nominl' } } },
  { data: { values: [] } },
];

/**
 * Load the built validator from `dir` in a new process: how its code cache went, and its verdicts.
 * (A process keeps what V8 compiled and would not read a cache for the same code again.)
 */
function loadInFreshProcess(dir: string): { cache: string; verdicts: unknown[] } {
  const script = `
    const { loadBuiltValidator } = await import(${JSON.stringify(SCHEMA_VALIDATOR)});
    const { createSpecChecker } = await import(${JSON.stringify(SPEC_CHECKER)});
    const built = loadBuiltValidator(${JSON.stringify(dir)});
    const verdicts = ${JSON.stringify(SPECS)}.map(createSpecChecker(built.validate));
    process.stdout.write(JSON.stringify({ cache: built.cache, verdicts }));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout) as { cache: string; verdicts: unknown[] };
}

describe('the built Vega-Lite validator', () => {
  it('is loaded when it matches (with its code cache), says what the compiled one says, and a damaged one is compiled instead', async () => {
    await writeFile(path.join(dir, 'vega-lite-validator-0123456789abcdef.cjs'), 'an older build');
    await writeFile(path.join(dir, 'vega-lite-validator-0123456789abcdef.cjs.v8cache'), 'older');
    // Built as npm's postinstall builds it: plain `node` (this worker's V8 flags differ; see code-cache.ts).
    const build = spawnSync(process.execPath, [SCHEMA_VALIDATOR, dir], { encoding: 'utf8' });
    expect(build.status).toBe(0);
    const [file] = (await readdir(dir))
      .filter((name) => name.endsWith('.cjs'))
      .map((name) => path.join(dir, name));
    if (!file) throw new Error(`nothing built: ${build.stdout}${build.stderr}`);
    expect((await readdir(dir)).sort()).toEqual([path.basename(file), path.basename(codeCacheFile(file))]);
    const cached = loadInFreshProcess(dir);
    expect(cached.cache).toBe('used');
    const built = loadSchemaValidator(dir);
    // ajv's compiled functions carry their schema environment; the standalone code does not.
    expect('schemaEnv' in built).toBe(false);

    const damaged = await mkdtemp(`${CACHE_DIR}-test-`);
    await writeFile(path.join(damaged, path.basename(file)), 'module.exports = ;');
    const compiled = loadSchemaValidator(damaged);
    await rm(damaged, { recursive: true });
    expect('schemaEnv' in compiled).toBe(true);

    // A code cache V8 refuses (damaged, or another Node's) only costs the compile; none, the same.
    const uncached = await mkdtemp(`${CACHE_DIR}-test-`);
    await copyFile(file, path.join(uncached, path.basename(file)));
    const none = loadInFreshProcess(uncached);
    await writeFile(codeCacheFile(path.join(uncached, path.basename(file))), 'not a code cache');
    const refused = loadInFreshProcess(uncached);
    await rm(uncached, { recursive: true });
    expect([none.cache, refused.cache]).toEqual(['none', 'rejected']);

    const verdicts = SPECS.map(createSpecChecker(built));
    expect(verdicts).toEqual(SPECS.map(createSpecChecker(compiled)));
    // (Through JSON, as the processes told them: no verdict is null.)
    expect(none.verdicts).toEqual(verdicts.map((verdict) => verdict ?? null));
    expect(refused.verdicts).toEqual(none.verdicts);
    expect(cached.verdicts).toEqual(none.verdicts);
    expect(verdicts[0]).toBeUndefined();
    expect(verdicts[1]).toMatch(/mark is "barr".*did you mean "bar"/);
    expect(verdicts[2]).toBe('unknown property "colr" in encoding; did you mean "color"?');
    expect(verdicts[3]).toMatch(/encoding\.x\.type is "nominl".*did you mean "nominal"/);
  });
});
