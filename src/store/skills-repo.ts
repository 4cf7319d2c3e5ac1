/**
 * Skill records in the store: the durable truth of the skill library (the vector index is derived
 * from these rows and can be rebuilt). Nothing is edited in place: a change is a new version in
 * `skill_versions`, and a skill row shows the version in use. Registers the `skills` migrations.
 */
import type { z } from 'zod';
import { StorageError, UsageError } from '../errors.ts';
import type { Store } from './open-store.ts';
import {
  SKILLS_MIGRATIONS,
  type SkillContent,
  type SkillCounters,
  type SkillRecord,
  SkillRowSchema,
  type SkillSourceKind,
  type SkillState,
  type SkillVersionRecord,
  SkillVersionRowSchema,
  type VersionOrigin,
  type VersionState,
} from './skill-records.ts';

/** What a new skill is made of: its first version, where it lives and how far it is trusted. */
export interface NewSkill extends SkillContent, VersionOrigin {
  scope: string;
  name: string;
  source: SkillSourceKind;
  state: 'proposed' | 'approved';
}

export interface SkillsRepo {
  /** Insert a skill and its version 1. A name taken in the scope is a UsageError. */
  insert(skill: NewSkill): SkillRecord;
  /**
   * Add a version. `approved` puts it in use at once (the skill row shows it); `proposed` waits for
   * review (`approveVersion`). Returns the version written.
   */
  addVersion(
    skillId: number,
    content: SkillContent,
    origin: VersionOrigin,
    state: 'proposed' | 'approved',
  ): SkillVersionRecord;
  /** Put a proposed (or older) version in use and mark it approved by `reviewer`. */
  approveVersion(skillId: number, version: number, reviewer: string): SkillRecord;
  setVersionState(skillId: number, version: number, state: VersionState, reviewer: string): void;
  setState(skillId: number, state: SkillState, reviewer?: string): SkillRecord;
  /** Let a server skill (approved by an admin) take the name of a global one. */
  setOverrides(skillId: number, overrides: boolean): void;
  versions(skillId: number): SkillVersionRecord[];
  getVersion(skillId: number, version: number): SkillVersionRecord | undefined;
  /** Versions waiting for review, of skills in the scopes (all when omitted). */
  proposedVersions(scopes?: readonly string[]): SkillVersionRecord[];
  getById(id: number): SkillRecord | undefined;
  getByName(scope: string, name: string): SkillRecord | undefined;
  /** Skills whose version in use has this code hash, in the scopes (in scope order). */
  findByHash(scopes: readonly string[], hash: string): SkillRecord[];
  /** Skills of the scopes (all when omitted), by scope then name. */
  list(scopes?: readonly string[]): SkillRecord[];
  count(): number;
  delete(id: number): boolean;
  /** Add to counters of one skill (e.g. `{ used: 1, succeeded: 1 }`). Unknown ids are ignored. */
  addCounters(id: number, deltas: Partial<Omit<SkillCounters, 'votes'>>): void;
  /**
   * Record one member's vote on a skill for one answer (a second vote on the same answer replaces
   * the first) and recompute the skill's net votes. Returns the skill's net votes.
   */
  vote(input: { answerId: string; memberId: string; skillId: number; delta: 1 | -1 }): number;
}

const COUNTERS = ['retrieved', 'used', 'succeeded', 'failed'] as const;

function parseRow<T>(schema: z.ZodType<T>, row: unknown, table: string): T {
  const parsed = schema.safeParse(row);
  if (parsed.success) return parsed.data;
  throw new StorageError(`a ${table} row does not match the schema: ${parsed.error.issues[0]?.message}`, {
    fix: 'The database was changed outside Toolsmith; restore it from a backup, or export and re-import the skills',
  });
}

