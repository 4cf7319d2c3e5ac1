/** Contracts between the agent loop and the parts around it (skill library, front ends). */
import type { Usage } from '../model/types.ts';
import type { SandboxProvider } from '../sandbox/types.ts';

/** One code run the agent made, kept for the report and for skill distillation. */
export interface CodeRun {
  step: number;
  code: string;
  ok: boolean;
  /** Rendered value, when the run returned one. */
  value?: string;
  error?: string;
}

/** What a finished task message reports. */
export interface TaskReport {
  ok: boolean;
  /** The final answer (or why it stopped). */
  answer: string;
  /** The task text this report answers. */
  task: string;
  /** Why the loop stopped when not ok: max-steps, stuck, budget, aborted, error. */
  stopReason?:
    | 'answered'
    | 'max-steps'
    | 'stuck'
    | 'wall-budget'
    | 'token-budget'
    | 'cost-budget'
    | 'aborted'
    | 'error';
  steps: number;
  usage: Usage;
  costUsd: number;
  durationMs: number;
  /** Every code run of this task message, in order. */
  runs: CodeRun[];
  /** The code that produced the result: the last successful run (empty when none). */
  resultCode: string;
  /** Files in the workspace written during the task (relative paths). */
  files: string[];
  /** Skills put into the prompt, by name. */
  skillsOffered: string[];
  /** Skills the code called, by name. */
  skillsUsed: string[];
  /** The skill learned from this task, if any (filled in by the skill library). */
  skillLearned?: string;
}

/** A skill as offered in a prompt. */
export interface OfferedSkill {
  name: string;
  /** The identifier in code: `await skills.<identifier>(...)`. */
  identifier: string;
  description: string;
  signature: string;
  code: string;
  /** Where it came from, e.g. "learned from a task by @ana, used 12 times, 11 ok, +3". */
  provenance: string;
  score: number;
}

/** Who and where a task runs for: skills are scoped per guild (`global` is shared by all). */
export interface TaskScope {
  /** A guild id, or `local` for the terminal. */
  scope: string;
  /** Who asked (Discord user id or local user name). */
  author: string;
}

/** The skills provider of a session's sandbox (namespace `skills`). */
export interface SkillSandboxApi extends SandboxProvider {
  /** Release what skill calls held (each skill runs in a sandbox of its own); call with the session's dispose. */
  dispose?(): void;
}

/** What the caller of skills has: a skill gets the tools it declares, and only those the caller has. */
export interface SkillCaller {
  /** The session's `tools` provider now (undefined: skills get no tools). */
  tools?: () => SandboxProvider | undefined;
}

/** The agent's view of the skill library. An empty source offers nothing and learns nothing. */
export interface SkillSource {
  /** Skills for this task's prompt, best first. */
  retrieve(query: { text: string } & TaskScope): Promise<OfferedSkill[]>;
  /** The provider that makes `skills.<name>(...)` work in the session's sandbox; `onUse` sees each call. */
  sandboxApi(
    scope: TaskScope,
    onUse?: (name: string, ok: boolean) => void,
    caller?: SkillCaller,
  ): SkillSandboxApi;
  /** After a task message ends: distil and save a skill when the task succeeded. Returns its name. */
  learn(report: TaskReport, scope: TaskScope): Promise<string | undefined>;
}
