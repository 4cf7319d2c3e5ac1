/**
 * The check before a distilled skill is saved: its example runs in a fresh sandbox whose `tools` only
 * record, so a skill that calls tools is checked honestly (its calls are listed in the result, and it
 * is never shared without review), not silently passed.
 */
import type { SkillSandboxApi } from '../../agent/types.ts';
import type { Sandbox, SandboxLimits, SandboxOptions, SandboxProvider } from '../../sandbox/types.ts';
import { toIdentifier } from '../skill-name.ts';
import type { SkillDraft } from '../types.ts';
import { looselyEqual } from './loosely-equal.ts';

/** The check result (saved with the skill), or why the skill fails its check. */
export type ExampleCheck = { ok: true; result: string } | { ok: false; reason: string };

/** The skill to check, where it runs and what it should return. */
export interface CheckExampleOptions {
  createSandbox: (options: SandboxOptions) => Sandbox;
  limits: Partial<SandboxLimits>;
  skill: Pick<SkillDraft, 'name' | 'code' | 'example'>;
  /** The tools the code calls (recorded, never run). */
  tools: string[];
  /** What the distiller said the example returns, if it said. */
  expected: unknown;
  /** Makes the scope's skills callable during the check. */
  api?: SkillSandboxApi;
}

/** Run the skill's example once; see the module header. */
export async function checkExample(options: CheckExampleOptions): Promise<ExampleCheck> {
  const { skill, tools, expected, api } = options;
  const calls: string[] = [];
  const recording = recordingTools(tools, calls);
  const sandbox = options.createSandbox({
    limits: options.limits,
    providers: [recording, ...(api ? [api] : [])],
  });
  try {
    const identifier = toIdentifier(skill.name);
    const ran = await sandbox.run(`${skill.code}\n;${skill.example ?? ''}`);
    if (calls.length > 0) {
      return {
        ok: true,
        result: `not verified: the example called ${calls.join(', ')} (recorded, not run)`,
      };
    }
    if (!ran.ok) return { ok: false, reason: `the example fails: ${ran.error?.name}: ${ran.error?.message}` };
    if (expected !== undefined && !looselyEqual(ran.data, expected)) {
      return {
        ok: false,
        reason: `the example returned ${ran.value ?? 'nothing'}, not the expected ${JSON.stringify(expected)?.slice(0, 200)}`,
      };
    }
    return {
      ok: true,
      result: `passed: ${identifier} ${expected === undefined ? 'ran its example' : 'returned the expected value'}${tools.length > 0 ? `; declares ${tools.map((t) => `tools.${t}`).join(', ')}` : ''}`,
    };
  } finally {
    sandbox.dispose();
  }
}

/** A `tools` provider whose every tool records its call in `calls` and throws. */
function recordingTools(tools: string[], calls: string[]): SandboxProvider {
  return {
    namespace: 'tools',
    bindings: Object.fromEntries(
      tools.map((tool) => [
        tool,
        (args: unknown[]) => {
          calls.push(`tools.${tool}(${JSON.stringify(args[0] ?? {}).slice(0, 200)})`);
          throw Object.assign(new Error(`tools.${tool} is not run during the check`), {
            name: 'ToolError',
          });
        },
      ]),
    ),
  };
}
