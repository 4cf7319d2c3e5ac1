/**
 * The library side of `toolsmith skills`: list, search, show, delete, export, import and reindex,
 * one function each, given the opened library and the parsed arguments (skills.ts parses and opens).
 */

import { UsageError } from '../../errors.ts';
import { exportSkills, readSkillFolders } from '../../skills/files/skill-files.ts';
import { GLOBAL_SCOPE, scopesFor } from '../../skills/skill-name.ts';
import type { SaveResult, Skill, SkillActor, SkillLibrary } from '../../skills/types.ts';
import { color } from '../print.ts';
import { type Emit, scopeOf } from './skills-review.ts';

/** What every library subcommand gets: the opened library and the parsed arguments. */
export interface SkillsContext {
  library: SkillLibrary;
  /** The first positional after the subcommand ('' when none). */
  arg: string;
  scope: string | undefined;
  limit: number;
  includeGlobal: boolean;
  actor: SkillActor;
  emit: Emit;
}

const summary = (skill: Skill) => ({
  name: skill.name,
  scope: skill.scope,
  description: skill.description,
  signature: skill.signature,
  source: skill.source,
  author: skill.author,
  state: skill.state,
  version: skill.version,
  versionAuthor: skill.versionAuthor,
  tools: skill.tools,
  used: skill.used,
  succeeded: skill.succeeded,
  failed: skill.failed,
  votes: skill.votes,
  retrieved: skill.retrieved,
  updatedAt: skill.updatedAt,
});

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  return rows.map((row) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
  );
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The one skill called NAME (or its camelCase identifier) in the given scope or any; else a UsageError. */
function findOne(library: SkillLibrary, name: string, scope: string | undefined): Skill {
  const found = library.get(name, [scopeOf(library, name, scope)]);
  if (!found)
    throw new UsageError(`no skill named ${name}${scope ? ` in scope ${scope}` : ''}`, {
      fix: 'See `toolsmith skills list`',
    });
  return found;
}

function list({ library, scope, emit }: SkillsContext): void {
  const skills = library.list(scope ? [scope] : undefined);
  emit(skills.map(summary), () =>
    skills.length === 0
      ? ['no skills']
      : table([
          ['NAME', 'SCOPE', 'SOURCE', 'V', 'USED', 'OK', 'FAIL', 'VOTES', 'DESCRIPTION'],
          ...skills.map((s) => [
            s.name,
            s.scope,
            s.source,
            String(s.version),
            String(s.used),
            String(s.succeeded),
            String(s.failed),
            String(s.votes),
            clip(s.description, 60),
          ]),
        ]),
  );
}

async function search({ library, arg, scope, limit, emit }: SkillsContext): Promise<void> {
  const scopes = scope ? scopesFor(scope) : [...new Set(library.list().map((s) => s.scope))];
  const hits = await library.search(arg, scopes, limit);
  emit(
    hits.map((hit) => ({ ...summary(hit.skill), similarity: hit.similarity, score: hit.score })),
    () =>
      hits.length === 0
        ? ['no matches']
        : table([
            ['SCORE', 'NAME', 'SCOPE', 'DESCRIPTION'],
            ...hits.map((hit) => [
              hit.score.toFixed(3),
              hit.skill.name,
              hit.skill.scope,
              clip(hit.skill.description, 70),
            ]),
          ]),
  );
}

function show({ library, arg, scope, emit }: SkillsContext): void {
  const skill = findOne(library, arg, scope);
  emit(
    {
      ...summary(skill),
      code: skill.code,
      task: skill.task,
      example: skill.example ?? null,
      hash: skill.hash,
      createdAt: skill.createdAt,
    },
    () => [
      `${color.bold(skill.name)} (${skill.scope}, ${skill.source} by ${skill.author}, v${skill.version} by ${skill.versionAuthor}, ${skill.state})`,
      skill.description,
      '',
      `signature: ${skill.signature}`,
      `call:      await skills.${skill.identifier}(...)  (resolves to: the server's override, else global, else the server's, else your own proposal)`,
      `tools:     ${skill.tools.map((tool) => `tools.${tool}`).join(', ') || 'none'}`,
      ...(skill.checkResult ? [`check:     ${skill.checkResult}`] : []),
      ...(skill.example ? [`example:   ${skill.example}`] : []),
      ...(skill.task ? [`task:      ${clip(skill.task.replace(/\s+/g, ' '), 200)}`] : []),
      `counters:  retrieved ${skill.retrieved}, used ${skill.used} (${skill.succeeded} ok, ${skill.failed} failed), votes ${skill.votes}`,
      '',
      skill.code.trimEnd(),
    ],
  );
}

async function remove({ library, arg, scope, actor, emit }: SkillsContext): Promise<void> {
  const skill = findOne(library, arg, scope);
  await library.delete(skill.name, skill.scope, actor);
  const disabled = skill.source === 'seed';
  emit({ deleted: skill.name, scope: skill.scope, disabled }, () => [
    disabled
      ? `disabled the seed ${skill.name} (it stays disabled across restarts; \`approve\` brings it back)`
      : `deleted ${skill.name} from scope ${skill.scope}`,
  ]);
}

async function exportTo({ library, arg, scope, includeGlobal, emit }: SkillsContext): Promise<void> {
  // Globals (the seeds among them) only when asked: importing them elsewhere would copy them.
  const scopes = scope
    ? [scope, ...(includeGlobal && scope !== GLOBAL_SCOPE ? [GLOBAL_SCOPE] : [])]
    : undefined;
  const chosen = library
    .list(scopes)
    .filter(
      (s) => s.state === 'approved' && (includeGlobal || scope === GLOBAL_SCOPE || s.scope !== GLOBAL_SCOPE),
    );
  const folders = await exportSkills(chosen, arg);
  emit({ exported: folders.length, dir: arg, folders }, () => [
    `exported ${folders.length} skills to ${arg}`,
  ]);
}

async function importFrom({ library, arg, scope, actor, emit }: SkillsContext): Promise<void> {
  const drafts = await readSkillFolders(arg, { scope: scope ?? 'local', author: 'import' });
  const results: SaveResult[] = [];
  for (const draft of drafts) results.push(await library.save(draft, actor));
  const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
  emit(
    results.map((r) => ({
      name: r.skill.name,
      scope: r.skill.scope,
      outcome: r.outcome,
      version: r.skill.version,
    })),
    () => [
      `imported into scope ${scope ?? 'local'}: ${count('added')} added, ${count('updated')} updated, ${count('unchanged')} unchanged${count('proposed') > 0 ? `, ${count('proposed')} proposed (see toolsmith skills review)` : ''}`,
    ],
  );
}

function reindex({ library, emit }: SkillsContext): void {
  const count = library.list().length;
  const { provider, model, dimensions } = library.embedder;
  emit({ reindexed: count, provider, model, dimensions: dimensions ?? null }, () => [
    `reindexed ${count} skills with ${provider}/${model}${dimensions ? ` (${dimensions} dimensions)` : ''}`,
  ]);
}

/** The library subcommands by name (the review ones are in skills-review.ts). */
export const skillActions: Record<string, (context: SkillsContext) => void | Promise<void>> = {
  list,
  search,
  show,
  delete: remove,
  export: exportTo,
  import: importFrom,
  reindex,
};
