/**
 * The task service contract: what every front end (Discord, the terminal) asks of the application
 * core, and the typed events it renders. Front ends parse input and render; the service decides.
 */
import type { AgentEvent } from '../agent/events.ts';
import type { TaskReport } from '../agent/types.ts';
import type { Usage } from '../model/types.ts';
import type { ReportRow } from '../store/reports-repo.ts';
import type { ApprovalChoice, ApprovalView, DecideOutcome } from './approvals.ts';
import type { NamedProfile } from './profiles.ts';
import type { UsageReport } from './quotas.ts';

/** Who is acting, and where. Built by a front end from its own input; checked by the service. */
export interface Actor {
  /** Discord user id, or the local user's name in the terminal. */
  userId: string;
  /** The server (guild id); `null` in a direct message. The terminal uses `local`. */
  guildId: string | null;
  /** The channel, or for a thread its parent channel. */
  channelId: string | null;
  /** The channel's category, when it has one (for channel profiles). */
  categoryId?: string | null;
  roleIds: readonly string[];
  /** Discord's own Administrator permission. */
  isGuildAdmin: boolean;
  /** The operator at the terminal: every allowlist and limit that protects a team passes. */
  operator?: boolean;
}

/** A file a message brings, saved into the workspace in the message's turn by the front end's own means. */
export interface IncomingFile {
  name: string;
  /** Save into `workspaceDir`; never throws: a refusal is a sentence for the user. */
  save(workspaceDir: string): Promise<FileOutcome>;
}

export type FileOutcome =
  /** `image`: the file is a picture (by its bytes) and is shown to the model with the message. */
  { ok: true; name: string; bytes: number; image?: string } | { ok: false; name: string; reason: string };

/** What a front end renders while a message is worked on: the agent's events and the service's own. */
export type TaskEvent =
  | AgentEvent
  | { type: 'queued'; position: number }
  | { type: 'running' }
  | { type: 'file'; outcome: FileOutcome }
  /** A tool call waits for an approver: show it with Approve once / Approve for this task / Deny. */
  | { type: 'approval'; approval: ApprovalView }
  | { type: 'approval-decided'; id: string; approved: boolean; by: string; note?: string };

export interface MessageObserver {
  /**
   * The message's turn came (the ones before it in the session are done). Awaited before anything
   * else happens, so a front end can post its progress message first. `queuedAt` is set when the
   * message will wait for a slot.
   */
  onTurn?(turn: { queuedAt?: number }): Promise<void> | void;
  /** Every event, in order. A throwing observer never breaks the task. */
  onEvent?(event: TaskEvent): void;
}

/** How a message ended. */
export type MessageOutcome =
  /** The agent answered, or gave up (report.ok false): `reportId` finds the report later. */
  | { status: 'done'; report: TaskReport; reportId: string; workspaceDir: string }
  /** Stopped before it started (Stop while queued). */
  | { status: 'cancelled' }
  /** The service is shutting down: the message never ran, or its step was cut short. */
  | { status: 'shutdown'; interruptedStep: boolean }
  /** A fault of the service itself (not of the agent's code). */
  | { status: 'error'; message: string };

/** What `send` says at once. */
export type SendResult =
  | {
      accepted: true;
      /** True when the message waits behind a running one of the same session. */
      waits: boolean;
      done: Promise<MessageOutcome>;
    }
  /** Not a task session (e.g. a thread the bot did not open): nothing to say. */
  | { accepted: false; reason: 'unknown' }
  /** Refused with a sentence for the user (access, rate limit, quota, closed, unreadable transcript). */
  | { accepted: false; reason: 'refused'; refusal: string };

export interface OpenRequest {
  /** The session id: the Discord thread id, or a generated id in the terminal. */
  id: string;
  actor: Actor;
  title: string;
  frontEnd: FrontEnd;
  /** Where answers are posted (the thread id), for telling it after a restart. */
  channelId?: string;
  /** An existing folder for the workspace (the terminal's `--workspace`); default under DATA_DIR. */
  workspaceDir?: string;
  /** Written to the audit row of the task. */
  details?: Record<string, unknown>;
}

export type FrontEnd = 'discord' | 'terminal';

export interface SessionInfo {
  id: string;
  scope: string;
  owner: string;
  title: string;
  workspaceDir: string;
  frontEnd: FrontEnd;
}

/** A finished message's report as kept in the store: votes and buttons find it by id, after restarts too. */
export type StoredReport = ReportRow;

export type VoteOutcome =
  | { status: 'counted'; skills: string[] }
  | { status: 'already-voted' }
  | { status: 'unknown' }
  | { status: 'refused'; refusal: string };

/** Where votes on skills go (the skill library); absent when there is none. */
export interface SkillVotes {
  /** One vote per member per answer per skill (the library keeps that rule too). */
  vote(input: {
    answerId: string;
    memberId: string;
    skill: string;
    scope: string;
    delta: 1 | -1;
  }): Promise<void>;
}

