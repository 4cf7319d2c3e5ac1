/**
 * A generated CommonJS file loaded with V8's code cache kept beside it (`<file>.v8cache`). The chart
 * worker runs under Node's permission model without write access, so Node's compile cache is off
 * there, and the built Vega-Lite validator (~7 MB of ajv's standalone code) was compiled at every
 * worker start (~0.16 s of CPU). The build (`npm ci`) writes the cache with the file; a worker only
 * reads both. V8 checks a cache against the source, its own version and flags, and compiles
 * normally when one does not match (`rejected`), so a stale or damaged cache costs time, never
 * correctness. The flags are V8's as Node sets them: a cache written by a process started with
 * `--no-node-snapshot` or `--expose-gc` is refused by a chart worker; npm's postinstall runs plain
 * `node`, as the worker starts (its heap limit and Node's permission flags do not count).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { replaceFileSync } from '../../../store/replace-file.ts';

/** Whether the cache beside a file was used, refused by V8, or absent. */
export type CodeCacheUse = 'used' | 'rejected' | 'none';

/** The cache file of `file`. */
export const codeCacheFile = (file: string): string => `${file}.v8cache`;

/** Compile `file` as a CommonJS module, with its cache when there is one; not run yet. */
function compile(file: string, withCache: boolean): { script: vm.Script; cache: CodeCacheUse } {
  const cacheFile = codeCacheFile(file);
  const cachedData = withCache && existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  // Node's own CommonJS wrapper, so the code sees what `require` would give it.
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
  const script = new vm.Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  return {
    script,
    cache: cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used',
  };
}

/** Run a compiled file as a module; its `module.exports`. */
function run(script: vm.Script, file: string): unknown {
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(module.exports, createRequire(file), module, file, path.dirname(file));
  return module.exports;
}

/** Load `file` as `require` would, using the code cache beside it when V8 accepts it. */
export function loadWithCodeCache(file: string): { exports: unknown; cache: CodeCacheUse } {
  const { script, cache } = compile(file, true);
  return { exports: run(script, file), cache };
}

/**
 * Write the code cache of `file`, after `exercise` has used what it exports (functions that ran are
 * in the cache compiled, the others only parsed).
 */
export function writeCodeCache(file: string, exercise: (exports: unknown) => void): void {
  const { script } = compile(file, false);
  exercise(run(script, file));
  replaceFileSync(codeCacheFile(file), script.createCachedData());
}
