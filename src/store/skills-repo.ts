/**
 * Skill records in the store: the durable truth of the skill library (the vector index is derived
 * from these rows and can be rebuilt). Registers the `skills` migrations on creation.
 */
import { z } from 'zod';
import { StorageError, UsageError } from '../errors.ts';
import { toIdentifier } from '../skills/skill-name.ts';
import type { Skill, SkillCounters, SkillDraft } from '../skills/types.ts';
import type { Store } from './open-store.ts';

/** The `skills` domain's migrations; append, never edit. */
export const SKILLS_MIGRATIONS: readonly string[] = [
  `CREATE TABLE skills (
    id INTEGER PRIMARY KEY,
    scope TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    signature TEXT NOT NULL,
    code TEXT NOT NULL,
    task TEXT NOT NULL DEFAULT '',
    example TEXT,
    author TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('learned', 'seed', 'imported')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    hash TEXT NOT NULL,
    retrieved INTEGER NOT NULL DEFAULT 0,
    used INTEGER NOT NULL DEFAULT 0,
    succeeded INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    votes INTEGER NOT NULL DEFAULT 0,
    UNIQUE (scope, name)
  ) STRICT;
  CREATE INDEX skills_scope_hash ON skills (scope, hash);`,
];

const SkillRowSchema = z.object({
  id: z.number().int(),
  scope: z.string(),
  name: z.string(),
  description: z.string(),
  signature: z.string(),
  code: z.string(),
  task: z.string(),
  example: z.string().nullable(),
  author: z.string(),
  source: z.enum(['learned', 'seed', 'imported']),
  created_at: z.string(),
  updated_at: z.string(),
  version: z.number().int(),
  hash: z.string(),
  retrieved: z.number().int(),
  used: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  votes: z.number().int(),
});

/** Fields a new version of a skill may change. */
export type SkillChanges = Partial<
  Pick<SkillDraft, 'description' | 'signature' | 'code' | 'task' | 'example'>
> & {
  hash?: string;
};

export interface SkillsRepo {
  insert(draft: SkillDraft, hash: string): Skill;
  /** Apply changes and, when `bumpVersion`, increment the version. Throws when the skill is gone. */
  update(id: number, changes: SkillChanges, options?: { bumpVersion?: boolean }): Skill;
  getById(id: number): Skill | undefined;
  getByName(scope: string, name: string): Skill | undefined;
  /** A skill with this code hash in one of the scopes (first scope wins). */
  findByHash(scopes: readonly string[], hash: string): Skill | undefined;
  /** Skills of the scopes (all when omitted), by scope then name. */
  list(scopes?: readonly string[]): Skill[];
  count(): number;
  delete(id: number): boolean;
  /** Add to counters of one skill (e.g. `{ used: 1, succeeded: 1 }`). Unknown ids are ignored. */
  addCounters(id: number, deltas: Partial<SkillCounters>): void;
}

const COUNTERS = ['retrieved', 'used', 'succeeded', 'failed', 'votes'] as const;

