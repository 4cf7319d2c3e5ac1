/**
 * How one task message looks in its thread: a progress message posted when its turn comes, edited as
 * the service's events arrive, finished with the outcome, then the answer and its files. Posts go out
 * in order through one chain, so a refused file's warning never lands after the progress message.
 */
import type { Message, ThreadChannel } from 'discord.js';
import type { Config } from '../config.ts';
import { SHUTDOWN_TEXT } from '../service/create-task-service.ts';
import type { MessageObserver, MessageOutcome, TaskEvent } from '../service/types.ts';
import { decisionLine, postApproval } from './approval-message.ts';
import { postAnswer } from './post-answer.ts';
import { type ProgressMessage, postProgressMessage } from './progress-message.ts';

export interface MessageView {
  observer: MessageObserver;
  /** Render the outcome: the progress message's last state, then the answer and files. */
  finish(outcome: MessageOutcome): Promise<void>;
}

/** What one message's view holds: its thread, the progress message, approvals and the chain of posts. */
interface ViewState {
  readonly thread: ThreadChannel;
  readonly config: Pick<Config, 'agent' | 'discord'>;
  readonly now: () => number;
  progress: ProgressMessage | undefined;
  /** Approval messages by approval id, to edit when decided. */
  readonly approvals: Map<string, Message>;
  posts: Promise<unknown>;
}

/** The view of one message in `thread` (see the module header). */
export function createMessageView(
  thread: ThreadChannel,
  options: { config: Pick<Config, 'agent' | 'discord'>; now?: () => number },
): MessageView {
  const state: ViewState = {
    thread,
    config: options.config,
    now: options.now ?? Date.now,
    progress: undefined,
    approvals: new Map(),
    posts: Promise.resolve(),
  };
  const observer: MessageObserver = {
    async onTurn({ queuedAt }) {
      await state.posts;
      state.progress = await postProgressMessage(thread, {
        maxSteps: state.config.agent.maxSteps,
        editIntervalMs: state.config.discord.progressEditMs,
        ...(queuedAt !== undefined ? { queuedAt } : {}),
        now: state.now,
      });
    },
    onEvent: (event) => showEvent(state, event),
  };
  return { observer, finish: (outcome) => finish(state, outcome) };
}

/** Queue a post behind the ones before it. */
function post(state: ViewState, send: () => Promise<unknown>): Promise<unknown> {
  state.posts = state.posts.then(send).catch(() => undefined);
  return state.posts;
}

function showEvent(state: ViewState, event: TaskEvent): void {
  const { thread, progress, approvals } = state;
  switch (event.type) {
    case 'file':
      if (!event.outcome.ok) {
        const reason = event.outcome.reason;
        void post(state, () => thread.send({ content: `⚠️ ${reason}. The task goes on without it.` }));
      }
      return;
    case 'queued':
      progress?.update((view) => ({ ...view, status: 'queued', queuePosition: event.position }));
      return;
    case 'running':
      progress?.update((view) => ({ ...view, status: 'running', startedAt: state.now() }));
      return;
    case 'approval': {
      const view = event.approval;
      void post(state, async () => approvals.set(view.id, await postApproval(thread, view)));
      progress?.update((shown) => ({ ...shown, doing: `waiting for approval of ${view.label}` }));
      return;
    }
    case 'approval-decided': {
      const { id } = event;
      void post(state, async () => {
        const message = approvals.get(id);
        approvals.delete(id);
        await message?.edit({ content: `${message.content}\n${decisionLine(event)}`, components: [] });
      });
      return;
    }
    default:
      progress?.apply(event);
  }
}

async function finish(state: ViewState, outcome: MessageOutcome): Promise<void> {
  await state.posts;
  const { thread, progress } = state;
  switch (outcome.status) {
    case 'cancelled':
      await progress?.finish((view) => ({ ...view, status: 'stopped', doing: 'Stopped before it started.' }));
      return;
    case 'shutdown':
      if (!progress) {
        await thread.send({ content: `⚠️ ${SHUTDOWN_TEXT}` }).catch(() => undefined);
        return;
      }
      await progress.finish((view) => ({
        ...view,
        status: 'interrupted',
        doing: outcome.interruptedStep
          ? 'Toolsmith is restarting: this step was interrupted.'
          : SHUTDOWN_TEXT,
      }));
      return;
    case 'error':
      if (!progress) {
        await thread.send({ content: `❌ The task failed: ${outcome.message}` }).catch(() => undefined);
        return;
      }
      await progress.finish((view) => ({
        ...view,
        status: 'failed',
        doing: `Internal error: ${outcome.message}`,
      }));
      return;
    case 'done':
      await progress?.finish((view) =>
        outcome.report.ok ? { ...view, status: 'done', doing: 'answered' } : view,
      );
      await postAnswer(thread, outcome.report, {
        reportId: outcome.reportId,
        workspaceDir: outcome.workspaceDir,
        maxAttachmentBytes: state.config.discord.maxAttachmentBytes,
      });
  }
}
