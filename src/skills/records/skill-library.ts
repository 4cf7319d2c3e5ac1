/**
 * The skill library: skill records in the store (the truth), vectors in the skill index (derived),
 * the agent's SkillSource (retrieve, sandboxApi, learn) and the management the CLI and Discord use.
 * Who may see, run and change what is trust.ts's; saving is save-draft.ts's; review and history
 * are review.ts's; running a skill call is the runner's (each skill in a sandbox of its own).
 */
import type { OfferedSkill, SkillCaller, TaskReport, TaskScope } from '../../agent/types.ts';
import { describeError, UsageError } from '../../errors.ts';
import type { Sandbox, SandboxLimits, SandboxOptions } from '../../sandbox/types.ts';
import type { Store } from '../../store/open-store.ts';
import { createSkillsRepo } from '../../store/skills-repo.ts';
import type { Distiller } from '../distillation/distill.ts';
import { loadSeedSkills } from '../files/seed-skills.ts';
import { syncIndex } from '../index/index-sync.ts';
import { openSkillIndex } from '../index/open-skill-index.ts';
import { createSkillRunner } from '../runner/skill-runner.ts';
import { createSkillSandboxApi } from '../sandbox-api.ts';
import { scopesFor } from '../skill-name.ts';
import type {
  Embedder,
  ScoredSkill,
  Skill,
  SkillActor,
  SkillLibrary,
  SkillLog,
  SkillViewer,
} from '../types.ts';
import { createLibraryCore } from './library-core.ts';
import * as review from './review.ts';
import { saveDraft } from './save-draft.ts';
import { toOffered } from './skill-text.ts';
import { memberActor, operatorActor, resolveFor, visibleTo } from './trust.ts';

export interface SkillLibraryOptions {
  store: Store;
  embedder: Embedder;
  /** Folder of the vector index, e.g. `<DATA_DIR>/skills-index`. */
  indexDir: string;
  /** Skills per prompt (default 3; 0 turns retrieval off). */
  topK?: number;
  /** Minimum similarity to be offered (default 0.25). */
  minScore?: number;
  /** Similarity above which a learned skill is a version of the nearest one (default 0.92). */
  dedupeThreshold?: number;
  /** Share learned skills that call no tools and passed their check without review (default false). */
  sharePure?: boolean;
  /** Learn from solved tasks (default true; needs `distiller`). */
  learn?: boolean;
  distiller?: Distiller;
  /** Makes the sandboxes skill calls run in (without it, calling a skill fails with a clear error). */
  createSandbox?: (options: SandboxOptions) => Sandbox;
  /** Limits of each skill call's sandbox. */
  skillLimits?: Partial<SandboxLimits>;
  /** Folder of seed skills to upsert at start-up (the project's `seed-skills/`). */
  seedsDir?: string;
  /** Rebuild the index from the store at start-up even if it was built by another embedder. */
  rebuild?: boolean;
  log?: SkillLog;
  now?: () => Date;
}

