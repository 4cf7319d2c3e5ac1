/**
 * A task session: the conversation, the sandbox and the workspace of one task. Follow-up messages
 * continue it with the same sandbox state, one at a time (the task service orders them). A session
 * saved and loaded again keeps its transcript and workspace; the sandbox state does not survive, and
 * the agent is told so.
 */
import { mkdir } from 'node:fs/promises';
import { UsageError } from '../errors.ts';
import { addUsage, emptyUsage } from '../model/pricing.ts';
import type { Message, Model, Usage } from '../model/types.ts';
import { createSandbox as defaultCreateSandbox } from '../sandbox/create-sandbox.ts';
import { sharedLibraryProvider } from '../sandbox/libraries/create-library-provider.ts';
import type { Sandbox, SandboxLimits, SandboxOptions, SandboxProvider } from '../sandbox/types.ts';
import type { ToolBindingOptions, ToolHub } from '../tools/types.ts';
import { createEmptySkillSource } from './empty-skill-source.ts';
import type { AgentEvent, AgentEventListener } from './events.ts';
import { hydrateImages, imageBlocks, withoutImageData } from './image-blocks.ts';
import { type AgentLimits, runTurn } from './run-turn.ts';
import type { SessionSnapshot } from './session-snapshot.ts';
import { buildDynamicPrompt, buildStablePrompt } from './system-prompt.ts';
import { answeredSince, appendUserText, recentUserText, rollBack, transcriptMark } from './transcript.ts';
import type { OfferedSkill, SkillSource, TaskReport, TaskScope } from './types.ts';
import { changedFiles, listWorkspaceFiles } from './workspace-files.ts';

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
  createSandbox?: (options: SandboxOptions) => Sandbox;
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

