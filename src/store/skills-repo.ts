/**
 * Skill records in the store: the durable truth of the skill library (the vector index is derived
 * from these rows and can be rebuilt). Nothing is edited in place: a change is a new version in
 * `skill_versions`, and a skill row shows the version in use. Registers the `skills` migrations.
 */
import { StorageError, UsageError } from '../errors.ts';
import type { Store } from './open-store.ts';
import {
  SKILLS_MIGRATIONS,
  type SkillContent,
  type SkillCounters,
  type SkillRecord,
  type SkillSourceKind,
  type SkillState,
  type SkillVersionRecord,
  type VersionOrigin,
  type VersionState,
} from './skill-records.ts';
import {
  COUNTERS,
  getById,
  getVersion,
  mustGet,
  prepareSkillStatements,
  putInUse,
  type SkillsDb,
  toSkill,
  toVersion,
  writeVersion,
} from './skill-statements.ts';

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

/** The skills tables, migrated on creation. `now` is injectable for tests. */
export function createSkillsRepo(store: Store, options: { now?: () => Date } = {}): SkillsRepo {
  store.migrate('skills', SKILLS_MIGRATIONS);
  const { db } = store;
  const now = () => (options.now?.() ?? new Date()).toISOString();
  const sdb: SkillsDb = { store, st: prepareSkillStatements(db), now };
  const { st } = sdb;
  const versionStateStmt = () =>
    db.prepare('UPDATE skill_versions SET state = ?, reviewed_by = ? WHERE skill_id = ? AND version = ?');

  return {
    insert: (skill) => insert(sdb, skill),
    addVersion: (skillId, content, origin, state) => addVersion(sdb, skillId, { content, origin, state }),
    approveVersion(skillId, version, reviewer) {
      return store.transaction(() => {
        const v = getVersion(sdb, skillId, version);
        if (!v) throw new UsageError(`skill ${skillId} has no version ${version}`);
        versionStateStmt().run('approved', reviewer, skillId, version);
        putInUse(sdb, skillId, { ...v, state: 'approved' }, reviewer);
        return mustGet(sdb, skillId);
      });
    },
    setVersionState(skillId, version, state, reviewer) {
      versionStateStmt().run(state, reviewer, skillId, version);
    },
    setState(skillId, state, reviewer) {
      db.prepare(
        'UPDATE skills SET state = ?, reviewed_by = COALESCE(?, reviewed_by), updated_at = ? WHERE id = ?',
      ).run(state, reviewer ?? null, now(), skillId);
      return mustGet(sdb, skillId);
    },
    setOverrides(skillId, overrides) {
      db.prepare('UPDATE skills SET overrides = ? WHERE id = ?').run(overrides ? 1 : 0, skillId);
    },
    versions: (skillId) => st.versionsOf.all(skillId).map(toVersion),
    getVersion: (skillId, version) => getVersion(sdb, skillId, version),
    proposedVersions(scopes) {
      const rows = st.proposed.all().map(toVersion);
      if (!scopes) return rows;
      const wanted = new Set(scopes);
      return rows.filter((v) => wanted.has(getById(sdb, v.skillId)?.scope ?? ''));
    },
    getById: (id) => getById(sdb, id),
    getByName(scope, name) {
      const row = st.byName.get(scope, name);
      return row ? toSkill(row) : undefined;
    },
    findByHash: (scopes, hash) => scopes.flatMap((scope) => st.byHash.all(scope, hash).map(toSkill)),
    list(scopes) {
      if (!scopes) return st.all.all().map(toSkill);
      return [...new Set(scopes)].flatMap((scope) => st.inScope.all(scope).map(toSkill));
    },
    count() {
      const n = st.count.get()?.n;
      return typeof n === 'number' ? n : 0;
    },
    delete: (id) => st.delete.run(id).changes > 0,
    addCounters: (id, deltas) => addCounters(sdb, id, deltas),
    vote: (input) => vote(sdb, input),
  };
}

function insert(sdb: SkillsDb, skill: NewSkill): SkillRecord {
  const stamp = sdb.now();
  try {
    return sdb.store.transaction(() => {
      const result = sdb.st.insertSkill.run(
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
      const state = skill.state === 'approved' ? 'approved' : 'proposed';
      writeVersion(sdb, { skillId: id, version: 1, state }, skill, skill);
      return mustGet(sdb, id);
    });
  } catch (cause) {
    if (cause instanceof Error && /UNIQUE constraint failed/.test(cause.message)) {
      throw new UsageError(`a skill named "${skill.name}" already exists in scope ${skill.scope}`, {
        cause,
      });
    }
    throw cause;
  }
}

function addVersion(
  sdb: SkillsDb,
  skillId: number,
  added: { content: SkillContent; origin: VersionOrigin; state: 'proposed' | 'approved' },
): SkillVersionRecord {
  const { content, origin, state } = added;
  return sdb.store.transaction(() => {
    mustGet(sdb, skillId);
    const last = sdb.st.maxVersion.get(skillId)?.v;
    const version = (typeof last === 'number' ? last : 0) + 1;
    writeVersion(sdb, { skillId, version, state }, content, origin);
    const written = getVersion(sdb, skillId, version);
    if (!written) throw new StorageError('the new skill version could not be read back');
    if (state === 'approved') putInUse(sdb, skillId, written, null);
    return written;
  });
}

function addCounters(sdb: SkillsDb, id: number, deltas: Partial<Omit<SkillCounters, 'votes'>>): void {
  const values: number[] = [];
  for (const key of COUNTERS) {
    const delta = deltas[key] ?? 0;
    if (!Number.isInteger(delta)) throw new UsageError(`counter ${key} takes whole numbers (got ${delta})`);
    values.push(delta);
  }
  if (values.every((delta) => delta === 0)) return;
  sdb.st.counters.run(...values, id);
}

function vote(sdb: SkillsDb, input: Parameters<SkillsRepo['vote']>[0]): number {
  const { answerId, memberId, skillId, delta } = input;
  if (delta !== 1 && delta !== -1) throw new UsageError('a vote is +1 or -1');
  return sdb.store.transaction(() => {
    mustGet(sdb, skillId);
    sdb.st.upsertVote.run(answerId, memberId, skillId, delta, sdb.now());
    const n = sdb.st.sumVotes.get(skillId)?.n;
    const total = typeof n === 'number' ? n : 0;
    sdb.st.setVotes.run(total, skillId);
    return total;
  });
}
