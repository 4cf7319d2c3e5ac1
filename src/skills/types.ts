/** The skill library's own types: skill records, embedders and the library's management API. */
import type { SkillSource } from '../agent/types.ts';

/** Where a skill came from. */
export type SkillSourceKind = 'learned' | 'seed' | 'imported';

/** What is needed to create or update a skill. */
export interface SkillDraft {
  /** lowercase-hyphen, unique in its scope, e.g. `parse-csv`. */
  name: string;
  /** What it does and when to use it. */
  description: string;
  /** e.g. `parseCsv(text: string, options?: { delimiter?: string }): Record<string, string>[]`. */
  signature: string;
  /** JavaScript defining the function named by the name in camelCase (e.g. `async function parseCsv(...)`). */
  code: string;
  /** The task the skill came from (empty for seeds). */
  task: string;
  /** An example call, e.g. `await parseCsv('a,b\n1,2')` (optional). */
  example?: string;
  /** A guild id, `local`, or `global`. */
  scope: string;
  author: string;
  source: SkillSourceKind;
}

export interface SkillCounters {
  /** Times offered in a prompt. */
  retrieved: number;
  /** Times called from code, or adapted into a newly learned near-duplicate. */
  used: number;
  succeeded: number;
  failed: number;
  /** Net votes (up minus down). */
  votes: number;
}

/** A stored skill. */
export interface Skill extends SkillDraft, SkillCounters {
  id: number;
  /** The identifier in code: `skills.<identifier>`. */
  identifier: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  /** sha256 of the code with whitespace collapsed. */
  hash: string;
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

/** Result of saving a draft: added, updated (a near-duplicate or a new version) or unchanged. */
export interface SaveResult {
  skill: Skill;
  outcome: 'added' | 'updated' | 'unchanged';
}

/** The skill library: the agent's SkillSource plus what the CLI and front ends manage it with. */
export interface SkillLibrary extends SkillSource, AsyncDisposable {
  /** Save a draft: exact duplicates are unchanged, near-duplicates update the existing skill. */
  save(draft: SkillDraft): Promise<SaveResult>;
  /** Skills of the given scopes (all scopes when omitted), by name. */
  list(scopes?: readonly string[]): Skill[];
  /** The skill `name`, looked up in the given scopes in order. */
  get(name: string, scopes: readonly string[]): Skill | undefined;
  /** Nearest skills to a text in the given scopes, best first (no floor, no counters touched). */
  search(text: string, scopes: readonly string[], limit?: number): Promise<ScoredSkill[]>;
  /** Delete a skill; returns false when there is none by that name in the scope. */
  delete(name: string, scope: string): Promise<boolean>;
  /** Add `delta` (+1 or -1) to a skill's votes. */
  vote(name: string, scope: string, delta: number): Skill;
  /** The embedder the index records (dimensions filled in once known). */
  readonly embedder: EmbedderInfo;
  /** Rebuild the vector index from the store. Returns the number of skills indexed. */
  reindex(): Promise<number>;
  /** Close the index and wait for pending writes. Does not close the store. */
  close(): Promise<void>;
}
