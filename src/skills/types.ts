/** The skill library's own types: skills, embedders, who acts on them, and the library's management API. */
import type { SkillSource } from '../agent/types.ts';
import type {
  SkillCounters,
  SkillRecord,
  SkillSourceKind,
  SkillState,
  SkillVersionRecord,
} from '../store/skill-records.ts';

export type { SkillCounters, SkillSourceKind, SkillState, SkillVersionRecord };

/** What is needed to create a skill or a new version of one. */
export interface SkillDraft {
  /** lowercase-hyphen, unique in its scope, e.g. `parse-csv`. */
  name: string;
  /** What it does and when to use it. */
  description: string;
  /** e.g. `parseCsv(text: string, options?: { delimiter?: string }): Record<string, string>[]`. */
  signature: string;
  /** Exactly one function declaration named by the name in camelCase (`function parseCsv(...) {...}`). */
  code: string;
  /** The task the skill came from (empty for seeds). */
  task: string;
  /** An example call, e.g. `await parseCsv('a,b\n1,2')` (optional). */
  example?: string;
  /** A guild id, `local`, or `global`. */
  scope: string;
  author: string;
  source: SkillSourceKind;
  /** The tools the code calls (`server.tool`); checked against the code when given. */
  tools?: string[];
  /** How the draft's check went (the distiller's sandbox check), kept with the version. */
  checkResult?: string;
}

/** A stored skill: the version in use, with its identifier in code. */
export interface Skill extends SkillRecord {
  /** The identifier in code: `skills.<identifier>`. */
  identifier: string;
}

/**
 * Who acts on the library. Operators own `global` (OPERATOR_USERS, or the CLI); reviewers approve
 * in the scopes listed (ADMIN_ROLE or SKILL_REVIEWER_ROLE in that server).
 */
export interface SkillActor {
  /** A Discord user id, or the local user name. */
  id: string;
  operator: boolean;
  /** Scopes this actor reviews (besides every scope, for an operator). */
  reviewerOf: readonly string[];
}

/** Whose view of the library: a member in a scope sees approved skills and their own proposals. */
export interface SkillViewer {
  scope: string;
  member: string;
}

/** Which texts an embedding is for (Voyage's `input_type`). */
export type EmbedKind = 'query' | 'document';

/** What an index records about the embedder that filled it. */
export interface EmbedderInfo {
  provider: 'local' | 'voyage' | 'openai';
  model: string;
  /** Known up front for `local` and when configured; otherwise learnt from the first vectors. */
  dimensions: number | undefined;
}

/** Turns texts into vectors. Deterministic for `local`. */
export interface Embedder {
  readonly info: EmbedderInfo;
  embed(texts: readonly string[], kind: EmbedKind): Promise<number[][]>;
}

/** Receives the library's log lines (start-up rebuilds, skipped seeds, distillation outcomes). */
export type SkillLog = (level: 'info' | 'warn', message: string) => void;

/** A skill with its similarity to a query. */
export interface ScoredSkill {
  skill: Skill;
  /** Cosine similarity of the query and the skill text. */
  similarity: number;
  /** Similarity plus the small bonus for successful, well-voted skills; what ranking uses. */
  score: number;
}

/**
 * Result of saving a draft: `added` (a new skill), `updated` (a new version in use), `proposed`
 * (a new version waiting for review; the version in use is unchanged) or `unchanged`.
 */
export interface SaveResult {
  skill: Skill;
  outcome: 'added' | 'updated' | 'proposed' | 'unchanged';
  /** The version written, when one was. */
  version?: number;
}

/** Something waiting for review: a proposed skill (version 1) or a proposed new version of a skill. */
export interface Proposal {
  skill: Skill;
  version: SkillVersionRecord;
  /** It takes the name of a global skill, which it would hide in its server: approving needs `override`. */
  shadowsGlobal: boolean;
}

/** A vote on a skill for one answer. */
export interface VoteInput {
  /** The answer the buttons were on (one vote per member per answer per skill). */
  answerId: string;
  memberId: string;
  /** Skill name (or camelCase identifier) as the member's scope resolves it. */
  skill: string;
  scope: string;
  delta: 1 | -1;
}

/** The skill library: the agent's SkillSource plus what the CLI and front ends manage it with. */
export interface SkillLibrary extends SkillSource, AsyncDisposable {
  /** Save a draft as `actor` (default: the draft's author, no review rights). */
  save(draft: SkillDraft, actor?: SkillActor): Promise<SaveResult>;
  /** Skills of the given scopes (all when omitted), by name; with a viewer, only what they may see. */
  list(scopes?: readonly string[], viewer?: SkillViewer): Skill[];
  /** The skill `name` (or its camelCase identifier) in the scopes, as `viewer` resolves it (else any state). */
  get(name: string, scopes: readonly string[], viewer?: SkillViewer): Skill | undefined;
  /** Nearest skills to a text in the given scopes, best first (no floor, no counters touched). */
  search(
    text: string,
    scopes: readonly string[],
    limit?: number,
    viewer?: SkillViewer,
  ): Promise<ScoredSkill[]>;
  /** Remove a skill (a seed is disabled instead, for good). Refused unless `actor` may. */
  delete(name: string, scope: string, actor: SkillActor): Promise<boolean>;
  /** Proposals waiting for review in the scopes (all when omitted). */
  proposals(scopes?: readonly string[]): Proposal[];
  /** Approve a proposed skill or version (`override`: let a server skill take a global name). */
  approve(
    name: string,
    scope: string,
    actor: SkillActor,
    options?: { version?: number; override?: boolean },
  ): Promise<Skill>;
  reject(name: string, scope: string, actor: SkillActor, options?: { version?: number }): Promise<Skill>;
  /** Every version of a skill, oldest first. */
  history(name: string, scope: string): SkillVersionRecord[];
  /** A unified line diff of two versions' code (and description/signature when they differ). */
  diff(name: string, scope: string, from: number, to: number): string;
  /** Put an older version's content back in use, as a new version by `actor`. */
  revert(name: string, scope: string, version: number, actor: SkillActor): Promise<Skill>;
  /** One vote per member per answer per skill; a second vote on the same answer replaces the first. */
  vote(input: VoteInput): Skill;
  /** The embedder the index records (dimensions filled in once known). */
  readonly embedder: EmbedderInfo;
  /** Rebuild the vector index from the store. Returns the number of skills indexed. */
  reindex(): Promise<number>;
  /** Close the index and wait for pending writes. Does not close the store. */
  close(): Promise<void>;
}