/** The skills tables, migrated on creation. `now` is injectable for tests. */
export function createSkillsRepo(store: Store, options: { now?: () => Date } = {}): SkillsRepo {
  store.migrate('skills', SKILLS_MIGRATIONS);
  const { db } = store;
  const now = () => (options.now?.() ?? new Date()).toISOString();
  const toSkill = (row: unknown) => parseRow(SkillRowSchema, row, 'skills');
  const toVersion = (row: unknown) => parseRow(SkillVersionRowSchema, row, 'skill_versions');

  const insertSkill = db.prepare(
    `INSERT INTO skills (scope, name, description, signature, code, task, example, author, version_author,
       source, state, tools, check_result, created_at, updated_at, version, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
  );
  const insertVersion = db.prepare(
    `INSERT INTO skill_versions (skill_id, version, state, description, signature, code, example, tools,
       hash, author, task, check_result, note, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const applyVersion = db.prepare(
    `UPDATE skills SET description = ?, signature = ?, code = ?, example = ?, tools = ?, hash = ?,
       version_author = ?, check_result = ?, version = ?, updated_at = ?, reviewed_by = ? WHERE id = ?`,
  );
  const byId = db.prepare('SELECT * FROM skills WHERE id = ?');
  const byName = db.prepare('SELECT * FROM skills WHERE scope = ? AND name = ?');
  const byHash = db.prepare('SELECT * FROM skills WHERE scope = ? AND hash = ? ORDER BY id');
  const all = db.prepare('SELECT * FROM skills ORDER BY scope, name');
  const inScope = db.prepare('SELECT * FROM skills WHERE scope = ? ORDER BY name');
  const countStmt = db.prepare('SELECT COUNT(*) AS n FROM skills');
  const deleteStmt = db.prepare('DELETE FROM skills WHERE id = ?');
  const versionsOf = db.prepare('SELECT * FROM skill_versions WHERE skill_id = ? ORDER BY version');
  const versionOf = db.prepare('SELECT * FROM skill_versions WHERE skill_id = ? AND version = ?');
  const maxVersion = db.prepare('SELECT MAX(version) AS v FROM skill_versions WHERE skill_id = ?');
  const proposed = db.prepare(
    `SELECT v.* FROM skill_versions v JOIN skills s ON s.id = v.skill_id
     WHERE v.state = 'proposed' AND v.version <> s.version ORDER BY v.created_at`,
  );
  const countersStmt = db.prepare(
    `UPDATE skills SET ${COUNTERS.map((key) => `${key} = ${key} + ?`).join(', ')} WHERE id = ?`,
  );
  const upsertVote = db.prepare(
    `INSERT INTO skill_votes (answer_id, member_id, skill_id, delta, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (answer_id, member_id, skill_id) DO UPDATE SET delta = excluded.delta`,
  );
  const sumVotes = db.prepare('SELECT COALESCE(SUM(delta), 0) AS n FROM skill_votes WHERE skill_id = ?');
  const setVotes = db.prepare('UPDATE skills SET votes = ? WHERE id = ?');

  const getById = (id: number) => {
    const row = byId.get(id);
    return row ? toSkill(row) : undefined;
  };
  const mustGet = (id: number) => {
    const skill = getById(id);
    if (!skill) throw new UsageError(`skill ${id} does not exist (deleted meanwhile?)`);
    return skill;
  };
  const getVersion = (skillId: number, version: number) => {
    const row = versionOf.get(skillId, version);
    return row ? toVersion(row) : undefined;
  };
  const writeVersion = (
    skillId: number,
    version: number,
    state: VersionState,
    content: SkillContent,
    origin: VersionOrigin,
  ) => {
    insertVersion.run(
      skillId,
      version,
      state,
      content.description,
      content.signature,
      content.code,
      content.example ?? null,
      JSON.stringify(content.tools),
      content.hash,
      origin.author,
      origin.task,
      origin.checkResult,
      origin.note,
      now(),
    );
  };
  const putInUse = (skillId: number, v: SkillVersionRecord, reviewer: string | null) => {
    applyVersion.run(
      v.description,
      v.signature,
      v.code,
      v.example ?? null,
      JSON.stringify(v.tools),
      v.hash,
      v.author,
      v.checkResult,
      v.version,
      now(),
      reviewer,
      skillId,
    );
  };

  return {
    insert(skill) {
      const stamp = now();
      try {
        return store.transaction(() => {
          const result = insertSkill.run(
            skill.scope,
            skill.name,
            skill.description,
            skill.signature,
            skill.code,
            skill.task,
            skill.example ?? null,
            skill.author,
            skill.author,
            skill.source,
            skill.state,
            JSON.stringify(skill.tools),
            skill.checkResult,
            stamp,
            stamp,
            skill.hash,
          );
          const id = Number(result.lastInsertRowid);
          writeVersion(id, 1, skill.state === 'approved' ? 'approved' : 'proposed', skill, skill);
          return mustGet(id);
        });
      } catch (cause) {
        if (cause instanceof Error && /UNIQUE constraint failed/.test(cause.message)) {
          throw new UsageError(`a skill named "${skill.name}" already exists in scope ${skill.scope}`, {
            cause,
          });
        }
        throw cause;
      }
    },
    addVersion(skillId, content, origin, state) {
      return store.transaction(() => {
        mustGet(skillId);
        const last = maxVersion.get(skillId)?.v;
        const version = (typeof last === 'number' ? last : 0) + 1;
        writeVersion(skillId, version, state, content, origin);
        const written = getVersion(skillId, version);
        if (!written) throw new StorageError('the new skill version could not be read back');
        if (state === 'approved') putInUse(skillId, written, null);
        return written;
      });
    },
    approveVersion(skillId, version, reviewer) {
      return store.transaction(() => {
        const v = getVersion(skillId, version);
        if (!v) throw new UsageError(`skill ${skillId} has no version ${version}`);
        versionStateStmt().run('approved', reviewer, skillId, version);
        putInUse(skillId, { ...v, state: 'approved' }, reviewer);
        return mustGet(skillId);
      });
    },
    setVersionState(skillId, version, state, reviewer) {
      versionStateStmt().run(state, reviewer, skillId, version);
    },
    setState(skillId, state, reviewer) {
      db.prepare(
        'UPDATE skills SET state = ?, reviewed_by = COALESCE(?, reviewed_by), updated_at = ? WHERE id = ?',
      ).run(state, reviewer ?? null, now(), skillId);
      return mustGet(skillId);
    },
    setOverrides(skillId, overrides) {
      db.prepare('UPDATE skills SET overrides = ? WHERE id = ?').run(overrides ? 1 : 0, skillId);
    },
    versions: (skillId) => versionsOf.all(skillId).map(toVersion),
    getVersion,
    proposedVersions(scopes) {
      const rows = proposed.all().map(toVersion);
      if (!scopes) return rows;
      const wanted = new Set(scopes);
      return rows.filter((v) => wanted.has(getById(v.skillId)?.scope ?? ''));
    },
    getById,
    getByName(scope, name) {
      const row = byName.get(scope, name);
      return row ? toSkill(row) : undefined;
    },
    findByHash(scopes, hash) {
      return scopes.flatMap((scope) => byHash.all(scope, hash).map(toSkill));
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
    vote({ answerId, memberId, skillId, delta }) {
      if (delta !== 1 && delta !== -1) throw new UsageError('a vote is +1 or -1');
      return store.transaction(() => {
        mustGet(skillId);
        upsertVote.run(answerId, memberId, skillId, delta, now());
        const n = sumVotes.get(skillId)?.n;
        const total = typeof n === 'number' ? n : 0;
        setVotes.run(total, skillId);
        return total;
      });
    },
  };

  function versionStateStmt() {
    return db.prepare(
      'UPDATE skill_versions SET state = ?, reviewed_by = ? WHERE skill_id = ? AND version = ?',
    );
  }
}
