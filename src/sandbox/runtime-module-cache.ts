/**
 * Runtime files made ready once per machine, not once per process: stripping their types loads Node's
 * TypeScript stripper (a WebAssembly module, ~80 ms of CPU) in every process that makes sandboxes (the
 * bot, each `toolsmith` command and each sandbox worker). The result is kept beside Node's compile
 * cache (the same folder, so the same trust: whoever can write there can already change the compiled
 * code Node loads), named by a hash of the file's text, and only when that cache is on.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { getCompileCacheDir } from 'node:module';
import path from 'node:path';
import { replaceFileSync } from '../store/replace-file.ts';
import type { RuntimeModule } from './runtime-module.ts';

/** Bumped when the transformation changes, so entries made by an older one are not used. */
const VERSION = 'runtime-module-1';

/** Where entries go (`dir` for tests), or undefined when Node's compile cache is off. */
function cacheDir(dir?: string): string | undefined {
  const root = dir ?? getCompileCacheDir();
  return root ? path.join(root, 'toolsmith-runtime-modules') : undefined;
}

/**
 * The runtime module of the file `name` holding `text`, from the cache, or made by `make` (and kept
 * for the next process). An entry that cannot be read or is not a runtime module is made again.
 */
export function cachedRuntimeModule(
  name: string,
  text: string,
  make: () => RuntimeModule,
  dir?: string,
): RuntimeModule {
  const folder = cacheDir(dir);
  if (!folder) return make();
  const key = createHash('sha256').update(`${VERSION}\0${name}\0`).update(text).digest('hex');
  const file = path.join(folder, `${key}.json`);
  const kept = read(file);
  if (kept) return kept;
  const module = make();
  try {
    mkdirSync(folder, { recursive: true });
    replaceFileSync(file, JSON.stringify(module));
  } catch {
    // A read-only or full disk: the next process makes it again.
  }
  return module;
}

function read(file: string): RuntimeModule | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!value || typeof value !== 'object') return undefined;
    const { source, filename, exports } = value as Record<string, unknown>;
    if (typeof source !== 'string' || typeof filename !== 'string' || !Array.isArray(exports))
      return undefined;
    if (!exports.every((name) => typeof name === 'string')) return undefined;
    return { source, filename, exports };
  } catch {
    return undefined;
  }
}