/** The skills table, migrated on creation. `now` is injectable for tests. */
export function createSkillsRepo(store: Store, options: { now?: () => Date } = {}): SkillsRepo {
  store.migrate('skills', SKILLS_MIGRATIONS);
  const { db } = store;
  const now = () => (options.now?.() ?? new Date()).toISOString();

  const toSkill = (row: unknown): Skill => {
    const parsed = SkillRowSchema.safeParse(row);
    if (!parsed.success) {
      throw new StorageError(`a skills row does not match the schema: ${parsed.error.issues[0]?.message}`, {
        fix: 'The database was changed outside Toolsmith; restore it from a backup or export and re-import the skills',
      });
    }
    const r = parsed.data;
    return {
      id: r.id,
      scope: r.scope,
      name: r.name,
      identifier: toIdentifier(r.name),
      description: r.description,
      signature: r.signature,
      code: r.code,
      task: r.task,
      ...(r.example === null ? {} : { example: r.example }),
      author: r.author,
      source: r.source,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      version: r.version,
      hash: r.hash,
      retrieved: r.retrieved,
      used: r.used,
      succeeded: r.succeeded,
      failed: r.failed,
      votes: r.votes,
    };
  };

  const insertStmt = db.prepare(
    `INSERT INTO skills (scope, name, description, signature, code, task, example, author, source,
       created_at, updated_at, version, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
  );
  const byId = db.prepare('SELECT * FROM skills WHERE id = ?');
  const byName = db.prepare('SELECT * FROM skills WHERE scope = ? AND name = ?');
  const byHash = db.prepare('SELECT * FROM skills WHERE scope = ? AND hash = ? ORDER BY id LIMIT 1');
  const all = db.prepare('SELECT * FROM skills ORDER BY scope, name');
  const inScope = db.prepare('SELECT * FROM skills WHERE scope = ? ORDER BY name');
  const countStmt = db.prepare('SELECT COUNT(*) AS n FROM skills');
  const deleteStmt = db.prepare('DELETE FROM skills WHERE id = ?');
  /** One statement for every counter change (called on each skill call): absent counters add 0. */
  const countersStmt = db.prepare(
    `UPDATE skills SET ${COUNTERS.map((key) => `${key} = ${key} + ?`).join(', ')} WHERE id = ?`,
  );

  const getById = (id: number) => {
    const row = byId.get(id);
    return row ? toSkill(row) : undefined;
  };

  return {
    insert(draft, hash) {
      const stamp = now();
      try {
        const result = insertStmt.run(
          draft.scope,
          draft.name,
          draft.description,
          draft.signature,
          draft.code,
          draft.task,
          draft.example ?? null,
          draft.author,
          draft.source,
          stamp,
          stamp,
          hash,
        );
        const skill = getById(Number(result.lastInsertRowid));
        if (!skill) throw new StorageError('the inserted skill could not be read back');
        return skill;
      } catch (cause) {
        if (cause instanceof Error && /UNIQUE constraint failed/.test(cause.message)) {
          throw new UsageError(`a skill named "${draft.name}" already exists in scope ${draft.scope}`, {
            cause,
          });
        }
        throw cause;
      }
    },
    update(id, changes, updateOptions = {}) {
      const sets: string[] = [];
      const values: (string | number | null)[] = [];
      for (const key of ['description', 'signature', 'code', 'task', 'example', 'hash'] as const) {
        const value = changes[key];
        if (value !== undefined) {
          sets.push(`${key} = ?`);
          values.push(value);
        }
      }
      if (updateOptions.bumpVersion) sets.push('version = version + 1');
      sets.push('updated_at = ?');
      values.push(now());
      const result = db.prepare(`UPDATE skills SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
      const skill = result.changes > 0 ? getById(id) : undefined;
      if (!skill) throw new UsageError(`skill ${id} does not exist (deleted meanwhile?)`);
      return skill;
    },
    getById,
    getByName(scope, name) {
      const row = byName.get(scope, name);
      return row ? toSkill(row) : undefined;
    },
    findByHash(scopes, hash) {
      for (const scope of scopes) {
        const row = byHash.get(scope, hash);
        if (row) return toSkill(row);
      }
      return undefined;
    },
    list(scopes) {
      if (!scopes) return all.all().map(toSkill);
      return [...new Set(scopes)].flatMap((scope) => inScope.all(scope).map(toSkill));
    },
    count() {
      const n = countStmt.get()?.n;
      return typeof n === 'number' ? n : 0;
    },
    delete(id) {
      return deleteStmt.run(id).changes > 0;
    },
    addCounters(id, deltas) {
      const values: number[] = [];
      for (const key of COUNTERS) {
        const delta = deltas[key] ?? 0;
        if (!Number.isInteger(delta))
          throw new UsageError(`counter ${key} takes whole numbers (got ${delta})`);
        values.push(delta);
      }
      if (values.every((delta) => delta === 0)) return;
      countersStmt.run(...values, id);
    },
  };
}
