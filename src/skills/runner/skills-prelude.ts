/**
 * Runs INSIDE the sandbox (a runtime file: self-contained, types stripped at load; see
 * src/sandbox/runtime-module.ts). It builds the `skills` namespace: `skills.<identifier>(...args)`
 * asks the host to run that skill (in a sandbox of its own, with only its declared tools) and
 * returns its result. Nothing here can count, load or define a skill: the host does all of that.
 */
import type { BindingTree } from '../../sandbox/types.ts';

/** The `skills` namespace for the bindings tree `api` (one binding: `call`). */
export function prelude(api: BindingTree): unknown {
  const call = api.call;
  if (typeof call !== 'function') throw new TypeError('skills: the host gave no call binding');
  const passes = (key: string | symbol) =>
    typeof key === 'symbol' || key === 'then' || key === 'toJSON' || key in Object.prototype;
  return new Proxy(Object.create(null), {
    get(_target, key) {
      if (passes(key)) return undefined;
      const identifier = String(key);
      return (...args: unknown[]) => call(identifier, args);
    },
    set() {
      throw new TypeError('skills is read-only: define your own function instead');
    },
    defineProperty() {
      throw new TypeError('skills is read-only: define your own function instead');
    },
  });
}
