/**
 * Runs INSIDE the sandbox (a runtime file: self-contained, types stripped at load; see
 * src/sandbox/runtime-module.ts). It builds the `tools` namespace from the hub's bindings and defines
 * `ToolError` (whose `instanceof` recognises the errors the sandbox rebuilds by name). A guard in the
 * prototype of `tools` and of each `tools.<server>` makes a misspelt name throw with the close names
 * instead of `undefined is not a function`. Every server's namespace exists, even one without tools,
 * so reaching for it says why it has none.
 */
import type { BindingTree, PreludeKit } from '../sandbox/types.ts';

/** What the hub hands the prelude (copied in as JSON). */
export interface ToolsPreludeData {
  /** Every server's namespace identifier. */
  servers: string[];
  /** Why a server has no tools (e.g. `is off: ...`, `failed: ...`), by identifier. */
  reasons: Record<string, string>;
}

/** The `tools` namespace for the bindings tree `api`. */
export function prelude(api: BindingTree, data: ToolsPreludeData, kit: PreludeKit): BindingTree {
  class ToolError extends Error {
    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof Error && value.name === 'ToolError';
    }
  }
  Object.defineProperty(ToolError.prototype, 'name', {
    value: 'ToolError',
    writable: true,
    configurable: true,
  });
  Object.defineProperty(globalThis, 'ToolError', { value: ToolError, writable: true, configurable: true });

  const tools = api;
  const own = (object: object, key: string) => Object.hasOwn(object, key);
  for (const id of data.servers) if (!own(tools, id)) tools[id] = {};
  const closeTo = (wanted: string, names: string[]) => kit.closeNames(wanted, names, 3, kit.normalizeName);
  const passes = (key: string | symbol) =>
    typeof key === 'symbol' || key in Object.prototype || key === 'then' || key === 'toJSON';
  const guard = (object: object, explain: (key: string, names: string[]) => string) => {
    const trap = new Proxy(Object.prototype, {
      get(target, key, receiver) {
        if (passes(key)) return Reflect.get(target, key, receiver);
        throw new ToolError(explain(String(key), Object.keys(receiver)));
      },
    });
    Object.setPrototypeOf(object, trap);
  };
  guard(tools, (key, names) => {
    const near = closeTo(key, names);
    return `unknown tool server tools.${key}${near.length ? `; did you mean ${near.join(', ')}?` : ''} Servers: ${names.join(', ') || '(none)'}`;
  });
  for (const server of Object.keys(tools)) {
    const namespace = tools[server];
    if (typeof namespace !== 'object' || namespace === null) continue;
    guard(namespace, (key, names) => {
      if (names.length === 0) {
        const why = own(data.reasons, server)
          ? data.reasons[server]
          : 'has no tools right now (not connected)';
        return `unknown tool tools.${server}.${key}: tool server ${server} ${why}`;
      }
      const near = closeTo(key, names);
      return `unknown tool tools.${server}.${key}${near.length ? `; did you mean ${near.join(', ')}?` : `; its tools are: ${names.slice(0, 30).join(', ')}`}`;
    });
  }
  return tools;
}
