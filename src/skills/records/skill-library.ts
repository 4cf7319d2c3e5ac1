/**
 * The skill library: skill records in the store (the truth), vectors in the skill index (derived),
 * the agent's SkillSource (retrieve, sandboxApi, learn) and the management the CLI uses.
 * Mutations (save, delete, reindex) take one lock for "store write + embed + enqueue the index
 * write", so the index queue sees changes in store order; they wait for the index file outside
 * the lock, so concurrent saves share file writes.
 */
import type { OfferedSkill, TaskReport, TaskScope } from '../../agent/types.ts';
import { describeError, UsageError } from '../../errors.ts';
import type { Store } from '../../store/open-store.ts';
import { createSkillsRepo } from '../../store/skills-repo.ts';
import { assertDraft, definesFunction } from './check-draft.ts';
import type { Distiller } from '../distillation/distill.ts';
import { syncIndex } from '../index/index-sync.ts';
import { createSkillSandboxApi } from '../sandbox-api.ts';
import { loadSeedSkills } from '../files/seed-skills.ts';
import { openSkillIndex, type SkillIndexEntry } from '../index/skill-index.ts';
import { codeHash, fromIdentifier, scopesFor, toIdentifier } from '../skill-name.ts';
import { rankBonus, skillEmbeddingText, textHash, toOffered } from './skill-text.ts';
import type {
  Embedder,
  SaveResult,
  ScoredSkill,
  Skill,
  SkillDraft,
  SkillLibrary,
  SkillLog,
} from '../types.ts';

export interface SkillLibraryOptions {
  store: Store;
  embedder: Embedder;
  /** Folder of the vector index, e.g. `<DATA_DIR>/skills-index`. */
  indexDir: string;
  /** Skills per prompt (default 3; 0 turns retrieval off). */
  topK?: number;
  /** Minimum similarity to be offered (default 0.25). */
  minScore?: number;
  /** Similarity above which a learned skill updates the nearest one instead of adding (default 0.92). */
  dedupeThreshold?: number;
  /** Learn from solved tasks (default true; needs `distiller`). */
  learn?: boolean;
  distiller?: Distiller;
  /** Folder of seed skills to upsert at start-up (the project's `seed-skills/`). */
  seedsDir?: string;
  /** Rebuild the index from the store at start-up even if it was built by another embedder. */
  rebuild?: boolean;
  log?: SkillLog;
  now?: () => Date;
}

/** A text and its embedding. */
interface Embedded {
  text: string;
  vector: number[];
}

