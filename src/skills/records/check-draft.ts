/** Checks a skill draft before it reaches the store: names, scope, sizes, and that the code compiles and defines its function. */
import { Script } from 'node:vm';
import { UsageError } from '../../errors.ts';
import { nameProblem, SKILL_SCOPE, toIdentifier } from '../skill-name.ts';
import type { SkillDraft } from '../types.ts';

export const MAX_DESCRIPTION_CHARS = 1024;
export const MAX_SIGNATURE_CHARS = 500;
export const MAX_CODE_CHARS = 50_000;
export const MAX_TASK_CHARS = 4000;

/** Does `code` declare `identifier` as a function (declaration, or const/let/var assignment)? */
export function definesFunction(code: string, identifier: string): boolean {
  const id = identifier.replace(/[$]/g, '\\$');
  return new RegExp(
    `(^|[\\s;{}])(async\\s+)?function\\s*\\*?\\s*${id}\\s*\\(|(^|[\\s;{}])(const|let|var)\\s+${id}\\s*=`,
  ).test(code);
}

/**
 * Compile (never run) `code` as the body of an async function, the way the sandbox prelude defines
 * skills, to report a syntax error with its line. Returns undefined when it compiles.
 */
export function syntaxProblem(code: string): string | undefined {
  try {
    new Script(`(async function () {\n${code}\n})`, { filename: 'skill.js', lineOffset: -1 });
    return undefined;
  } catch (error) {
    const line = error instanceof Error ? /skill\.js:(\d+)/.exec(error.stack ?? '')?.[1] : undefined;
    return `the code does not compile${line ? ` (line ${line})` : ''}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Every problem of a draft, as sentences a user can act on (empty when it is fine). */
export function draftProblems(draft: SkillDraft): string[] {
  const problems: string[] = [];
  const name = nameProblem(draft.name);
  if (name) problems.push(name);
  if (!SKILL_SCOPE.test(draft.scope))
    problems.push(`"${draft.scope}" is not a scope: use a server id, local or global`);
  if (!draft.description.trim()) problems.push('the description is empty');
  if (draft.description.length > MAX_DESCRIPTION_CHARS)
    problems.push(`the description is longer than ${MAX_DESCRIPTION_CHARS} characters`);
  if (!draft.signature.trim()) problems.push('the signature is empty');
  if (draft.signature.length > MAX_SIGNATURE_CHARS)
    problems.push(`the signature is longer than ${MAX_SIGNATURE_CHARS} characters`);
  if (draft.task.length > MAX_TASK_CHARS)
    problems.push(`the task text is longer than ${MAX_TASK_CHARS} characters`);
  if (!draft.author.trim()) problems.push('the author is empty');
  if (!['learned', 'seed', 'imported'].includes(draft.source))
    problems.push(`"${draft.source}" is not a source`);
  if (!draft.code.trim()) problems.push('the code is empty');
  else if (draft.code.length > MAX_CODE_CHARS)
    problems.push(`the code is longer than ${MAX_CODE_CHARS} characters`);
  else {
    const syntax = syntaxProblem(draft.code);
    if (syntax) problems.push(syntax);
    else if (!name && !definesFunction(draft.code, toIdentifier(draft.name))) {
      problems.push(
        `the code does not define a function ${toIdentifier(draft.name)} (the name ${draft.name} in camelCase)`,
      );
    }
  }
  return problems;
}

/** Throw a UsageError naming every problem of the draft. */
export function assertDraft(draft: SkillDraft): void {
  const problems = draftProblems(draft);
  if (problems.length > 0) throw new UsageError(`skill "${draft.name}": ${problems.join('; ')}`);
}
