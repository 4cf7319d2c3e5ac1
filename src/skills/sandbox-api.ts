/**
 * The skills provider of a task session's sandbox: `await skills.<identifier>(...args)` in the
 * agent's code. One binding, `call`: the host resolves the name as the caller may see it, runs the
 * skill in a sandbox of its own (runner/skill-runner.ts) and counts the call. Counters come only
 * from what the host saw, once per skill per task session; nothing in the sandbox can write them.
 */
import type { SkillSandboxApi } from '../agent/types.ts';
import { closeNames } from '../text/close-names.ts';
import type { SkillCallOptions } from './runner/skill-runner.ts';
import type { Skill } from './types.ts';

const SKILLS_PRELUDE = new URL('./runner/skills-prelude.ts', import.meta.url);

export interface SkillSandboxApiOptions {
  /** The skill callable as `identifier` by this caller, if any. */
  resolve(identifier: string): Skill | undefined;
  /** Every identifier callable by this caller (for "did you mean"). */
  identifiers(): string[];
  /** Run one call of a skill (in its own sandbox). */
  run(skill: Skill, args: unknown[], options: SkillCallOptions): Promise<unknown>;
  /** A call's outcome, for counters: called once per skill per session (again if a failure turns to success). */
  onOutcome?(skill: Skill, outcome: 'succeeded' | 'failed' | 'recovered'): void;
  /** Every finished call, for the session's events. */
  onCall?(skill: Skill, ok: boolean): void;
  /** Dispose the sandboxes calls ran in. */
  dispose?(): void;
}

function identifierArg(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 100) {
    throw new TypeError('skills: a skill name must be a non-empty string');
  }
  return value;
}

/** The `skills` provider for one caller. */
export function createSkillSandboxApi(options: SkillSandboxApiOptions): SkillSandboxApi {
  /** Outcome counted so far for each skill id in this session. */
  const counted = new Map<number, 'succeeded' | 'failed'>();
  const count = (skill: Skill, ok: boolean) => {
    const before = counted.get(skill.id);
    if (before === undefined) {
      counted.set(skill.id, ok ? 'succeeded' : 'failed');
      options.onOutcome?.(skill, ok ? 'succeeded' : 'failed');
    } else if (before === 'failed' && ok) {
      counted.set(skill.id, 'succeeded');
      options.onOutcome?.(skill, 'recovered');
    }
    options.onCall?.(skill, ok);
  };
  return {
    namespace: 'skills',
    prelude: { file: SKILLS_PRELUDE },
    bindings: {
      call: async (args, context) => {
        const identifier = identifierArg(args[0]);
        const callArgs = Array.isArray(args[1]) ? args[1] : [];
        const skill = options.resolve(identifier);
        if (!skill) {
          const near = closeNames(identifier, options.identifiers());
          throw new ReferenceError(
            `skills.${identifier} is not a skill in this library${near.length > 0 ? `; did you mean ${near.map((n) => `skills.${n}`).join(', ')}?` : ''}`,
          );
        }
        let value: unknown;
        try {
          value = await options.run(skill, callArgs, { signal: context.signal });
        } catch (error) {
          count(skill, false);
          throw error;
        }
        count(skill, true);
        return value;
      },
    },
    dispose: () => options.dispose?.(),
  };
}
