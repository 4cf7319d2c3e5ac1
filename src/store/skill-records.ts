/**
 * The skill library's records as the store keeps them: skills (the version in use), every version
 * of each skill, and votes. The store is the ground floor: these types are its own (zod schemas with
 * `z.infer`), and the skill library above builds on them.
 */
import { z } from 'zod';

/** Where a skill came from. */
export const SkillSourceSchema = z.enum(['learned', 'seed', 'imported']);
export type SkillSourceKind = z.infer<typeof SkillSourceSchema>;

/**
 * `proposed`: callable by its author only, awaiting review. `approved`: shared in its scope.
 * `rejected`: refused by a reviewer. `disabled`: removed (a seed that was deleted stays disabled).
 */
export const SkillStateSchema = z.enum(['proposed', 'approved', 'rejected', 'disabled']);
export type SkillState = z.infer<typeof SkillStateSchema>;

/** A version's review state: `approved` versions were in use at some time. */
export const VersionStateSchema = z.enum(['proposed', 'approved', 'rejected']);
export type VersionState = z.infer<typeof VersionStateSchema>;

/** `server.tool` identifiers a skill declares, e.g. `["web.fetch"]`. */
export const ToolListSchema = z.array(z.string().regex(/^[A-Za-z_$][\w$]*\.[A-Za-z_$][\w$]*$/));

/** The content of one version of a skill. */
export interface SkillContent {
  description: string;
  signature: string;
  code: string;
  example?: string;
  /** Tools the code calls, as `server.tool` (found in the code and checked). */
  tools: string[];
  /** sha256 of the code with whitespace collapsed. */
  hash: string;
}

/** Who made a version, from what, and how its check went. */
export interface VersionOrigin {
  author: string;
  /** The task the version came from (empty for seeds and imports without one). */
  task: string;
  /** e.g. `passed: the example returned the expected value`, or `not run: calls tools`. */
  checkResult: string;
  /** Why the version exists: `learned`, `seed`, `import`, `revert to v2`, `migrated`, ... */
  note: string;
}

export interface SkillCounters {
  /** Times offered in a prompt. */
  retrieved: number;
  /** Tasks that called it (once per task). */
  used: number;
  succeeded: number;
  failed: number;
  /** Net votes (up minus down), one per member per answer. */
  votes: number;
}

/** A skill as stored: the version in use, its state and counters. */
export interface SkillRecord extends SkillContent, SkillCounters {
  id: number;
  /** A guild id, `local`, or `global`. */
  scope: string;
  name: string;
  /** The member whose task first produced it. */
  author: string;
  /** The author of the version in use. */
  versionAuthor: string;
  task: string;
  source: SkillSourceKind;
  state: SkillState;
  /** An admin approved this server skill to take the name of a global one. */
  overrides: boolean;
  checkResult: string;
  reviewedBy?: string;
  createdAt: string;
  updatedAt: string;
  /** The version in use. */
  version: number;
}

