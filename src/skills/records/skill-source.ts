/**
 * The library as the agent sees it (its SkillSource): looking skills up for a viewer, retrieving the
 * few worth offering in a prompt, the `skills` provider of a session's sandbox, and learning a skill
 * from a solved task. skill-library.ts opens the parts and hands them in.
 */
import type { OfferedSkill, SkillCaller, SkillSandboxApi, TaskReport, TaskScope } from '../../agent/types.ts';
import { describeError } from '../../errors.ts';
import type { Sandbox, SandboxLimits, SandboxOptions } from '../../sandbox/types.ts';
import type { Distiller } from '../distillation/distill.ts';
import { createSkillRunner } from '../runner/skill-runner.ts';
import { createSkillSandboxApi } from '../sandbox-api.ts';
import { scopesFor } from '../skill-name.ts';
import type { SaveResult, ScoredSkill, Skill, SkillDraft, SkillViewer } from '../types.ts';
import type { LibraryCore } from './library-core.ts';
import { toOffered } from './skill-text.ts';
import { resolveFor, visibleTo } from './trust.ts';

/** What the agent-facing side of the library needs. */
export interface SkillSourceParts {
  core: LibraryCore;
  /** Skills per prompt (0 turns retrieval off). */
  topK: number;
  /** Minimum similarity to be offered. */
  minScore: number;
  /** Learn from solved tasks (needs `distiller`). */
  learn: boolean;
  distiller?: Distiller;
  createSandbox?: (options: SandboxOptions) => Sandbox;
  skillLimits?: Partial<SandboxLimits>;
  /** Save a learned skill (the library's save, under its lock). */
  save(draft: SkillDraft): Promise<SaveResult>;
}

/** What `viewer` may see, of the skills given (all of them without a viewer). */
export function visibleSkills(skills: Skill[], viewer?: SkillViewer): Skill[] {
  return viewer ? skills.filter((skill) => visibleTo(skill, viewer)) : skills;
}

/** The skill NAME resolves to in the scopes, for the viewer (the first one without a viewer). */
export function getSkill(
  core: LibraryCore,
  name: string,
  scopes: readonly string[],
  viewer?: SkillViewer,
): Skill | undefined {
  const candidates = core.named(name, scopes);
  return viewer ? resolveFor(candidates, viewer) : candidates[0];
}

/** The skills nearest to TEXT in the scopes that the viewer may see, best first. */
export async function searchSkills(
  core: LibraryCore,
  query: { text: string; scopes: readonly string[]; limit?: number; viewer?: SkillViewer },
): Promise<ScoredSkill[]> {
  const { viewer, limit = 10 } = query;
  const vector = (await core.embedOne(query.text, 'query')).vector;
  const hits = await core.nearestTo(vector, query.scopes, viewer ? limit * 2 + 4 : limit);
  return hits
    .filter((hit) => !viewer || visibleTo(hit.skill, viewer))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

/** Skills for a task's prompt: similar enough, and what their names resolve to for the author. */
export async function retrieveSkills(
  parts: SkillSourceParts,
  query: { text: string } & TaskScope,
): Promise<OfferedSkill[]> {
  const { core, topK } = parts;
  if (topK <= 0 || !query.text.trim()) return [];
  const viewer = { scope: query.scope, member: query.author };
  const scopes = scopesFor(query.scope);
  const scored = await searchSkills(core, { text: query.text, scopes, limit: Math.max(topK * 2, 8), viewer });
  // Resolve names only as far as needed: each check reads the store. A hit hidden by another skill of
  // the same name is not offered.
  const offered: ScoredSkill[] = [];
  for (const entry of scored) {
    if (offered.length >= topK) break;
    if (
      entry.similarity >= parts.minScore &&
      getSkill(core, entry.skill.name, scopes, viewer)?.id === entry.skill.id
    )
      offered.push(entry);
  }
  for (const entry of offered) core.repo.addCounters(entry.skill.id, { retrieved: 1 });
  return offered.map((entry) => toOffered(entry.skill, entry.score));
}

/** The `skills` provider of a session's sandbox: each call runs in a sandbox of its own. */
export function skillSandboxApi(
  parts: SkillSourceParts,
  scope: TaskScope,
  onUse?: (name: string, ok: boolean) => void,
  caller?: SkillCaller,
): SkillSandboxApi {
  const { core } = parts;
  const viewer = { scope: scope.scope, member: scope.author };
  const scopes = scopesFor(scope.scope);
  const runner = parts.createSandbox
    ? createSkillRunner({
        createSandbox: parts.createSandbox,
        ...(parts.skillLimits ? { limits: parts.skillLimits } : {}),
        ...(caller?.tools ? { callerTools: caller.tools } : {}),
      })
    : undefined;
  return createSkillSandboxApi({
    resolve: (identifier) => getSkill(core, identifier, scopes, viewer),
    identifiers: () =>
      visibleSkills(core.repo.list(scopes).map(core.skill), viewer).map((skill) => skill.identifier),
    run: (skill, args, callOptions) => {
      if (!runner)
        throw new Error('skills cannot run here: the library was opened without a sandbox factory');
      return runner.call(skill, args, callOptions);
    },
    onOutcome: (skill, outcome) =>
      core.repo.addCounters(
        skill.id,
        outcome === 'recovered' ? { failed: -1, succeeded: 1 } : { used: 1, [outcome]: 1 },
      ),
    onCall: (skill, ok) => onUse?.(skill.name, ok),
    dispose: () => runner?.dispose(),
  });
}

/** After a task: distil and save a skill when it succeeded; its name when something new was saved. */
export async function learnSkill(
  parts: SkillSourceParts,
  report: TaskReport,
  scope: TaskScope,
): Promise<string | undefined> {
  const { log } = parts.core;
  if (!parts.learn || !parts.distiller || !report.ok || !report.resultCode.trim()) return undefined;
  // No skills in the check: a skill runs in a sandbox of its own, where other skills are not callable.
  try {
    const result = await parts.distiller.distill({ task: report.task, code: report.resultCode });
    if (!result.ok) {
      log('info', `learned nothing from "${report.task.slice(0, 60)}": ${result.reason}`);
      return undefined;
    }
    const saved = await parts.save({
      ...result.skill,
      task: report.task,
      scope: scope.scope,
      author: scope.author,
      source: 'learned',
    });
    log('info', `skill ${saved.skill.name} ${saved.outcome} in scope ${scope.scope}`);
    return saved.outcome === 'unchanged' ? undefined : saved.skill.name;
  } catch (error) {
    log('warn', `learning failed for "${report.task.slice(0, 60)}": ${describeError(error)}`);
    return undefined;
  }
}
