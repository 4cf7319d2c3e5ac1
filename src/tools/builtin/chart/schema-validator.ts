/**
 * The Vega-Lite schema's validator. Compiling the 1.9 MB schema with ajv costs about a second of CPU,
 * at every start of a chart worker (the first chart, and the next one after a render was stopped). So
 * `npm ci` builds it once (package.json's postinstall runs this file) as ajv's standalone code in
 * `node_modules/.cache/toolsmith/`, named by a hash of the schema, ajv's version and the options:
 * a worker loads it in ~0.2 s, or ~0.04 s with the V8 code cache the build writes beside it (see
 * code-cache.ts). A file that is missing, from other versions or unloadable is not used: the worker
 * compiles the schema itself, as before. The worker can read node_modules but not write it (see
 * chartWorkerPermissions), so no chart can change what a later one runs.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { replaceFileSync } from '../../../store/replace-file.ts';
import { type CodeCacheUse, codeCacheFile, loadWithCodeCache, writeCodeCache } from './code-cache.ts';

const require = createRequire(import.meta.url);

/** References kept as functions and no code optimisation: ~1 s to compile against ~3 s with the defaults. */
const OPTIONS: Options = {
  allErrors: true,
  verbose: true,
  strict: false,
  allowUnionTypes: true,
  logger: false,
  inlineRefs: false,
  code: { optimize: false },
};

/** Where `npm ci` puts the built validator: node_modules/.cache/toolsmith. */
export const CACHE_DIR = path.join(
  path.dirname(path.dirname(require.resolve('ajv/package.json'))),
  '.cache',
  'toolsmith',
);

const PREFIX = 'vega-lite-validator-';

/** The schema file's text, read once per process: hashed to name the built validator, and parsed. */
let schemaText: string | undefined;
const readSchema = () =>
  (schemaText ??= readFileSync(require.resolve('vega-lite/vega-lite-schema.json'), 'utf8'));

let schema: object | undefined;
/** The Vega-Lite schema as parsed JSON. */
export function vegaLiteSchema(): object {
  schema ??= JSON.parse(readSchema()) as object;
  return schema;
}

/** The built validator's file name for this schema, ajv and options. */
function fileName(): string {
  const hash = createHash('sha256')
    .update(readSchema())
    .update(String((require('ajv/package.json') as { version?: unknown }).version))
    .update(JSON.stringify(OPTIONS))
    .digest('hex')
    .slice(0, 16);
  return `${PREFIX}${hash}.cjs`;
}

/** The validator: the built one from `dir` when there is a usable one, else compiled here. */
export function loadSchemaValidator(dir = CACHE_DIR): ValidateFunction {
  return loadBuiltValidator(dir)?.validate ?? new Ajv(OPTIONS).compile(vegaLiteSchema());
}

/** The built validator in `dir` and whether its code cache was used; undefined when not usable. */
export function loadBuiltValidator(
  dir = CACHE_DIR,
): { validate: ValidateFunction; cache: CodeCacheUse } | undefined {
  try {
    const { exports, cache } = loadWithCodeCache(path.join(dir, fileName()));
    if (typeof exports === 'function') return { validate: exports as ValidateFunction, cache };
  } catch {
    // Not built (npm ci --ignore-scripts), another version's, or damaged: compile instead.
  }
  return undefined;
}

/** Specs the code cache is made with: the parts of the validator most charts use are then compiled. */
const TYPICAL_SPECS = [
  {
    mark: { type: 'bar', tooltip: true },
    data: { values: [{ a: 'x', b: 1 }] },
    encoding: {
      x: { field: 'a', type: 'nominal', sort: '-y' },
      y: { field: 'b', type: 'quantitative', aggregate: 'sum' },
      color: { field: 'a' },
    },
  },
  {
    layer: [{ mark: 'line' }, { mark: 'point' }],
    data: { values: [] },
    encoding: { x: { field: 't', type: 'temporal' }, y: { field: 'v', type: 'quantitative' } },
    width: 400,
    title: 'Sales',
  },
  { mark: 'barr', data: { values: [] }, encoding: { colr: { field: 'a' } } },
];

/** Build the validator into `dir` (written whole, then renamed); other versions' files are removed. */
export function buildSchemaValidator(dir = CACHE_DIR): string {
  const ajv = new Ajv({ ...OPTIONS, code: { ...OPTIONS.code, source: true } });
  const code = standalone.default(ajv, ajv.compile(vegaLiteSchema()));
  mkdirSync(dir, { recursive: true });
  const name = fileName();
  const file = path.join(dir, name);
  replaceFileSync(file, code);
  writeCodeCache(file, (validate) => {
    for (const spec of TYPICAL_SPECS) (validate as ValidateFunction)(spec);
  });
  const keep = new Set([name, path.basename(codeCacheFile(file))]);
  for (const old of readdirSync(dir))
    if (old.startsWith(PREFIX) && !keep.has(old)) rmSync(path.join(dir, old), { force: true });
  return file;
}

// `node src/tools/builtin/chart/schema-validator.ts [DIR]` (npm's postinstall, into CACHE_DIR): build
// it, never fail the install. Plain `node`, as a chart worker starts: its code cache is kept only by a
// process whose V8 flags match the one that wrote it (see code-cache.ts).
if (import.meta.main) {
  try {
    const started = performance.now();
    const file = buildSchemaValidator(process.argv[2] ?? CACHE_DIR);
    process.stdout.write(
      `built the Vega-Lite validator in ${Math.round(performance.now() - started)} ms: ${file}\n`,
    );
  } catch (error) {
    process.stderr.write(
      `could not build the Vega-Lite validator (charts compile it at start instead): ${String(error)}\n`,
    );
  }
}