export function createTaskSession(options: TaskSessionOptions): TaskSession {
  const skills = options.skills ?? createEmptySkillSource();
  const makeSandbox = options.createSandbox ?? defaultCreateSandbox;
  const messages: Message[] = options.restore ? structuredClone(options.restore.messages) : [];
  let offered: OfferedSkill[] = options.restore?.skills ?? [];
  let usage = options.restore?.usage ?? emptyUsage();
  let costUsd = options.restore?.costUsd ?? 0;
  /** Told to the agent with the next message, once. */
  const pendingNotes: string[] =
    options.restore && messages.length > 0
      ? [options.restoredBecause === 'released' ? RELEASED_NOTE : RESTORED_NOTE]
      : [];
  let running = false;
  let disposed = false;
  let emit: (event: AgentEvent) => void = () => {};
  const used = new Set<string>();

  // A skill call runs in a sandbox of its own, with only the tools it declares of this session's.
  const skillApi = skills.sandboxApi(
    options.scope,
    (name, ok) => {
      used.add(name);
      emit({ type: 'skill-used', name, ok });
    },
    { tools: () => providers.find((provider) => provider.namespace === 'tools') },
  );
  /** The tools provider is taken again with each message (the hub's tool list may have changed). */
  const providersNow = (sendOptions: SendOptions): SandboxProvider[] => [
    ...(options.tools
      ? [
          options.tools.provider({
            workspaceDir: options.workspaceDir,
            onCall: (call) => emit({ type: 'tool-call', step: currentStep, call }),
            ...(sendOptions.approve ? { approve: sendOptions.approve } : {}),
            ...(sendOptions.setup?.servers ? { servers: sendOptions.setup.servers } : {}),
          }),
        ]
      : []),
    skillApi,
    sharedLibraryProvider(),
  ];
  let providers: SandboxProvider[] = [];
  let currentStep = 0;
  // Providers are passed to every run; the isolate starts at the first run.
  const sandbox = makeSandbox({
    ...(options.sandboxLimits ? { limits: options.sandboxLimits } : {}),
    providers: () => providers,
  });

  const snapshot = (): SessionSnapshot => ({
    id: options.id,
    scope: options.scope,
    workspaceDir: options.workspaceDir,
    messages: withoutImageData(messages),
    usage,
    costUsd,
    skills: offered,
  });

  async function work(text: string, sendOptions: SendOptions): Promise<TaskReport> {
    const listener = sendOptions.onEvent ?? (() => {});
    emit = (event) => {
      if (event.type === 'step') currentStep = event.step;
      try {
        listener(event);
      } catch {
        // a front end's rendering fault must not break the task
      }
    };
    await mkdir(options.workspaceDir, { recursive: true });
    const filesBefore = await listWorkspaceFiles(options.workspaceDir);
    if (messages.length === 0 || offered.length === 0) {
      const recent = recentUserText(messages);
      try {
        offered = await skills.retrieve({ text: recent ? `${text}\n${recent}` : text, ...options.scope });
      } catch {
        offered = [];
      }
    }
    used.clear();
    emit({
      type: 'task-started',
      sessionId: options.id,
      task: text,
      skillsOffered: offered.map((s) => s.name),
    });
    providers = providersNow(sendOptions);
    const setup = sendOptions.setup ?? {};
    const limits = { ...options.limits, ...setup.limits };
    const stable = buildStablePrompt({
      toolDeclarations: options.tools?.declarations(setup.servers) ?? '',
      frontEnd: options.frontEnd ?? 'a terminal',
      limits: { ...sandbox.limits, maxSteps: limits.maxSteps },
    });
    const system = setup.instructions
      ? `${stable}\n\n# Instructions from the operator for this channel\n\n${setup.instructions}`
      : stable;
    const systemDynamic = buildDynamicPrompt({
      skills: offered,
      files: filesBefore.map((file) => ({ path: file.path, bytes: file.bytes })),
    });
    const notesTold = pendingNotes.splice(0);
    const userText =
      notesTold.length > 0 ? `${notesTold.map((note) => `[${note}]`).join('\n')}\n\n${text}` : text;
    await hydrateImages(messages, options.workspaceDir);
    const images = await imageBlocks(options.workspaceDir, sendOptions.images ?? []);
    const mark = transcriptMark(messages);
    appendUserText(messages, images.note ? `${images.note}\n\n${userText}` : userText, images.blocks);

    const turn = await runTurn({
      task: text,
      model: setup.model ?? options.model,
      sandbox,
      messages,
      system,
      systemDynamic,
      limits,
      ...(sendOptions.signal ? { signal: sendOptions.signal } : {}),
      emit,
      ...(options.now ? { now: options.now } : {}),
    });
    // A message the model never answered (it could not be reached, or was stopped first) leaves the
    // transcript again, so it is not merged into the next one; notes for the agent wait for that one.
    if (!answeredSince(messages, mark)) {
      rollBack(messages, mark);
      pendingNotes.unshift(...notesTold);
    }
    usage = addUsage(usage, turn.usage);
    costUsd += turn.costUsd;
    const files = changedFiles(filesBefore, await listWorkspaceFiles(options.workspaceDir));
    const report: TaskReport = {
      ...turn,
      files,
      skillsOffered: offered.map((skill) => skill.name),
      skillsUsed: [...used],
    };
    if (report.ok) emit({ type: 'answer', text: report.answer, report });
    else emit({ type: 'failure', reason: report.stopReason ?? 'error', message: report.answer, report });
    await options.onSave?.(snapshot());
    if (report.ok) {
      try {
        const learned = setup.learn === false ? undefined : await skills.learn(report, options.scope);
        if (learned) {
          report.skillLearned = learned;
          emit({ type: 'skill-learned', name: learned });
        }
      } catch {
        // Learning is a bonus: a failure to learn never fails the task (the library logs its own).
      }
    }
    return report;
  }

  return {
    id: options.id,
    workspaceDir: options.workspaceDir,
    messages,
    get totals() {
      return { usage, costUsd };
    },
    get busy() {
      return running;
    },
    async send(text, sendOptions = {}) {
      if (disposed) throw new UsageError('this task session was closed');
      if (running) throw new UsageError('this task session is already working on a message');
      running = true;
      try {
        return await work(text, sendOptions);
      } finally {
        running = false;
      }
    },
    files: async () =>
      (await listWorkspaceFiles(options.workspaceDir)).map(({ path, bytes }) => ({ path, bytes })),
    snapshot,
    async resetSandbox() {
      await sandbox.reset();
      if (messages.length > 0)
        pendingNotes.push('The user reset the sandbox: variables from earlier runs are gone.');
    },
    heapBytes: () => (disposed ? 0 : sandbox.stats().heapUsedBytes),
    dispose() {
      disposed = true;
      sandbox.dispose();
      skillApi.dispose?.();
    },
  };
}
