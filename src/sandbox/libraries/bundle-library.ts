/**
 * Bundles one allowed library for the isolate with esbuild (no Node built-ins, no network): one
 * script that leaves the module's exports in a symbol-keyed slot of the global object, where the
 * import loader picks them up. Bundles are written to a cache folder (default
 * node_modules/.cache/toolsmith-libraries) named by package version, so they are built once per
 * install, at first use.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../errors.ts';
import type { LibraryEntry } from './catalog.ts';

/** The project root: where package.json and node_modules are. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The default folder bundles are cached in. */
export const DEFAULT_CACHE_DIR = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'toolsmith-libraries');

/** The global slot a bundle leaves its exports in (read and cleared by the import loader). */
export function slotKey(name: string): string {
  return `toolsmith.module:${name}`;
}

export interface LibraryBundle {
  name: string;
  version: string;
  /** The script to evaluate in a context. */
  code: string;
}

const requireHere = createRequire(path.join(PROJECT_ROOT, 'package.json'));

/** The installed version of a package (from its package.json). */
export async function installedVersion(packageName: string): Promise<string> {
  const file = requireHere.resolve(`${packageName}/package.json`);
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  const version = typeof parsed === 'object' && parsed !== null && 'version' in parsed ? parsed.version : '';
  return typeof version === 'string' ? version : '';
}

/** The bundle for `library`, from the cache folder or built now (and cached). */
export async function bundleLibrary(
  library: LibraryEntry,
  cacheDir = DEFAULT_CACHE_DIR,
): Promise<LibraryBundle> {
  const version = await installedVersion(library.packageName);
  const file = path.join(cacheDir, `${library.name}@${version}.js`);
  try {
    return { name: library.name, version, code: await readFile(file, 'utf8') };
  } catch {
    // not built yet
  }
  const code = await build(library);
  try {
    await mkdir(cacheDir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, code);
    await rename(temporary, file);
  } catch {
    // A read-only install: the bundle serves this process from memory and is built again next time.
  }
  return { name: library.name, version, code };
}

async function build(library: LibraryEntry): Promise<string> {
  const esbuild = await import('esbuild');
  let result: Awaited<ReturnType<typeof esbuild.build>>;
  try {
    result = await esbuild.build({
      absWorkingDir: PROJECT_ROOT,
      // Every export, and a default: the package's own, or (for a package without one) its namespace.
      stdin: {
        contents: `export * from '${library.entry}';\nimport * as all from '${library.entry}';\nexport default all.default ?? all;`,
        resolveDir: PROJECT_ROOT,
      },
      bundle: true,
      write: false,
      format: 'iife',
      globalName: '__toolsmith_module',
      platform: 'neutral',
      // A library's Node-only paths (papaparse's stream mode) stay unresolved: the isolate has no
      // Node, and such a require fails only if that path is taken.
      external: [...builtinModules, ...builtinModules.map((name) => `node:${name}`)],
      mainFields: ['module', 'main'],
      target: 'es2022',
      minifyWhitespace: true,
      minifySyntax: true,
      legalComments: 'none',
      ...(library.preamble ? { banner: { js: library.preamble } } : {}),
      logLevel: 'silent',
    });
  } catch (error) {
    throw new ConfigError(
      `sandbox library ${library.name}`,
      `cannot bundle ${library.entry}: ${error instanceof Error ? error.message : String(error)}`,
      { fix: 'run npm install (the library is a dependency of the project)', cause: error },
    );
  }
  const text = result.outputFiles?.[0]?.text ?? '';
  return `globalThis[Symbol.for(${JSON.stringify(slotKey(library.name))})] = (() => {\n${text}\nreturn __toolsmith_module;\n})();\n`;
}