/** Open the library: migrate the store, open the index (rebuilding a missing or corrupt one), load seeds. */
export async function openSkillLibrary(options: SkillLibraryOptions): Promise<SkillLibrary> {
  const { embedder } = options;
  const log: SkillLog = options.log ?? (() => {});
  const topK = options.topK ?? 3;
  const minScore = options.minScore ?? 0.25;
  const dedupeThreshold = options.dedupeThreshold ?? 0.92;
  const repo = createSkillsRepo(options.store, options.now ? { now: options.now } : {});
  const index = await openSkillIndex({
    folder: options.indexDir,
    embedder: embedder.info,
    ...(options.rebuild ? { ignoreMismatch: true } : {}),
  });

  let chain: Promise<unknown> = Promise.resolve();
  /** Run `fn` alone; it returns the index write to wait for after the lock is released. */
  const exclusive = async <T>(fn: () => Promise<{ value: T; written?: Promise<void> }>): Promise<T> => {
    const run = chain.then(fn);
    chain = run.catch(() => undefined);
    const { value, written } = await run;
    await written;
    return value;
  };

  /** Index entries of the skills; `known` is a text already embedded as a document, reused when it recurs. */
  const entryOf = async (skills: Skill[], known?: Embedded): Promise<SkillIndexEntry[]> => {
    if (skills.length === 0) return [];
    const texts = skills.map(skillEmbeddingText);
    const missing = texts.filter((text) => text !== known?.text);
    const fresh = missing.length > 0 ? await embedder.embed(missing, 'document') : [];
    let next = 0;
    const vectors = texts.map((text) => (known && text === known.text ? known.vector : fresh[next++]));
    return skills.map((skill, i) => ({
      id: String(skill.id),
      vector: vectors[i] ?? [],
      metadata: { scope: skill.scope, textHash: textHash(texts[i] ?? '') },
    }));
  };
  const queued = (written: Promise<void>) => {
    written.catch(() => undefined);
    return written;
  };

  const embedOne = async (text: string, kind: 'query' | 'document'): Promise<Embedded> => {
    const [vector] = await embedder.embed([text], kind);
    return { text, vector: vector ?? [] };
  };
  const nearestTo = async (vector: number[], scopes: readonly string[], k: number) => {
    const hits = await index.query(vector, scopes, k);
    const scored: ScoredSkill[] = [];
    for (const hit of hits) {
      if (Number.isNaN(hit.similarity)) continue;
      const skill = repo.getById(Number(hit.id));
      if (skill) scored.push({ skill, similarity: hit.similarity, score: hit.similarity + rankBonus(skill) });
    }
    return scored;
  };
  const nearest = async (text: string, scopes: readonly string[], k: number) =>
    nearestTo((await embedOne(text, 'query')).vector, scopes, k);

  const reindex = () =>
    exclusive(async () => {
      const skills = repo.list();
      const entries = await entryOf(skills);
      return { value: skills.length, written: queued(index.replaceAll(entries, embedder.info)) };
    });

  const saveLocked = async (input: SkillDraft): Promise<{ value: SaveResult; written?: Promise<void> }> => {
    let draft = input;
    assertDraft(draft);
    const hash = codeHash(draft.code);
    const learned = draft.source === 'learned';
    const adapted = (skill: Skill) => {
      if (learned) repo.addCounters(skill.id, { used: 1, succeeded: 1 });
      return repo.getById(skill.id) ?? skill;
    };
    const byName = repo.getByName(draft.scope, draft.name);
    if (!learned && byName?.hash === hash) {
      const same = byName.description === draft.description && byName.signature === draft.signature;
      if (same && (byName.example ?? '') === (draft.example ?? ''))
        return { value: { skill: byName, outcome: 'unchanged' } };
    } else {
      const sameCode = byName?.hash === hash ? byName : repo.findByHash([draft.scope], hash);
      if (sameCode) return { value: { skill: adapted(sameCode), outcome: 'unchanged' } };
    }

    let target = !learned ? byName : undefined;
    /** The learned draft's document vector, reused for its index entry when the text stays the same. */
    let embedded: Embedded | undefined;
    if (learned) {
      embedded = await embedOne(skillEmbeddingText(draft), 'document');
      const [near] = await nearestTo(embedded.vector, [draft.scope], 1);
      if (near && near.similarity >= dedupeThreshold) target = near.skill;
    }
    if (target && target.name !== draft.name) {
      // Keep the existing name (callers use it): rename the new code's function to it.
      const renamed = renameFunction(draft, target.identifier);
      if (renamed) draft = renamed;
      else target = undefined;
    }
    if (target) {
      const changes = {
        description: draft.description,
        signature: draft.signature,
        code: draft.code,
        hash: codeHash(draft.code),
      };
      const updated = repo.update(
        target.id,
        { ...changes, ...(draft.example ? { example: draft.example } : {}) },
        { bumpVersion: true },
      );
      const [entry] = await entryOf([updated], embedded);
      return {
        value: { skill: adapted(updated), outcome: 'updated' },
        written: queued(index.upsert(entry ? [entry] : [])),
      };
    }
    let name = draft.name;
    for (let n = 2; repo.getByName(draft.scope, name); n++) name = `${draft.name.slice(0, 60)}-v${n}`;
    const skill = repo.insert({ ...draft, name }, hash);
    const [entry] = await entryOf([skill], embedded);
    return { value: { skill, outcome: 'added' }, written: queued(index.upsert(entry ? [entry] : [])) };
  };

  const resolveIn = (scopes: readonly string[], identifier: string) => {
    const name = fromIdentifier(identifier);
    return name === undefined ? undefined : library.get(name, scopes);
  };

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
      const changes = await syncIndex({ index, skills: repo.list(), entryOf });
      if (changes.upserted + changes.deleted > 0) {
        log(
          'info',
          `skill index caught up with the store: ${changes.upserted} added or refreshed, ${changes.deleted} removed`,
        );
      }
      return { value: undefined, written: changes.written };
    });
  }

  const library: SkillLibrary = {
    save: (draft) => exclusive(() => saveLocked(draft)),

    async retrieve(query): Promise<OfferedSkill[]> {
      if (topK <= 0 || !query.text.trim()) return [];
      const scored = await nearest(query.text, scopesFor(query.scope), Math.max(topK * 4, 12));
      const seen = new Set<string>();
      const offered = scored
        .filter((entry) => entry.similarity >= minScore)
        .sort((a, b) => Number(b.skill.scope === query.scope) - Number(a.skill.scope === query.scope))
        .filter((entry) => !seen.has(entry.skill.identifier) && seen.add(entry.skill.identifier))
        .sort((a, b) => b.score - a.score)
        .slice(0, topK);
      for (const entry of offered) repo.addCounters(entry.skill.id, { retrieved: 1 });
      return offered.map((entry) => toOffered(entry.skill, entry.score));
    },

    sandboxApi(scope: TaskScope, onUse) {
      const scopes = scopesFor(scope.scope);
      return createSkillSandboxApi({
        resolve: (identifier) => resolveIn(scopes, identifier),
        identifiers: () => repo.list(scopes).map((skill) => skill.identifier),
        onCall: (skill, ok) => {
          repo.addCounters(skill.id, { used: 1, ...(ok ? { succeeded: 1 } : { failed: 1 }) });
          onUse?.(skill.name, ok);
        },
      });
    },

    async learn(report: TaskReport, scope: TaskScope) {
      if (options.learn === false || !options.distiller || !report.ok || !report.resultCode.trim())
        return undefined;
      const api = createSkillSandboxApi({
        resolve: (identifier) => resolveIn(scopesFor(scope.scope), identifier),
        identifiers: () => repo.list(scopesFor(scope.scope)).map((skill) => skill.identifier),
      });
      try {
        const result = await options.distiller.distill({ task: report.task, code: report.resultCode }, api);
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
        return saved.skill.name;
      } catch (error) {
        log('warn', `learning failed for "${report.task.slice(0, 60)}": ${describeError(error)}`);
        return undefined;
      }
    },

    list: (scopes) => repo.list(scopes),
    get: (name, scopes) => {
      for (const scope of scopes) {
        const skill = repo.getByName(scope, name);
        if (skill) return skill;
      }
      return undefined;
    },
    search: async (text, scopes, limit = 10) =>
      (await nearest(text, scopes, limit)).sort((a, b) => b.score - a.score),

    delete: (name, scope) =>
      exclusive(async () => {
        const skill = repo.getByName(scope, name);
        if (!skill) return { value: false };
        repo.delete(skill.id);
        return { value: true, written: queued(index.delete([String(skill.id)])) };
      }),

    vote(name, scope, delta) {
      if (delta !== 1 && delta !== -1) throw new UsageError('a vote is +1 or -1');
      const skill = repo.getByName(scope, name);
      if (!skill) throw new UsageError(`no skill named "${name}" in scope ${scope}`);
      repo.addCounters(skill.id, { votes: delta });
      return repo.getById(skill.id) ?? skill;
    },

    get embedder() {
      return index.embedder;
    },
    reindex,
    close: () => index.close(),
    [Symbol.asyncDispose]: () => index.close(),
  };

  if (options.seedsDir) {
    const seeds = await loadSeedSkills(options.seedsDir);
    for (const problem of seeds.problems) log('warn', `seed skill skipped: ${problem}`);
    for (const seed of seeds.drafts) {
      const existing = repo.getByName(seed.scope, seed.name);
      if (existing && existing.source !== 'seed') {
        log(
          'warn',
          `seed skill ${seed.name} not loaded: scope ${seed.scope} already has a skill of that name (${existing.source})`,
        );
        continue;
      }
      await library.save(seed);
    }
  }
  return library;
}

/** The draft with its function (and every use of its identifier) renamed, or undefined if that fails. */
function renameFunction(draft: SkillDraft, identifier: string): SkillDraft | undefined {
  const from = toIdentifier(draft.name);
  const pattern = new RegExp(`\\b${from}\\b`, 'g');
  const rename = (text: string) => text.replace(pattern, identifier);
  const code = rename(draft.code);
  if (!definesFunction(code, identifier)) return undefined;
  return {
    ...draft,
    code,
    signature: rename(draft.signature),
    ...(draft.example ? { example: rename(draft.example) } : {}),
  };
}
