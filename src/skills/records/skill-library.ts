/**
 * The skill library: skill records in the store (the truth), vectors in the skill index (derived),
 * the agent's SkillSource (retrieve, sandboxApi, learn: skill-source.ts) and the management the CLI
 * and Discord use.
 * Who may see, run and change what is trust.ts's; saving is save-draft.ts's; review and history
 * are review.ts's; running a skill call is the runner's (each skill in a sandbox of its own).
 */
import { UsageError } from '../../errors.ts';
import type { Sandbox, SandboxLimits, SandboxOptions } from '../../sandbox/types.ts';
import type { Store } from '../../store/open-store.ts';
import { createSkillsRepo } from '../../store/skills-repo.ts';
import type { Distiller } from '../distillation/distill.ts';
import { loadSeedSkills } from '../files/seed-skills.ts';
import { syncIndex } from '../index/index-sync.ts';
import { openSkillIndex } from '../index/open-skill-index.ts';
import { scopesFor } from '../skill-name.ts';
import type { Embedder, SkillActor, SkillLibrary, SkillLog, SkillViewer } from '../types.ts';
import { draftProblems } from './check-draft.ts';
import { createLibraryCore, type LibraryCore } from './library-core.ts';
import * as review from './review.ts';
import { holdsDraft, saveDraft } from './save-draft.ts';
import {
  getSkill,
  learnSkill,
  retrieveSkills,
  type SkillSourceParts,
  searchSkills,
  skillSandboxApi,
  visibleSkills,
} from './skill-source.ts';
import { memberActor, operatorActor } from './trust.ts';

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
  const reindex = () => reindexAll(core);
  await catchUpIndex(core, reindex, options.rebuild ?? false);

  const get = (name: string, scopes: readonly string[], viewer?: SkillViewer) =>
    getSkill(core, name, scopes, viewer);
  const source: SkillSourceParts = {
    core,
    topK: options.topK ?? 3,
    minScore: options.minScore ?? 0.25,
    learn: options.learn !== false,
    ...(options.distiller ? { distiller: options.distiller } : {}),
    ...(options.createSandbox ? { createSandbox: options.createSandbox } : {}),
    ...(options.skillLimits ? { skillLimits: options.skillLimits } : {}),
    save: (draft) => library.save(draft),
  };
  const library: SkillLibrary = {
    save: (draft, actor) =>
      exclusive(() => saveDraft(core, draft, actor ?? memberActor(draft.author), settings)),
    retrieve: (query) => retrieveSkills(source, query),
    sandboxApi: (scope, onUse, caller) => skillSandboxApi(source, scope, onUse, caller),
    learn: (report, scope) => learnSkill(source, report, scope),
    list: (scopes, viewer) => visibleSkills(repo.list(scopes).map(core.skill), viewer),
    get,
    search: (text, scopes, limit, viewer) =>
      searchSkills(core, {
        text,
        scopes,
        ...(limit === undefined ? {} : { limit }),
        ...(viewer ? { viewer } : {}),
      }),
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
      const skill = get(input.skill, scopesFor(input.scope), { scope: input.scope, member: input.memberId });
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

/** Replace the whole index with entries of every skill in the store; resolves to their count. */
function reindexAll(core: LibraryCore): Promise<number> {
  return core.exclusive(async () => {
    const skills = core.repo.list().map(core.skill);
    const entries = await core.entryOf(skills);
    const written = core.index.replaceAll(entries, core.embedder.info);
    written.catch(() => undefined);
    return { value: skills.length, written };
  });
}

/** At start: rebuild a missing, corrupt or unwanted index from the store, else sync it with the store. */
async function catchUpIndex(
  core: LibraryCore,
  reindex: () => Promise<number>,
  rebuild: boolean,
): Promise<void> {
  const { index, repo, log } = core;
  if (index.status !== 'loaded' || rebuild) {
    const count = repo.count();
    if (index.status === 'corrupt')
      log(
        'warn',
        `skill index ${index.file} was corrupt (${index.problem}); kept it aside and rebuilt it from ${count} skills in the store`,
      );
    else if (count > 0)
      log(
        'info',
        `skill index ${index.file} was ${rebuild ? 'rebuilt on request' : 'missing'}; rebuilt it from ${count} skills in the store`,
      );
    await reindex();
    return;
  }
  await core.exclusive(async () => {
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

/**
 * Upsert the shipped seeds (a disabled seed stays disabled; another skill's name is left alone). A
 * seed the store holds as it is was checked when it was saved: only new and changed ones are
 * checked and saved, so a start with the same seeds parses none (~100 ms of CPU at every start).
 */
async function loadSeeds(
  library: SkillLibrary,
  core: LibraryCore,
  dir: string,
  log: SkillLog,
): Promise<void> {
  const seeds = await loadSeedSkills(dir);
  const problems = [...seeds.problems];
  const shipped = new Set<string>();
  const operator: SkillActor = operatorActor('toolsmith');
  for (const { draft: seed, fileName } of seeds.drafts) {
    const existing = core.repo.getByName(seed.scope, seed.name);
    if (existing?.source === 'seed' && holdsDraft(existing, seed)) {
      shipped.add(seed.name);
      continue;
    }
    const found = draftProblems(seed);
    if (found.length > 0) {
      problems.push(`${fileName}: ${found.join('; ')}`);
      continue;
    }
    shipped.add(seed.name);
    if (existing && existing.source !== 'seed') {
      log(
        'warn',
        `seed skill ${seed.name} not loaded: scope ${seed.scope} already has a skill of that name (${existing.source})`,
      );
      continue;
    }
    await library.save(seed, operator);
  }
  for (const problem of problems) log('warn', `seed skill skipped: ${problem}`);
  // A seed no longer shipped (removed from the folder in a newer Toolsmith) is disabled, not left running.
  if (problems.length > 0) return;
  for (const record of core.repo.list(['global'])) {
    if (record.source !== 'seed' || record.state === 'disabled' || shipped.has(record.name)) continue;
    core.repo.setState(record.id, 'disabled', 'toolsmith');
    log('info', `seed skill ${record.name} is no longer shipped: disabled it`);
  }
}
