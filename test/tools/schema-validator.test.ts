/**
 * The Vega-Lite validator built at install (ajv's standalone code in a cache folder): it is the one a
 * chart worker loads when it matches this schema, ajv and options; it says exactly what the compiled
 * one says; a damaged file is not used (the schema is compiled instead), and a build removes other
 * versions' files.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSchemaValidator,
  CACHE_DIR,
  loadSchemaValidator,
} from '../../src/tools/builtin/chart/schema-validator.ts';
import { createSpecChecker } from '../../src/tools/builtin/chart/spec-checker.ts';

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

describe('the built Vega-Lite validator', () => {
  it('is loaded when it matches, says what the compiled one says, and a damaged one is compiled instead', async () => {
    await writeFile(path.join(dir, 'vega-lite-validator-0123456789abcdef.cjs'), 'an older build');
    const file = buildSchemaValidator(dir);
    expect(await readdir(dir)).toEqual([path.basename(file)]);
    const built = loadSchemaValidator(dir);
    // ajv's compiled functions carry their schema environment; the standalone code does not.
    expect('schemaEnv' in built).toBe(false);

    const damaged = await mkdtemp(`${CACHE_DIR}-test-`);
    await writeFile(path.join(damaged, path.basename(file)), 'module.exports = ;');
    const compiled = loadSchemaValidator(damaged);
    await rm(damaged, { recursive: true });
    expect('schemaEnv' in compiled).toBe(true);

    const verdicts = SPECS.map(createSpecChecker(built));
    expect(verdicts).toEqual(SPECS.map(createSpecChecker(compiled)));
    expect(verdicts[0]).toBeUndefined();
    expect(verdicts[1]).toMatch(/mark is "barr".*did you mean "bar"/);
    expect(verdicts[2]).toBe('unknown property "colr" in encoding; did you mean "color"?');
    expect(verdicts[3]).toMatch(/encoding\.x\.type is "nominl".*did you mean "nominal"/);
  });
});