export type StopOutcome = 'stopped' | 'idle' | 'not-allowed' | 'unknown';

/** What the service holds right now, for `/status` and `toolsmith status`. */
export interface ServiceStatus {
  running: number;
  queued: number;
  maxConcurrent: number;
  maxConcurrentPerServer: number;
  /** Sessions with a live sandbox. */
  liveSessions: number;
  maxLiveSessions: number;
  /** Heap held by live sandboxes, in bytes. */
  sandboxHeapBytes: number;
  /** The process's resident set, in bytes. */
  rssBytes: number;
  /** Per server: running and queued. */
  servers: { scope: string; running: number; queued: number }[];
  /** The worker processes the sandboxes run in (none when they run inline, SANDBOX_WORKERS=inline). */
  sandboxProcesses: SandboxProcessInfo[];
}

/** One sandbox worker process. */
export interface SandboxProcessInfo {
  pid: number;
  sandboxes: number;
  rssBytes: number;
  /** It lost an isolate beyond recovery: it ends once its last sandbox has left. */
  tainted: boolean;
  /** It passed its RSS cap: it ends once its last sandbox has left. */
  recycling: boolean;
}

export interface TaskService {
  /**
   * Whether `actor` may start a task now (access, shutdown, rate limit, quotas); a sentence when not.
   * Admission takes the task's first message slot of the rate limit: `start` does not take another.
   */
  admit(actor: Actor): string | undefined;
  /**
   * Whether `actor` may use the bot here at all (the allowlists; no rate limit): every command and
   * button checks it. A sentence when not.
   */
  access(actor: Actor): string | undefined;
  /** Create a session: the row, the audit entry, the live sandbox (the terminal opens, then sends). */
  open(request: OpenRequest): Promise<SessionInfo>;
  /** Open a session (after `admit`) and queue its first message, the task. */
  start(
    request: OpenRequest,
    message: { text: string; files?: IncomingFile[] },
    observer?: MessageObserver,
  ): Promise<{ session: SessionInfo; done: Promise<MessageOutcome> }>;
  /** Whether a session exists (live or saved and not closed). */
  has(sessionId: string): boolean;
  /**
   * Queue a message (the first one is the task) in its session, after the ones before it; restores a
   * released or saved session first. Refusals come back at once.
   */
  send(
    sessionId: string,
    message: { actor: Actor; text: string; files?: IncomingFile[] },
    observer?: MessageObserver,
  ): Promise<SendResult>;
  /** Stop the running (or queued) message of a session. Owner or admin only. */
  stop(sessionId: string, actor: Actor): StopOutcome;
  /** A report by id (from `MessageOutcome.reportId`). */
  report(id: string): StoredReport | undefined;
  /**
   * A member's 👍/👎 on an answer: counted once per member per answer, for the skills that answer used
   * or learned, and audited. Allowlists are checked.
   */
  vote(reportId: string, actor: Actor, delta: 1 | -1): Promise<VoteOutcome>;
  /** Files in a session's workspace. */
  files(sessionId: string): Promise<{ path: string; bytes: number }[]>;
  /** Forget a live session's sandbox variables (the transcript stays; the agent is told). */
  resetSandbox(sessionId: string): Promise<void>;
  /** Totals of a session's usage so far. */
  totals(sessionId: string): { usage: Usage; costUsd: number } | undefined;
  /** Sessions in the store, newest first. */
  list(filter?: { owner?: string; frontEnd?: FrontEnd; limit?: number }): SessionInfo[];
  status(): ServiceStatus;
  /** Sessions left running by a process that stopped: marked interrupted and returned, to be told. */
  recoverInterrupted(): { id: string; channelId: string | undefined }[];
  /** Whether `actor` is an admin (Discord Administrator, the admin role, or the operator). */
  isAdmin(actor: Actor): boolean;
  /** What `actor` and their server spent today and this month, against their quotas. */
  usage(actor: Actor): UsageReport;
  /**
   * An approver's decision on a tool call waiting for one. Only admins and the approver role may
   * decide; a call whose run ended (or a restart) is `expired`.
   */
  decide(approvalId: string, actor: Actor, choice: ApprovalChoice): DecideOutcome;
  /** The channel profile in force where `actor` is (PROFILES), if any. */
  profile(actor: Actor): NamedProfile | undefined;
  /** The models members may pick (ALLOWED_MODELS), the default first. */
  models(): { id: string; default: boolean }[];
  /** The model a message of `actor` would use now, in this session or (none) a new task here. */
  modelId(sessionId: string | undefined, actor: Actor): string;
  /** Pick the model of a thread (its owner or an admin) or of a channel (admins only). */
  chooseModel(
    target: { sessionId: string } | { channelId: string },
    actor: Actor,
    model: string,
  ): 'set' | 'unknown-model' | 'not-allowed' | 'unknown-session';
  /** Stop taking work, cancel running steps, wait for them, release every sandbox. */
  shutdown(): Promise<void>;
}
