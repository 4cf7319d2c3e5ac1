/**
 * A task session: the conversation, the sandbox and the workspace of one task. Follow-up messages
 * continue it with the same sandbox state, one at a time (the task service orders them). A session
 * saved and loaded again keeps its transcript and workspace; the sandbox state does not survive, and
 * the agent is told so. The work on one message is `work-on-message.ts`.
 */
import { UsageError } from '../errors.ts';
import { emptyUsage } from '../model/pricing.ts';
import type { Message, Model, Usage } from '../model/types.ts';
import type { Sandbox, SandboxLimits, SandboxOptions } from '../sandbox/types.ts';
import type { ToolBindingOptions, ToolHub } from '../tools/types.ts';
import { createEmptySkillSource } from './empty-skill-source.ts';
import type { AgentEvent, AgentEventListener } from './events.ts';
import type { AgentLimits } from './run-turn.ts';
import type { SessionSnapshot } from './session-snapshot.ts';
import type { SkillSource, TaskReport, TaskScope } from './types.ts';
import { type SessionState, snapshotOf, workOnMessage } from './work-on-message.ts';
import { listWorkspaceFiles } from './workspace-files.ts';

/** Told when the session was restored after a restart. */
export const RESTORED_NOTE =
  'Toolsmith restarted since the previous message: the sandbox state (variables, functions) is gone. ' +
  'Files in the workspace are kept. Recompute what you need.';

/** Told when an idle session's sandbox was released to free memory, and the session came back. */
export const RELEASED_NOTE =
  'This session was idle, so its sandbox was released to free memory: the sandbox state (variables, ' +
  'functions) is gone. Files in the workspace are kept. Recompute what you need.';

export interface TaskSessionOptions {
  id: string;
  model: Model;
  scope: TaskScope;
  workspaceDir: string;
  limits: AgentLimits;
  sandboxLimits?: Partial<SandboxLimits>;
  tools?: ToolHub;
  skills?: SkillSource;
  /** Where answers are shown, for the prompt's style rules (default "a terminal"). */
  frontEnd?: string;
  /**
   * Makes the session's sandbox: the app's pool of worker processes, or `createSandbox` for one in
   * this process (which then loads isolated-vm; a process whose sandboxes live in workers never does).
   */
  createSandbox: (options: SandboxOptions) => Sandbox;
  /** A saved session to continue: its sandbox state is gone and the agent is told. */
  restore?: SessionSnapshot;
  /** Why the sandbox state is gone, for what the agent is told (default: a restart). */
  restoredBecause?: 'restart' | 'released';
  /** Called after every message with the session's snapshot, to persist it. */
  onSave?: (snapshot: SessionSnapshot) => void | Promise<void>;
  now?: () => number;
}

export interface SendOptions {
  signal?: AbortSignal;
  onEvent?: AgentEventListener;
  /**
   * Workspace files (paths relative to it) shown to the model as images with this message: PNG,
   * JPEG, GIF or WebP, downscaled to the API's limits. One that cannot be shown is named to the model
   * with the reason instead. A saved transcript keeps only their paths.
   */
  images?: readonly string[];
  /** Asked before a tool call that needs a person's approval (see ToolBindingOptions.approve). */
  approve?: ToolBindingOptions['approve'];
  /** What a channel's profile (or a member's `/model`) sets for this message. */
  setup?: MessageSetup;
}

/** Per-message settings from the task service: the model, the operator's instructions, tools, budgets. */
export interface MessageSetup {
  /** The model for this message (default the session's). */
  model?: Model;
  /** The operator's extra instructions for this channel, added to the system prompt. */
  instructions?: string;
  /** Only these tool servers (by configured name). */
  servers?: readonly string[];
  /** Budgets of this message, over the session's. */
  limits?: Partial<AgentLimits>;
  /** False: learn no skill from this message. */
  learn?: boolean;
}

export interface TaskSession {
  readonly id: string;
  /** The session's folder of files. */
  readonly workspaceDir: string;
  readonly messages: readonly Message[];
  readonly totals: { usage: Usage; costUsd: number };
  /** True while a message is being worked on. */
  readonly busy: boolean;
  /**
   * Work on a message (the first is the task; later ones continue it). One at a time: ordering
   * messages is the caller's (the task service queues them per session); a second call while one
   * runs is refused.
   */
  send(text: string, options?: SendOptions): Promise<TaskReport>;
  files(): Promise<{ path: string; bytes: number }[]>;
  snapshot(): SessionSnapshot;
  /** Forget the sandbox state (the transcript stays; the agent is told). */
  resetSandbox(): Promise<void>;
  /** Heap the session's sandbox holds now, in bytes (0 before its first run). */
  heapBytes(): number;
  dispose(): void;
}

/** A task session (see the module header); a restored one tells the agent its sandbox state is gone. */
export function createTaskSession(options: TaskSessionOptions): TaskSession {
  const state = initialState(options);
  const { messages, sandbox } = state;
  return {
    id: options.id,
    workspaceDir: options.workspaceDir,
    messages,
    get totals() {
      return { usage: state.usage, costUsd: state.costUsd };
    },
    get busy() {
      return state.running;
    },
    async send(text, sendOptions = {}) {
      if (state.disposed) throw new UsageError('this task session was closed');
      if (state.running) throw new UsageError('this task session is already working on a message');
      state.running = true;
      try {
        return await workOnMessage(state, text, sendOptions);
      } finally {
        state.running = false;
      }
    },
    files: async () =>
      (await listWorkspaceFiles(options.workspaceDir)).map(({ path, bytes }) => ({ path, bytes })),
    snapshot: () => snapshotOf(state),
    async resetSandbox() {
      await sandbox.reset();
      if (messages.length > 0)
        state.pendingNotes.push('The user reset the sandbox: variables from earlier runs are gone.');
    },
    heapBytes: () => (state.disposed ? 0 : sandbox.stats().heapUsedBytes),
    dispose() {
      state.disposed = true;
      sandbox.dispose();
      state.skillApi.dispose?.();
    },
  };
}

/** A new session's state, or a restored one's (its transcript, totals and skills; a note for the agent). */
function initialState(options: TaskSessionOptions): SessionState {
  const { restore } = options;
  const skills = options.skills ?? createEmptySkillSource();
  const messages: Message[] = restore ? structuredClone(restore.messages) : [];
  const used = new Set<string>();
  const emitNow = (event: AgentEvent) => state.emit(event);
  // A skill call runs in a sandbox of its own, with only the tools it declares of this session's.
  const skillApi = skills.sandboxApi(
    options.scope,
    (name, ok) => {
      used.add(name);
      emitNow({ type: 'skill-used', name, ok });
    },
    { tools: () => state.providers.find((provider) => provider.namespace === 'tools') },
  );
  // Providers are passed to every run; the isolate starts at the first run.
  const sandbox = options.createSandbox({
    ...(options.sandboxLimits ? { limits: options.sandboxLimits } : {}),
    providers: () => state.providers,
  });
  const state: SessionState = {
    options,
    skills,
    messages,
    pendingNotes:
      restore && messages.length > 0
        ? [options.restoredBecause === 'released' ? RELEASED_NOTE : RESTORED_NOTE]
        : [],
    used,
    sandbox,
    skillApi,
    offered: restore?.skills ?? [],
    usage: restore?.usage ?? emptyUsage(),
    costUsd: restore?.costUsd ?? 0,
    running: false,
    disposed: false,
    emit: () => {},
    providers: [],
    currentStep: 0,
  };
  return state;
}
