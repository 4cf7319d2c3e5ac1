/**
 * What the library's parts share: the records (store), the vector index, the embedder, and the one
 * lock every mutation takes for "store write + embed + enqueue the index write", so the index
 * queue sees changes in store order. The index file is waited for outside the lock, so concurrent
 * saves share file writes.
 */
import { UsageError } from '../../errors.ts';
import type { SkillRecord } from '../../store/skill-records.ts';
import type { SkillsRepo } from '../../store/skills-repo.ts';
import type { SkillIndex, SkillIndexEntry } from '../index/skill-index.ts';
import { fromIdentifier, toIdentifier } from '../skill-name.ts';
import type { Embedder, ScoredSkill, Skill, SkillLog } from '../types.ts';
import { rankBonus, skillEmbeddingText, textHash } from './skill-text.ts';

/** A text and its embedding. */
export interface Embedded {
  text: string;
  vector: number[];
}

/** A mutation's value and the index write to wait for once the lock is released. */
export interface Locked<T> {
  value: T;
  written?: Promise<void>;
}

export interface LibraryCore {
  repo: SkillsRepo;
  index: SkillIndex;
  embedder: Embedder;
  log: SkillLog;
  /** Run `fn` alone; its index write is awaited after the lock is released. */
  exclusive<T>(fn: () => Promise<Locked<T>>): Promise<T>;
  /** Index entries of the skills; `known` is a text already embedded as a document, reused when it recurs. */
  entryOf(skills: Skill[], known?: Embedded): Promise<SkillIndexEntry[]>;
  /** Embed one skill and queue its index entry; resolves (inside the lock) to the write to wait for. */
  reindexOne(skill: Skill, known?: Embedded): Promise<{ written: Promise<void> }>;
  embedOne(text: string, kind: 'query' | 'document'): Promise<Embedded>;
  nearestTo(vector: number[], scopes: readonly string[], k: number): Promise<ScoredSkill[]>;
  skill(record: SkillRecord): Skill;
  byId(id: number): Skill | undefined;
  /** Skills called `name` (or its camelCase identifier) in the scopes. */
  named(name: string, scopes: readonly string[]): Skill[];
  /** The one skill called `name` in `scope`, or a UsageError saying there is none. */
  mustFind(name: string, scope: string): Skill;
}

/** `parseCsv` or `parse-csv` -> `parse-csv`. */
export function nameFrom(nameOrIdentifier: string): string {
  return /[A-Z]/.test(nameOrIdentifier)
    ? (fromIdentifier(nameOrIdentifier) ?? nameOrIdentifier)
    : nameOrIdentifier;
}

const skill = (record: SkillRecord): Skill => ({ ...record, identifier: toIdentifier(record.name) });

/** Index entries of the skills, embedding each text once (`known` is reused when it recurs). */
async function indexEntries(
  embedder: Embedder,
  skills: Skill[],
  known?: Embedded,
): Promise<SkillIndexEntry[]> {
  if (skills.length === 0) return [];
  const texts = skills.map(skillEmbeddingText);
  const missing = texts.filter((text) => text !== known?.text);
  const fresh = missing.length > 0 ? await embedder.embed(missing, 'document') : [];
  let next = 0;
  const vectors = texts.map((text) => (known && text === known.text ? known.vector : fresh[next++]));
  return skills.map((s, i) => ({
    id: String(s.id),
    vector: vectors[i] ?? [],
    metadata: { scope: s.scope, textHash: textHash(texts[i] ?? '') },
  }));
}

/** The parts every library function shares, with the one mutation lock. */
export function createLibraryCore(parts: {
  repo: SkillsRepo;
  index: SkillIndex;
  embedder: Embedder;
  log: SkillLog;
}): LibraryCore {
  const { repo, index, embedder } = parts;
  let chain: Promise<unknown> = Promise.resolve();
  const byId = (id: number) => {
    const record = repo.getById(id);
    return record ? skill(record) : undefined;
  };
  const entryOf = (skills: Skill[], known?: Embedded) => indexEntries(embedder, skills, known);
  const named = (name: string, scopes: readonly string[]) => {
    const wanted = nameFrom(name);
    return scopes.flatMap((scope) => {
      const record = repo.getByName(scope, wanted);
      return record ? [skill(record)] : [];
    });
  };
  return {
    repo,
    index,
    embedder,
    log: parts.log,
    async exclusive<T>(fn: () => Promise<Locked<T>>): Promise<T> {
      const run = chain.then(fn);
      chain = run.catch(() => undefined);
      const { value, written } = await run;
      await written;
      return value;
    },
    entryOf,
    async reindexOne(target, known) {
      const [entry] = await entryOf([target], known);
      const written = index.upsert(entry ? [entry] : []);
      written.catch(() => undefined);
      return { written };
    },
    async embedOne(text, kind) {
      const [vector] = await embedder.embed([text], kind);
      return { text, vector: vector ?? [] };
    },
    async nearestTo(vector, scopes, k) {
      const hits = await index.query(vector, scopes, k);
      const scored: ScoredSkill[] = [];
      for (const hit of hits) {
        if (Number.isNaN(hit.similarity)) continue;
        const found = byId(Number(hit.id));
        if (found)
          scored.push({ skill: found, similarity: hit.similarity, score: hit.similarity + rankBonus(found) });
      }
      return scored;
    },
    skill,
    byId,
    named,
    mustFind(name, scope) {
      const [found] = named(name, [scope]);
      if (!found) {
        throw new UsageError(`no skill named ${name} in scope ${scope}`, {
          fix: 'See `toolsmith skills list`',
        });
      }
      return found;
    },
  };
}
