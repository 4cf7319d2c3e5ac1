/**
 * Runs INSIDE the sandbox (a runtime file: self-contained, types stripped at load; see
 * src/sandbox/runtime-module.ts). It returns the import function that prepare-code points agent
 * code at (`import X from 'name'`, `import { a } from 'name'`, `await import('name')`): an allowed
 * library is loaded once per context (the host evaluates its bundle; the bundle leaves its exports
 * in a symbol-keyed slot) and its namespace is cached; anything else is refused with the list of
 * what is available. The library runs in this same isolate and gets no bindings of its own.
 */
import type { BindingTree, PreludeKit } from '../types.ts';

export interface ImportPreludeData {
  /** Allowed names, with a few words each. */
  libraries: { name: string; about: string }[];
}

type Namespace = Record<string, unknown>;

/** The import function for the bindings tree `api` (one binding: `load`). */
export function prelude(api: BindingTree, data: ImportPreludeData, kit: PreludeKit) {
  const load = api.load as (name: string) => Promise<unknown>;
  const names = data.libraries.map((library) => library.name);
  const loaded = new Map<string, Promise<Namespace>>();
  const list = () => data.libraries.map((library) => `${library.name} (${library.about})`).join(', ');

  const namespaceOf = async (name: string): Promise<Namespace> => {
    await load(name);
    const slot = Symbol.for(`toolsmith.module:${name}`);
    const global = globalThis as unknown as Record<symbol, unknown>;
    const exports = global[slot];
    delete global[slot];
    if (exports === null || (typeof exports !== 'object' && typeof exports !== 'function')) {
      throw new Error(`the library ${name} did not load`);
    }
    const namespace: Namespace = Object.create(null);
    for (const key of Object.keys(exports)) namespace[key] = (exports as Namespace)[key];
    Object.defineProperty(namespace, Symbol.toStringTag, { value: 'Module' });
    return Object.freeze(namespace);
  };

  /** `await import(name)`; with `wanted`, the names a static import asks for are checked, as Node does. */
  return async function importLibrary(specifier: unknown, wanted?: string[]): Promise<Namespace> {
    const name = String(specifier);
    if (!names.includes(name)) {
      const near = kit.closeNames(name, names);
      throw new Error(
        `Cannot import '${name}': it is not available in the sandbox${near.length ? ` (did you mean '${near.join("', '")}'?)` : ''}. Available: ${list()}. Tools are in scope as tools.<server>.<tool>() without an import.`,
      );
    }
    let namespace = loaded.get(name);
    if (!namespace) {
      namespace = namespaceOf(name);
      loaded.set(name, namespace);
      namespace.catch(() => loaded.delete(name));
    }
    const value = await namespace;
    for (const key of Array.isArray(wanted) ? wanted : []) {
      if (key in value) continue;
      const near = kit.closeNames(key, Object.keys(value), 3, (n) => n.toLowerCase());
      throw new SyntaxError(
        `The requested module '${name}' does not provide an export named '${key}'${near.length ? `; did you mean ${near.join(', ')}?` : ''}`,
      );
    }
    return value;
  };
}
