/**
 * One message of a task session, worked on: skills retrieved, the prompts and the user's turn built,
 * the CodeAct loop run, then the transcript kept (or rolled back when the model never answered), the
 * totals added, the report told, the snapshot saved and a skill learned. `SessionState` is what the
 * session keeps between messages.
 */
import { mkdir } from 'node:fs/promises';
import { addUsage } from '../model/pricing.ts';
import type { Message, Usage } from '../model/types.ts';
import { sharedLibraryProvider } from '../sandbox/libraries/create-library-provider.ts';
import type { Sandbox, SandboxProvider } from '../sandbox/types.ts';
import type { AgentEvent } from './events.ts';
import { hydrateImages, imageBlocks, withoutImageData } from './image-blocks.ts';
import { type AgentLimits, runTurn } from './run-turn.ts';
import type { SessionSnapshot } from './session-snapshot.ts';
import { buildDynamicPrompt, buildStablePrompt } from './system-prompt.ts';
import type { MessageSetup, SendOptions, TaskSessionOptions } from './task-session.ts';
import { answeredSince, appendUserText, recentUserText, rollBack, transcriptMark } from './transcript.ts';
import type { OfferedSkill, SkillSandboxApi, SkillSource, TaskReport } from './types.ts';
import { changedFiles, listWorkspaceFiles, type WorkspaceFile } from './workspace-files.ts';

/** What a task session keeps between messages (and what a snapshot saves of it). */
export interface SessionState {
  readonly options: TaskSessionOptions;
  readonly skills: SkillSource;
  readonly messages: Message[];
  /** Told to the agent with the next message, once. */
  readonly pendingNotes: string[];
  /** Skills called during the message being worked on. */
  readonly used: Set<string>;
  readonly sandbox: Sandbox;
  readonly skillApi: SkillSandboxApi;
  offered: OfferedSkill[];
  usage: Usage;
  costUsd: number;
  running: boolean;
  disposed: boolean;
  /** The running message's event listener (guarded: a throwing listener never breaks the task). */
  emit: (event: AgentEvent) => void;
  /** What the sandbox sees during this message's runs. */
  providers: SandboxProvider[];
  currentStep: number;
}

/** The session as saved: transcript without image bytes, totals, the skills offered. */
export const snapshotOf = (state: SessionState): SessionSnapshot => ({
  id: state.options.id,
  scope: state.options.scope,
  workspaceDir: state.options.workspaceDir,
  messages: withoutImageData(state.messages),
  usage: state.usage,
  costUsd: state.costUsd,
  skills: state.offered,
});

/** Work on one message (the session checked it may); see the module header. */
export async function workOnMessage(
  state: SessionState,
  text: string,
  sendOptions: SendOptions,
): Promise<TaskReport> {
  const { options, messages } = state;
  const listener = sendOptions.onEvent ?? (() => {});
  state.emit = (event) => {
    if (event.type === 'step') state.currentStep = event.step;
    try {
      listener(event);
    } catch {
      // a front end's rendering fault must not break the task
    }
  };
  await mkdir(options.workspaceDir, { recursive: true });
  const filesBefore = await listWorkspaceFiles(options.workspaceDir);
  await offerSkills(state, text);
  state.used.clear();
  state.emit({
    type: 'task-started',
    sessionId: options.id,
    task: text,
    skillsOffered: state.offered.map((s) => s.name),
  });
  state.providers = providersFor(state, sendOptions);
  const setup = sendOptions.setup ?? {};
  const limits = { ...options.limits, ...setup.limits };
  const prompts = promptsFor(state, setup, { limits, filesBefore });
  const notesTold = state.pendingNotes.splice(0);
  const userText =
    notesTold.length > 0 ? `${notesTold.map((note) => `[${note}]`).join('\n')}\n\n${text}` : text;
  await hydrateImages(messages, options.workspaceDir);
  const images = await imageBlocks(options.workspaceDir, sendOptions.images ?? []);
  const mark = transcriptMark(messages);
  appendUserText(messages, images.note ? `${images.note}\n\n${userText}` : userText, images.blocks);

  const turn = await runTurn({
    task: text,
    model: setup.model ?? options.model,
    sandbox: state.sandbox,
    messages,
    ...prompts,
    limits,
    ...(sendOptions.signal ? { signal: sendOptions.signal } : {}),
    emit: state.emit,
    ...(options.now ? { now: options.now } : {}),
  });
  // A message the model never answered (it could not be reached, or was stopped first) leaves the
  // transcript again, so it is not merged into the next one; notes for the agent wait for that one.
  if (!answeredSince(messages, mark)) {
    rollBack(messages, mark);
    state.pendingNotes.unshift(...notesTold);
  }
  state.usage = addUsage(state.usage, turn.usage);
  state.costUsd += turn.costUsd;
  const report: TaskReport = {
    ...turn,
    files: changedFiles(filesBefore, await listWorkspaceFiles(options.workspaceDir)),
    skillsOffered: state.offered.map((skill) => skill.name),
    skillsUsed: [...state.used],
  };
  return finish(state, report, setup);
}