/** One version of a skill. */
export interface SkillVersionRecord extends SkillContent, VersionOrigin {
  skillId: number;
  version: number;
  state: VersionState;
  reviewedBy?: string;
  createdAt: string;
}

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
  // Trust: states, declared tools, versions and votes. Skills that existed become approved, each
  // with a history of one version (the one in use).
  `ALTER TABLE skills ADD COLUMN state TEXT NOT NULL DEFAULT 'approved'
     CHECK (state IN ('proposed', 'approved', 'rejected', 'disabled'));
  ALTER TABLE skills ADD COLUMN tools TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE skills ADD COLUMN overrides INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE skills ADD COLUMN check_result TEXT NOT NULL DEFAULT '';
  ALTER TABLE skills ADD COLUMN reviewed_by TEXT;
  ALTER TABLE skills ADD COLUMN version_author TEXT NOT NULL DEFAULT '';
  UPDATE skills SET version_author = author;
  CREATE TABLE skill_versions (
    skill_id INTEGER NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('proposed', 'approved', 'rejected')),
    description TEXT NOT NULL,
    signature TEXT NOT NULL,
    code TEXT NOT NULL,
    example TEXT,
    tools TEXT NOT NULL,
    hash TEXT NOT NULL,
    author TEXT NOT NULL,
    task TEXT NOT NULL,
    check_result TEXT NOT NULL,
    note TEXT NOT NULL,
    reviewed_by TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (skill_id, version)
  ) STRICT;
  INSERT INTO skill_versions (skill_id, version, state, description, signature, code, example, tools,
      hash, author, task, check_result, note, created_at)
    SELECT id, version, 'approved', description, signature, code, example, '[]', hash, author, task,
      '', 'migrated', updated_at FROM skills;
  CREATE TABLE skill_votes (
    answer_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    skill_id INTEGER NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    delta INTEGER NOT NULL CHECK (delta IN (-1, 1)),
    created_at TEXT NOT NULL,
    PRIMARY KEY (answer_id, member_id, skill_id)
  ) STRICT;`,
];

const nullableText = z
  .string()
  .nullable()
  .transform((value) => value ?? undefined);

const toolsColumn = z.string().transform((text, ctx) => {
  try {
    const parsed = ToolListSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: 'the tools column is not a JSON list of server.tool names' });
  return z.NEVER;
});

/** A `skills` row, checked and mapped to a SkillRecord. */
export const SkillRowSchema = z
  .object({
    id: z.number().int(),
    scope: z.string(),
    name: z.string(),
    description: z.string(),
    signature: z.string(),
    code: z.string(),
    task: z.string(),
    example: nullableText,
    author: z.string(),
    version_author: z.string(),
    source: SkillSourceSchema,
    state: SkillStateSchema,
    tools: toolsColumn,
    overrides: z.number().int(),
    check_result: z.string(),
    reviewed_by: nullableText,
    created_at: z.string(),
    updated_at: z.string(),
    version: z.number().int(),
    hash: z.string(),
    retrieved: z.number().int(),
    used: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    votes: z.number().int(),
  })
  .transform(
    (r): SkillRecord => ({
      id: r.id,
      scope: r.scope,
      name: r.name,
      description: r.description,
      signature: r.signature,
      code: r.code,
      task: r.task,
      ...(r.example === undefined ? {} : { example: r.example }),
      tools: r.tools,
      hash: r.hash,
      author: r.author,
      versionAuthor: r.version_author || r.author,
      source: r.source,
      state: r.state,
      overrides: r.overrides === 1,
      checkResult: r.check_result,
      ...(r.reviewed_by === undefined ? {} : { reviewedBy: r.reviewed_by }),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      version: r.version,
      retrieved: r.retrieved,
      used: r.used,
      succeeded: r.succeeded,
      failed: r.failed,
      votes: r.votes,
    }),
  );

/** A `skill_versions` row, checked and mapped to a SkillVersionRecord. */
export const SkillVersionRowSchema = z
  .object({
    skill_id: z.number().int(),
    version: z.number().int(),
    state: VersionStateSchema,
    description: z.string(),
    signature: z.string(),
    code: z.string(),
    example: nullableText,
    tools: toolsColumn,
    hash: z.string(),
    author: z.string(),
    task: z.string(),
    check_result: z.string(),
    note: z.string(),
    reviewed_by: nullableText,
    created_at: z.string(),
  })
  .transform(
    (r): SkillVersionRecord => ({
      skillId: r.skill_id,
      version: r.version,
      state: r.state,
      description: r.description,
      signature: r.signature,
      code: r.code,
      ...(r.example === undefined ? {} : { example: r.example }),
      tools: r.tools,
      hash: r.hash,
      author: r.author,
      task: r.task,
      checkResult: r.check_result,
      note: r.note,
      ...(r.reviewed_by === undefined ? {} : { reviewedBy: r.reviewed_by }),
      createdAt: r.created_at,
    }),
  );
