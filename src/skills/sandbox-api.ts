/**
 * Makes skills callable from sandboxed code as `await skills.<identifier>(...args)`.
 *
 * The prelude (plain JavaScript evaluated in each fresh isolate context) defines `globalThis.skills`
 * as a proxy. On the first call of a name it asks the host for the skill's code through the
 * `__skills.load` binding and defines the function inside the isolate from that code (so skill code
 * runs in the sandbox, never on the host), caches it for the context, and reports each call's
 * success or failure through `__skills.report`. The bindings live under `__skills`, not `skills`, so
 * re-binding (which redefines binding paths) never touches the proxy.
 */
import type { SkillSandboxApi } from '../agent/types.ts';
import { closeNames } from '../text/close-names.ts';
import type { Skill } from './types.ts';

export interface SkillSandboxApiOptions {
  /** The skill callable as `identifier` in this scope, if any. */
  resolve(identifier: string): Skill | undefined;
  /** Every identifier callable in this scope (for "did you mean"). */
  identifiers(): string[];
  /** One finished call (when `count` is on). */
  onCall?(skill: Skill, ok: boolean): void;
}

const PRELUDE = String.raw`(() => {
  const host = () => globalThis.__skills;
  const cache = new Map();
  const define = (identifier, code) => {
    let fn;
    try {
      fn = new Function(code + '\n;return typeof ' + identifier + " === 'function' ? " + identifier + ' : undefined;')();
    } catch (error) {
      throw new SyntaxError('skills.' + identifier + ' does not compile: ' + (error && error.message));
    }
    if (typeof fn !== 'function') throw new TypeError('skills.' + identifier + ': its code does not define a function ' + identifier);
    return fn;
  };
  const call = async (identifier, args) => {
    let fn = cache.get(identifier);
    if (!fn) {
      const loaded = await host().load(identifier);
      try {
        fn = define(loaded.identifier, loaded.code);
      } catch (error) {
        await host().report(identifier, false);
        throw error;
      }
      cache.set(identifier, fn);
    }
    let result;
    try {
      result = await fn(...args);
    } catch (error) {
      await host().report(identifier, false);
      throw error;
    }
    await host().report(identifier, true);
    return result;
  };
  const skills = new Proxy(Object.create(null), {
    get(_target, key) {
      if (typeof key !== 'string' || key === 'then' || key === 'toJSON') return undefined;
      return (...args) => call(key, args);
    },
    set() {
      throw new TypeError('skills is read-only: define your own function instead');
    },
  });
  Object.defineProperty(globalThis, 'skills', { value: skills, enumerable: false, configurable: false, writable: false });
})();`;

function identifierArg(args: unknown[]): string {
  const [identifier] = args;
  if (typeof identifier !== 'string' || identifier.length === 0 || identifier.length > 100) {
    throw new TypeError('skills: a skill name must be a non-empty string');
  }
  return identifier;
}

/** Bindings + prelude for one scope. */
export function createSkillSandboxApi(options: SkillSandboxApiOptions): SkillSandboxApi {
  /** The skill each identifier loaded as, so a call's report does not read the store again. */
  const loaded = new Map<string, Skill>();
  const find = (identifier: string): Skill => {
    const skill = options.resolve(identifier);
    if (skill) return skill;
    const near = closeNames(identifier, options.identifiers());
    throw new ReferenceError(
      `skills.${identifier} is not a skill in this library${near.length > 0 ? `; did you mean ${near.map((n) => `skills.${n}`).join(', ')}?` : ''}`,
    );
  };
  return {
    prelude: PRELUDE,
    bindings: {
      '__skills.load': (args) => {
        const identifier = identifierArg(args);
        const skill = find(identifier);
        loaded.set(identifier, skill);
        return { identifier: skill.identifier, code: skill.code, version: skill.version };
      },
      '__skills.report': (args) => {
        const identifier = identifierArg(args);
        const skill = loaded.get(identifier) ?? options.resolve(identifier);
        if (skill) options.onCall?.(skill, args[1] === true);
        return null;
      },
    },
  };
}