/** Skills for a new conversation (or one that was offered none): by the message and recent ones. */
async function offerSkills(state: SessionState, text: string): Promise<void> {
  if (state.messages.length > 0 && state.offered.length > 0) return;
  const recent = recentUserText(state.messages);
  try {
    state.offered = await state.skills.retrieve({
      text: recent ? `${text}\n${recent}` : text,
      ...state.options.scope,
    });
  } catch {
    state.offered = [];
  }
}

/** The tools provider is taken again with each message (the hub's tool list may have changed). */
function providersFor(state: SessionState, sendOptions: SendOptions): SandboxProvider[] {
  const { tools, workspaceDir } = state.options;
  return [
    ...(tools
      ? [
          tools.provider({
            workspaceDir,
            onCall: (call) => state.emit({ type: 'tool-call', step: state.currentStep, call }),
            ...(sendOptions.approve ? { approve: sendOptions.approve } : {}),
            ...(sendOptions.setup?.servers ? { servers: sendOptions.setup.servers } : {}),
          }),
        ]
      : []),
    state.skillApi,
    sharedLibraryProvider(),
  ];
}

/** The cached system prompt (with the operator's instructions) and the per-message one. */
function promptsFor(
  state: SessionState,
  setup: MessageSetup,
  at: { limits: AgentLimits; filesBefore: WorkspaceFile[] },
): { system: string; systemDynamic: string } {
  const { options } = state;
  const stable = buildStablePrompt({
    toolDeclarations: options.tools?.declarations(setup.servers) ?? '',
    frontEnd: options.frontEnd ?? 'a terminal',
    limits: { ...state.sandbox.limits, maxSteps: at.limits.maxSteps },
  });
  const system = setup.instructions
    ? `${stable}\n\n# Instructions from the operator for this channel\n\n${setup.instructions}`
    : stable;
  const systemDynamic = buildDynamicPrompt({
    skills: state.offered,
    files: at.filesBefore.map((file) => ({ path: file.path, bytes: file.bytes })),
  });
  return { system, systemDynamic };
}

/** Tell the answer (or failure), save the snapshot, and learn a skill from a success. */
async function finish(state: SessionState, report: TaskReport, setup: MessageSetup): Promise<TaskReport> {
  const { emit, options } = state;
  if (report.ok) emit({ type: 'answer', text: report.answer, report });
  else emit({ type: 'failure', reason: report.stopReason ?? 'error', message: report.answer, report });
  await options.onSave?.(snapshotOf(state));
  if (!report.ok) return report;
  try {
    const learned = setup.learn === false ? undefined : await state.skills.learn(report, options.scope);
    if (learned) {
      report.skillLearned = learned;
      emit({ type: 'skill-learned', name: learned });
    }
  } catch {
    // Learning is a bonus: a failure to learn never fails the task (the library logs its own).
  }
  return report;
}
