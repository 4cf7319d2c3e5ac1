/**
 * The library loader as a sandbox provider: the namespace prepare-code's import rewriting calls
 * (`__toolsmith_import`), one binding (`load`) that evaluates an allowed library's bundle in the
 * calling session's context, and the import prelude. Bundles are built once (cached on disk), and
 * their compiled code once per process (the sandbox's script cache), so the first import in a fresh
 * session only deserializes code. A session that imports nothing pays nothing: the namespace is
 * built when code first touches it.
 */
import type { SandboxProvider } from '../types.ts';
import { bundleLibrary, DEFAULT_CACHE_DIR, type LibraryBundle } from './bundle-library.ts';
import { findLibrary, IMPORT_NAMESPACE, LIBRARIES } from './catalog.ts';
import type { ImportPreludeData } from './import-prelude.ts';

const IMPORT_PRELUDE = new URL('./import-prelude.ts', import.meta.url);

export interface LibraryProviderOptions {
  /** Where bundles are cached (default node_modules/.cache/toolsmith-libraries). */
  cacheDir?: string;
}

export interface LibraryProvider extends SandboxProvider {
  /** Build (or read) every bundle now, e.g. at start-up, so no first import waits for esbuild. */
  warm(): Promise<void>;
}

/** The provider; bundles are shared by every session that uses this provider object. */
export function createLibraryProvider(options: LibraryProviderOptions = {}): LibraryProvider {
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const bundles = new Map<string, Promise<LibraryBundle>>();
  const bundle = (name: string): Promise<LibraryBundle> => {
    let pending = bundles.get(name);
    const library = findLibrary(name);
    if (!library) return Promise.reject(new TypeError(`${name} is not an allowed library`));
    if (!pending) {
      pending = bundleLibrary(library, cacheDir);
      bundles.set(name, pending);
      pending.catch(() => bundles.delete(name));
    }
    return pending;
  };
  const data: ImportPreludeData = { libraries: LIBRARIES.map(({ name, about }) => ({ name, about })) };
  return {
    namespace: IMPORT_NAMESPACE,
    bindings: {
      load: async (args, context) => {
        const name = String(args[0]);
        const built = await bundle(name);
        await context.evaluate({ code: built.code, filename: `toolsmith:lib/${name}@${built.version}` });
        return null;
      },
    },
    prelude: { file: IMPORT_PRELUDE, data },
    async warm() {
      await Promise.all(LIBRARIES.map((library) => bundle(library.name)));
    },
  };
}

let shared: LibraryProvider | undefined;

/**
 * The library provider the process's sessions share (bundles are read or built once per process),
 * for callers that do not make their own.
 */
export function sharedLibraryProvider(): LibraryProvider {
  shared ??= createLibraryProvider();
  return shared;
}
