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
import type { Sandbox, SandboxLimits, SandboxOptions } from '../../sandbox/types.ts';
import { draftProblems, toolsOfCode } from '../records/check-draft.ts';
import { nameProblem, toIdentifier, toSkillName } from '../skill-name.ts';
import type { SkillDraft } from '../types.ts';
import { checkExample } from './check-example.ts';
import { DISTILL_SYSTEM, DistilledSchema, extractJson } from './distill-prompt.ts';

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

/** A distiller on the given model; its checks run in sandboxes from `createSandbox`. */
export function createDistiller(options: DistillerOptions): Distiller {
  const limits: Partial<SandboxLimits> = {
    memoryMb: 64,
    timeoutMs: 2000,
    wallMs: 5000,
    ...options.checkLimits,
  };
  return {
    async distill(input, api) {
      if (isTrivialCode(input.code)) return { ok: false, reason: 'the code is trivial' };
      const answer = await askModel(options, input);
      if (!answer.ok) return answer;
      const { skill, expected } = answer;
      const problems = draftProblems({
        ...skill,
        task: '',
        scope: 'local',
        author: 'distiller',
        source: 'learned',
      });
      if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
      const tools = toolsOfCode(skill.code, toIdentifier(skill.name));
      const checked = await checkExample({
        createSandbox: options.createSandbox,
        limits,
        skill,
        tools,
        expected,
        ...(api ? { api } : {}),
      });
      if (!checked.ok) return { ok: false, reason: `check failed: ${checked.reason}` };
      return { ok: true, skill: { ...skill, tools, checkResult: checked.result } };
    },
  };
}

/** Ask the model for a skill and parse its answer: the skill (name fixed up) and its expected value. */
async function askModel(
  options: DistillerOptions,
  input: { task: string; code: string },
): Promise<{ ok: true; skill: DistilledSkill; expected: unknown } | { ok: false; reason: string }> {
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
  const text = response.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n');
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
  const skill: DistilledSkill = {
    name: nameProblem(answer.name) ? toSkillName(answer.name) : answer.name,
    description: answer.description.trim(),
    signature: answer.signature.trim(),
    code: answer.code.trim(),
    example: answer.example.trim(),
  };
  return { ok: true, skill, expected: answer.expected };
}
