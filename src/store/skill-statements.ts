/**
 * The skills tables' prepared statements and the row-level steps the skills repo is made of: rows
 * parsed with their schemas (a row that does not match is a StorageError), a skill or version read
 * by id, a version written, a version put in use.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { z } from 'zod';
import { StorageError, UsageError } from '../errors.ts';
import type { Store } from './open-store.ts';
import {
  type SkillContent,
  type SkillRecord,
  SkillRowSchema,
  type SkillVersionRecord,
  SkillVersionRowSchema,
  type VersionOrigin,
  type VersionState,
} from './skill-records.ts';

/** The counters a skill keeps, in the column order of `addCounters`. */
export const COUNTERS = ['retrieved', 'used', 'succeeded', 'failed'] as const;

/** The statements of the skills tables, prepared once (after the migrations). */
export function prepareSkillStatements(db: DatabaseSync) {
  return {
    insertSkill: db.prepare(
      `INSERT INTO skills (scope, name, description, signature, code, task, example, author, version_author,
         source, state, tools, check_result, created_at, updated_at, version, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
    ),
    insertVersion: db.prepare(
      `INSERT INTO skill_versions (skill_id, version, state, description, signature, code, example, tools,
         hash, author, task, check_result, note, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    applyVersion: db.prepare(
      `UPDATE skills SET description = ?, signature = ?, code = ?, example = ?, tools = ?, hash = ?,
         version_author = ?, check_result = ?, version = ?, updated_at = ?, reviewed_by = ? WHERE id = ?`,
    ),
    byId: db.prepare('SELECT * FROM skills WHERE id = ?'),
    byName: db.prepare('SELECT * FROM skills WHERE scope = ? AND name = ?'),
    byHash: db.prepare('SELECT * FROM skills WHERE scope = ? AND hash = ? ORDER BY id'),
    all: db.prepare('SELECT * FROM skills ORDER BY scope, name'),
    inScope: db.prepare('SELECT * FROM skills WHERE scope = ? ORDER BY name'),
    count: db.prepare('SELECT COUNT(*) AS n FROM skills'),
    delete: db.prepare('DELETE FROM skills WHERE id = ?'),
    versionsOf: db.prepare('SELECT * FROM skill_versions WHERE skill_id = ? ORDER BY version'),
    versionOf: db.prepare('SELECT * FROM skill_versions WHERE skill_id = ? AND version = ?'),
    maxVersion: db.prepare('SELECT MAX(version) AS v FROM skill_versions WHERE skill_id = ?'),
    proposed: db.prepare(
      `SELECT v.* FROM skill_versions v JOIN skills s ON s.id = v.skill_id
       WHERE v.state = 'proposed' AND v.version <> s.version ORDER BY v.created_at`,
    ),
    counters: db.prepare(
      `UPDATE skills SET ${COUNTERS.map((key) => `${key} = ${key} + ?`).join(', ')} WHERE id = ?`,
    ),
    upsertVote: db.prepare(
      `INSERT INTO skill_votes (answer_id, member_id, skill_id, delta, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (answer_id, member_id, skill_id) DO UPDATE SET delta = excluded.delta`,
    ),
    sumVotes: db.prepare('SELECT COALESCE(SUM(delta), 0) AS n FROM skill_votes WHERE skill_id = ?'),
    setVotes: db.prepare('UPDATE skills SET votes = ? WHERE id = ?'),
  };
}

/** The skills tables as the repo's steps use them: the store, its statements and the clock. */
export interface SkillsDb {
  readonly store: Store;
  readonly st: ReturnType<typeof prepareSkillStatements>;
  /** Now, as an ISO timestamp. */
  readonly now: () => string;
}

function parseRow<T>(schema: z.ZodType<T>, row: unknown, table: string): T {
  const parsed = schema.safeParse(row);
  if (parsed.success) return parsed.data;
  throw new StorageError(`a ${table} row does not match the schema: ${parsed.error.issues[0]?.message}`, {
    fix: 'The database was changed outside Toolsmith; restore it from a backup, or export and re-import the skills',
  });
}

/** A `skills` row, checked. */
export const toSkill = (row: unknown): SkillRecord => parseRow(SkillRowSchema, row, 'skills');

/** A `skill_versions` row, checked. */
export const toVersion = (row: unknown): SkillVersionRecord =>
  parseRow(SkillVersionRowSchema, row, 'skill_versions');

/** The skill, if it exists. */
export function getById(sdb: SkillsDb, id: number): SkillRecord | undefined {
  const row = sdb.st.byId.get(id);
  return row ? toSkill(row) : undefined;
}

/** The skill, or a UsageError when it does not exist. */
export function mustGet(sdb: SkillsDb, id: number): SkillRecord {
  const skill = getById(sdb, id);
  if (!skill) throw new UsageError(`skill ${id} does not exist (deleted meanwhile?)`);
  return skill;
}

/** One version of a skill, if it exists. */
export function getVersion(sdb: SkillsDb, skillId: number, version: number): SkillVersionRecord | undefined {
  const row = sdb.st.versionOf.get(skillId, version);
  return row ? toVersion(row) : undefined;
}

/** Insert a version row. */
export function writeVersion(
  sdb: SkillsDb,
  at: { skillId: number; version: number; state: VersionState },
  content: SkillContent,
  origin: VersionOrigin,
): void {
  sdb.st.insertVersion.run(
    at.skillId,
    at.version,
    at.state,
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
    sdb.now(),
  );
}

/** Show a version in the skill row (the version in use). */
export function putInUse(
  sdb: SkillsDb,
  skillId: number,
  v: SkillVersionRecord,
  reviewer: string | null,
): void {
  sdb.st.applyVersion.run(
    v.description,
    v.signature,
    v.code,
    v.example ?? null,
    JSON.stringify(v.tools),
    v.hash,
    v.author,
    v.checkResult,
    v.version,
    sdb.now(),
    reviewer,
    skillId,
  );
}
