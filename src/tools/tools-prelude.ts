/**
 * JavaScript run inside the sandbox after the bindings (the sandbox's `prelude` option). It defines
 * `ToolError` (whose `instanceof` recognises the errors the sandbox rebuilds by name), and puts a guard
 * in the prototype of `tools` and of each `tools.<server>`, so a misspelt name throws with the close
 * names instead of `undefined is not a function`. Guards sit in prototypes, not around the objects,
 * so the sandbox can still rebind functions; every server's namespace is created up front, so a rebind
 * never has to look one up.
 */

/**
 * The prelude for a hub whose server namespaces are `serverIdentifiers`; `reasons` says why a server
 * has no tools (e.g. `is off: ...`, `failed: ...`), for the message when code reaches for one.
 */
export function toolsPrelude(serverIdentifiers: string[], reasons: Record<string, string> = {}): string {
  return `(() => {
  'use strict';
  class ToolError extends Error {
    static [Symbol.hasInstance](value) { return value instanceof Error && value.name === 'ToolError'; }
  }
  Object.defineProperty(ToolError.prototype, 'name', { value: 'ToolError', writable: true, configurable: true });
  Object.defineProperty(globalThis, 'ToolError', { value: ToolError, writable: true, configurable: true });
  if (typeof globalThis.tools !== 'object' || globalThis.tools === null) {
    Object.defineProperty(globalThis, 'tools', { value: {}, writable: true, configurable: true, enumerable: true });
  }
  const tools = globalThis.tools;
  const own = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
  for (const id of ${JSON.stringify(serverIdentifiers)}) if (!own(tools, id)) tools[id] = {};
  const reasons = ${JSON.stringify(reasons)};

  const normal = (s) => String(s).toLowerCase().replace(/[^a-z0-9]/g, '');
  const distance = (a, b) => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let diagonal = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const above = row[j];
        row[j] = Math.min(above + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
        diagonal = above;
      }
    }
    return row[b.length];
  };
  const closeTo = (wanted, names) => {
    const target = normal(wanted);
    return names
      .map((name) => {
        const n = normal(name);
        return { name, d: n === target ? 0 : n.includes(target) || target.includes(n) ? 0.5 : distance(target, n) };
      })
      .filter((e) => e.d <= Math.max(2, Math.floor(target.length / 3)))
      .sort((a, b) => a.d - b.d)
      .slice(0, 3)
      .map((e) => e.name);
  };
  const passes = (key) => typeof key === 'symbol' || key in Object.prototype || key === 'then' || key === 'toJSON';
  const guard = (object, explain) => {
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
    return 'unknown tool server tools.' + key + (near.length ? '; did you mean ' + near.join(', ') + '?' : '') +
      ' Servers: ' + (names.join(', ') || '(none)');
  });
  for (const server of Object.keys(tools)) {
    if (typeof tools[server] !== 'object' || tools[server] === null) continue;
    guard(tools[server], (key, names) => {
      if (names.length === 0) {
        const why = own(reasons, server) ? reasons[server] : 'has no tools right now (not connected)';
        return 'unknown tool tools.' + server + '.' + key + ': tool server ' + server + ' ' + why;
      }
      const near = closeTo(key, names);
      return 'unknown tool tools.' + server + '.' + key +
        (near.length ? '; did you mean ' + near.join(', ') + '?' : '; its tools are: ' + names.slice(0, 30).join(', '));
    });
  }
})();
`;
}
