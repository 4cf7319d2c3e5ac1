/**
 * Scripts the host puts into isolates again and again (preludes, libraries) are compiled once per
 * process: V8's code cache (isolated-vm's `cachedData`) is kept and handed to every later compile,
 * so a fresh isolate deserializes the compiled code instead of parsing the source again.
 */
import type ivm from 'isolated-vm';

export interface ScriptCache {
  /** Compile `code` in `isolate`, from the cache when there is one (made on the first compile). */
  compile(
    isolate: ivm.Isolate,
    code: string,
    filename: string,
    sync: boolean,
  ): Promise<ivm.Script> | ivm.Script;
  /** Entries held, and how many cached compiles V8 refused (then compiled afresh). */
  stats(): { entries: number; rejected: number };
}

/** A cache keyed by file name and source length (the file name names a fixed source, e.g. `lib/yaml@2.9.1`). */
export function createScriptCache(): ScriptCache {
  const cache = new Map<string, ivm.ExternalCopy<ArrayBuffer>>();
  let rejected = 0;
  const keyOf = (code: string, filename: string) => `${filename}\0${code.length}`;
  const options = (key: string, filename: string): ivm.ScriptInfo => {
    const cachedData = cache.get(key);
    return cachedData ? { filename, cachedData } : { filename, produceCachedData: true };
  };
  const remember = (key: string, compiled: ivm.Script): ivm.Script => {
    const script = compiled as ivm.Script & ivm.CachedDataResult & { cachedDataRejected?: boolean };
    if (script.cachedDataRejected === true) {
      rejected++;
      cache.delete(key);
    }
    if (script.cachedData && !cache.has(key)) cache.set(key, script.cachedData);
    return script;
  };
  return {
    compile(isolate, code, filename, sync) {
      const key = keyOf(code, filename);
      const opts = options(key, filename);
      if (sync) return remember(key, isolate.compileScriptSync(code, opts));
      return isolate.compileScript(code, opts).then((script) => remember(key, script));
    },
    stats() {
      return { entries: cache.size, rejected };
    },
  };
}

/** The one cache of this process: compiled code does not depend on the isolate it came from. */
export const processScriptCache: ScriptCache = createScriptCache();
