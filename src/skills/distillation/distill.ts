/**
 * Distillation: the (cheaper) model turns the code that solved a task into a reusable, parameterised
 * function with a name, description, signature and an example call. The answer is parsed with zod, its
 * code checked by parsing (exactly one function declaration; the tools it calls found), and its example
 * run in a fresh sandbox whose tools only record calls (the result says what it called, or that it
 * returned roughly what the distiller expected) before anything is saved. Trivial code never reaches
 * the model; a failed check saves nothing.
 */
import type { SkillSandboxApi } from '../../agent/types.ts';
import type { Model } from '../../model/types.ts';
import type { Sandbox, SandboxLimits, SandboxOptions, SandboxProvider } from '../../sandbox/types.ts';
import { draftProblems, toolsOfCode } from '../records/check-draft.ts';
import { nameProblem, toIdentifier, toSkillName } from '../skill-name.ts';
import type { SkillDraft } from '../types.ts';
import { DISTILL_SYSTEM, DistilledSchema, extractJson } from './distill-prompt.ts';
import { looselyEqual } from './loosely-equal.ts';

/** What a distillation yields: the skill's own fields (the library adds task, scope, author, source). */
export type DistilledSkill = Pick<SkillDraft, 'name' | 'description' | 'signature' | 'code' | 'example'> &
  Partial<Pick<SkillDraft, 'tools' | 'checkResult'>>;

export type Distillation = { ok: true; skill: DistilledSkill } | { ok: false; reason: string };

export interface Distiller {
  /** `api` makes the scope's skills callable during the check (without counting as use). */
  distill(input: { task: string; code: string }, api?: SkillSandboxApi): Promise<Distillation>;
}

export interface DistillerOptions {
  model: Model;
  /** The distillation model id (config.anthropic.distillModel). */
  modelId: string;
  createSandbox: (options: SandboxOptions) => Sandbox;
  /** Limits of the check sandbox (default: 64 MB, 2 s CPU, 5 s wall). */
  checkLimits?: Partial<SandboxLimits>;
  maxTokens?: number;
}

/** Code too small to be worth a skill: under 60 non-space characters, or one short line. */
export function isTrivialCode(code: string): boolean {
  const compact = code.replace(/\s+/g, '');
  const lines = code.split('\n').filter((line) => line.trim() && !line.trim().startsWith('//'));
  return compact.length < 60 || (lines.length <= 1 && compact.length < 120);
}

export function createDistiller(options: DistillerOptions): Distiller {
  const limits: Partial<SandboxLimits> = {
    memoryMb: 64,
    timeoutMs: 2000,
    wallMs: 5000,
    ...options.checkLimits,
  };

  /**
   * Run the example in a fresh sandbox whose `tools` only record: a skill that calls tools is checked
   * honestly (its calls are listed in the result, and it is never shared without review), not
   * silently passed. Returns the check result, or a failure reason.
   */
  const check = async (
    skill: DistilledSkill,
    tools: string[],
    expected: unknown,
    api?: SkillSandboxApi,
  ): Promise<{ ok: true; result: string } | { ok: false; reason: string }> => {
    const calls: string[] = [];
    const recording: SandboxProvider = {
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
    const sandbox = options.createSandbox({ limits, providers: [recording, ...(api ? [api] : [])] });
    try {
      const identifier = toIdentifier(skill.name);
      const ran = await sandbox.run(`${skill.code}\n;${skill.example ?? ''}`);
      if (calls.length > 0) {
        return {
          ok: true,
          result: `not verified: the example called ${calls.join(', ')} (recorded, not run)`,
        };
      }
      if (!ran.ok)
        return { ok: false, reason: `the example fails: ${ran.error?.name}: ${ran.error?.message}` };
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
  };

  return {
    async distill(input, api) {
      if (isTrivialCode(input.code)) return { ok: false, reason: 'the code is trivial' };
      const response = await options.model.complete({
        model: options.modelId,
        system: DISTILL_SYSTEM,
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'text',
                text: `Task:\n${input.task}\n\nCode that produced the result:\n\`\`\`js\n${input.code}\n\`\`\``,
              },
            ],
          },
        ],
        tools: [],
        maxTokens: options.maxTokens ?? 4000,
      });
      const text = response.content
        .flatMap((block) => (block.type === 'text' ? [block.text] : []))
        .join('\n');
      const parsed = DistilledSchema.safeParse(extractJson(text));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return {
          ok: false,
          reason: `the distiller's answer is not a skill (${issue?.path.join('.') || 'reply'}: ${issue?.message})`,
        };
      }
      const answer = parsed.data;
      if ('skip' in answer)
        return { ok: false, reason: `the distiller skipped it: ${answer.reason ?? 'nothing reusable'}` };
      const name = nameProblem(answer.name) ? toSkillName(answer.name) : answer.name;
      const skill: DistilledSkill = {
        name,
        description: answer.description.trim(),
        signature: answer.signature.trim(),
        code: answer.code.trim(),
        example: answer.example.trim(),
      };
      const problems = draftProblems({
        ...skill,
        task: '',
        scope: 'local',
        author: 'distiller',
        source: 'learned',
      });
      if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
      const tools = toolsOfCode(skill.code, toIdentifier(skill.name));
      const checked = await check(skill, tools, answer.expected, api);
      if (!checked.ok) return { ok: false, reason: `check failed: ${checked.reason}` };
      return { ok: true, skill: { ...skill, tools, checkResult: checked.result } };
    },
  };
}