/** Open the library: migrate the store, open the index (rebuilding a missing or corrupt one), load seeds. */
export async function openSkillLibrary(options: SkillLibraryOptions): Promise<SkillLibrary> {
  const log: SkillLog = options.log ?? (() => {});
  const topK = options.topK ?? 3;
  const minScore = options.minScore ?? 0.25;
  const settings = {
    dedupeThreshold: options.dedupeThreshold ?? 0.92,
    sharePure: options.sharePure ?? false,
  };
  const repo = createSkillsRepo(options.store, options.now ? { now: options.now } : {});
  const index = await openSkillIndex({
    folder: options.indexDir,
    embedder: options.embedder.info,
    ...(options.rebuild ? { ignoreMismatch: true } : {}),
  });
  const core = createLibraryCore({ repo, index, embedder: options.embedder, log });
  const { exclusive } = core;

  const reindex = () =>
    exclusive(async () => {
      const skills = repo.list().map(core.skill);
      const entries = await core.entryOf(skills);
      const written = index.replaceAll(entries, options.embedder.info);
      written.catch(() => undefined);
      return { value: skills.length, written };
    });

  if (index.status !== 'loaded' || options.rebuild) {
    const count = repo.count();
    if (index.status === 'corrupt')
      log(
        'warn',
        `skill index ${index.file} was corrupt (${index.problem}); kept it aside and rebuilt it from ${count} skills in the store`,
      );
    else if (count > 0)
      log(
        'info',
        `skill index ${index.file} was ${options.rebuild ? 'rebuilt on request' : 'missing'}; rebuilt it from ${count} skills in the store`,
      );
    await reindex();
  } else {
    await exclusive(async () => {
      const changes = await syncIndex({
        index,
        skills: repo.list().map(core.skill),
        entryOf: (s) => core.entryOf(s),
      });
      if (changes.upserted + changes.deleted > 0)
        log(
          'info',
          `skill index caught up with the store: ${changes.upserted} added or refreshed, ${changes.deleted} removed`,
        );
      return { value: undefined, ...(changes.written ? { written: changes.written } : {}) };
    });
  }

  /** What `viewer` may see, of the scopes given. */
  const visible = (skills: Skill[], viewer?: SkillViewer) =>
    viewer ? skills.filter((skill) => visibleTo(skill, viewer)) : skills;
  const get = (name: string, scopes: readonly string[], viewer?: SkillViewer) => {
    const candidates = core.named(name, scopes);
    return viewer ? resolveFor(candidates, viewer) : candidates[0];
  };
  const search = async (text: string, scopes: readonly string[], limit = 10, viewer?: SkillViewer) => {
    const vector = (await core.embedOne(text, 'query')).vector;
    const hits = await core.nearestTo(vector, scopes, viewer ? limit * 2 + 4 : limit);
    return hits
      .filter((hit) => !viewer || visibleTo(hit.skill, viewer))
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
  };
  /** Names resolve for a viewer: a hit hidden by another skill of the same name is not offered. */
  const resolvesTo = (entry: ScoredSkill, viewer: SkillViewer) =>
    get(entry.skill.name, scopesFor(viewer.scope), viewer)?.id === entry.skill.id;

  const library: SkillLibrary = {
    save: (draft, actor) =>
      exclusive(() => saveDraft(core, draft, actor ?? memberActor(draft.author), settings)),

    async retrieve(query): Promise<OfferedSkill[]> {
      if (topK <= 0 || !query.text.trim()) return [];
      const viewer = { scope: query.scope, member: query.author };
      const scored = await search(query.text, scopesFor(query.scope), Math.max(topK * 2, 8), viewer);
      // Resolve names only as far as needed: each check reads the store.
      const offered: ScoredSkill[] = [];
      for (const entry of scored) {
        if (offered.length >= topK) break;
        if (entry.similarity >= minScore && resolvesTo(entry, viewer)) offered.push(entry);
      }
      for (const entry of offered) repo.addCounters(entry.skill.id, { retrieved: 1 });
      return offered.map((entry) => toOffered(entry.skill, entry.score));
    },

    sandboxApi(scope: TaskScope, onUse, caller?: SkillCaller) {
      const viewer = { scope: scope.scope, member: scope.author };
      const scopes = scopesFor(scope.scope);
      const runner = options.createSandbox
        ? createSkillRunner({
            createSandbox: options.createSandbox,
            ...(options.skillLimits ? { limits: options.skillLimits } : {}),
            ...(caller?.tools ? { callerTools: caller.tools } : {}),
          })
        : undefined;
      return createSkillSandboxApi({
        resolve: (identifier) => get(identifier, scopes, viewer),
        identifiers: () =>
          visible(repo.list(scopes).map(core.skill), viewer).map((skill) => skill.identifier),
        run: (skill, args, callOptions) => {
          if (!runner)
            throw new Error('skills cannot run here: the library was opened without a sandbox factory');
          return runner.call(skill, args, callOptions);
        },
        onOutcome: (skill, outcome) =>
          repo.addCounters(
            skill.id,
            outcome === 'recovered' ? { failed: -1, succeeded: 1 } : { used: 1, [outcome]: 1 },
          ),
        onCall: (skill, ok) => onUse?.(skill.name, ok),
        dispose: () => runner?.dispose(),
      });
    },

    async learn(report: TaskReport, scope: TaskScope) {
      if (options.learn === false || !options.distiller || !report.ok || !report.resultCode.trim())
        return undefined;
      // No skills in the check: a skill runs in a sandbox of its own, where other skills are not callable.
      try {
        const result = await options.distiller.distill({ task: report.task, code: report.resultCode });
        if (!result.ok) {
          log('info', `learned nothing from "${report.task.slice(0, 60)}": ${result.reason}`);
          return undefined;
        }
        const saved = await library.save({
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
    },

    list: (scopes, viewer) => visible(repo.list(scopes).map(core.skill), viewer),
    get,
    search,
    delete: (name, scope, actor) =>
      exclusive(async () => review.remove(core, core.mustFind(name, scope), actor)),
    proposals: (scopes) => review.proposals(core, scopes),
    approve: (name, scope, actor, approveOptions = {}) =>
      exclusive(() => review.approve(core, core.mustFind(name, scope), actor, approveOptions)),
    reject: (name, scope, actor, rejectOptions = {}) =>
      exclusive(async () => ({
        value: review.reject(core, core.mustFind(name, scope), actor, rejectOptions.version),
      })),
    history: (name, scope) => repo.versions(core.mustFind(name, scope).id),
    diff: (name, scope, from, to) => review.diff(core, core.mustFind(name, scope), from, to),
    revert: (name, scope, version, actor) =>
      exclusive(() => review.revert(core, core.mustFind(name, scope), version, actor)),
    vote(input) {
      const viewer = { scope: input.scope, member: input.memberId };
      const skill = get(input.skill, scopesFor(input.scope), viewer);
      if (!skill) throw new UsageError(`no skill named ${input.skill} for this server`);
      return review.vote(core, input, skill);
    },

    get embedder() {
      return index.embedder;
    },
    reindex,
    close: () => index.close(),
    [Symbol.asyncDispose]: () => index.close(),
  };

  if (options.seedsDir) await loadSeeds(library, core, options.seedsDir, log);
  return library;
}

/** Upsert the shipped seeds (a disabled seed stays disabled; another skill's name is left alone). */
async function loadSeeds(
  library: SkillLibrary,
  core: ReturnType<typeof createLibraryCore>,
  dir: string,
  log: SkillLog,
): Promise<void> {
  const seeds = await loadSeedSkills(dir);
  for (const problem of seeds.problems) log('warn', `seed skill skipped: ${problem}`);
  const operator: SkillActor = operatorActor('toolsmith');
  for (const seed of seeds.drafts) {
    const existing = core.repo.getByName(seed.scope, seed.name);
    if (existing && existing.source !== 'seed') {
      log(
        'warn',
        `seed skill ${seed.name} not loaded: scope ${seed.scope} already has a skill of that name (${existing.source})`,
      );
      continue;
    }
    await library.save(seed, operator);
  }
  // A seed no longer shipped (removed from the folder in a newer Toolsmith) is disabled, not left running.
  const shipped = new Set(seeds.drafts.map((seed) => seed.name));
  if (seeds.problems.length > 0) return;
  for (const record of core.repo.list(['global'])) {
    if (record.source !== 'seed' || record.state === 'disabled' || shipped.has(record.name)) continue;
    core.repo.setState(record.id, 'disabled', 'toolsmith');
    log('info', `seed skill ${record.name} is no longer shipped: disabled it`);
  }
}
