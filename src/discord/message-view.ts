/**
 * How one task message looks in its thread: a progress message posted when its turn comes, edited as
 * the service's events arrive, finished with the outcome, then the answer and its files. Posts go out
 * in order through one chain, so a refused file's warning never lands after the progress message.
 */
import type { Message, ThreadChannel } from 'discord.js';
import type { Config } from '../config.ts';
import { SHUTDOWN_TEXT } from '../service/create-task-service.ts';
import type { MessageObserver, MessageOutcome } from '../service/types.ts';
import { decisionLine, postApproval } from './approval-message.ts';
import { postAnswer } from './post-answer.ts';
import { type ProgressMessage, postProgressMessage } from './progress-message.ts';

export interface MessageView {
  observer: MessageObserver;
  /** Render the outcome: the progress message's last state, then the answer and files. */
  finish(outcome: MessageOutcome): Promise<void>;
}

export function createMessageView(
  thread: ThreadChannel,
  options: { config: Pick<Config, 'agent' | 'discord'>; now?: () => number },
): MessageView {
  const { config } = options;
  const now = options.now ?? Date.now;
  let progress: ProgressMessage | undefined;
  /** Approval messages by approval id, to edit when decided. */
  const approvals = new Map<string, Message>();
  let posts: Promise<unknown> = Promise.resolve();
  const post = (send: () => Promise<unknown>) => {
    posts = posts.then(send).catch(() => undefined);
    return posts;
  };

  const observer: MessageObserver = {
    async onTurn({ queuedAt }) {
      await posts;
      progress = await postProgressMessage(thread, {
        maxSteps: config.agent.maxSteps,
        editIntervalMs: config.discord.progressEditMs,
        ...(queuedAt !== undefined ? { queuedAt } : {}),
        now,
      });
    },
    onEvent(event) {
      switch (event.type) {
        case 'file':
          if (!event.outcome.ok) {
            const reason = event.outcome.reason;
            void post(() => thread.send({ content: `⚠️ ${reason}. The task goes on without it.` }));
          }
          return;
        case 'queued':
          progress?.update((state) => ({ ...state, status: 'queued', queuePosition: event.position }));
          return;
        case 'running':
          progress?.update((state) => ({ ...state, status: 'running', startedAt: now() }));
          return;
        case 'approval': {
          const view = event.approval;
          void post(async () => approvals.set(view.id, await postApproval(thread, view)));
          progress?.update((state) => ({ ...state, doing: `waiting for approval of ${view.label}` }));
          return;
        }
        case 'approval-decided': {
          const { id } = event;
          void post(async () => {
            const message = approvals.get(id);
            approvals.delete(id);
            await message?.edit({ content: `${message.content}\n${decisionLine(event)}`, components: [] });
          });
          return;
        }
        default:
          progress?.apply(event);
      }
    },
  };

  async function finish(outcome: MessageOutcome): Promise<void> {
    await posts;
    switch (outcome.status) {
      case 'cancelled':
        await progress?.finish((state) => ({
          ...state,
          status: 'stopped',
          doing: 'Stopped before it started.',
        }));
        return;
      case 'shutdown':
        if (!progress) {
          await thread.send({ content: `⚠️ ${SHUTDOWN_TEXT}` }).catch(() => undefined);
          return;
        }
        await progress.finish((state) => ({
          ...state,
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
        await progress.finish((state) => ({
          ...state,
          status: 'failed',
          doing: `Internal error: ${outcome.message}`,
        }));
        return;
      case 'done':
        await progress?.finish((state) =>
          outcome.report.ok ? { ...state, status: 'done', doing: 'answered' } : state,
        );
        await postAnswer(thread, outcome.report, {
          reportId: outcome.reportId,
          workspaceDir: outcome.workspaceDir,
          maxAttachmentBytes: config.discord.maxAttachmentBytes,
        });
    }
  }

  return { observer, finish };
}
