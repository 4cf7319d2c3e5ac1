/**
 * A task's live progress message in its thread: posted with a Stop button, edited with the latest
 * state at most once per interval, and finished with one last edit without the button.
 */
import type { Message, ThreadChannel } from 'discord.js';
import type { AgentEvent } from '../agent/events.ts';
import { stopRow } from './post-answer.ts';
import { applyEvent, initialProgress, type ProgressState, renderProgress } from './progress-view.ts';
import { throttle } from './throttle.ts';

export interface ProgressMessage {
  /** Replace the state (edited within the interval). */
  update(change: (state: ProgressState) => ProgressState): void;
  /** Fold an agent event into the state. */
  apply(event: AgentEvent): void;
  /** The last edit: the final state without the Stop button, once, after any edit in flight. */
  finish(change?: (state: ProgressState) => ProgressState): Promise<void>;
}

export interface ProgressMessageOptions {
  maxSteps: number;
  editIntervalMs: number;
  /** Start as "queued, position n" when the task will wait for a slot. */
  queuedAt?: number;
  now: () => number;
}

export async function postProgressMessage(
  thread: ThreadChannel,
  options: ProgressMessageOptions,
): Promise<ProgressMessage> {
  const { now } = options;
  let state = initialProgress(now(), options.maxSteps);
  if (options.queuedAt !== undefined) state = { ...state, status: 'queued', queuePosition: options.queuedAt };
  const render = () => renderProgress(state, now());
  const message: Message = await thread.send({ content: render(), components: [stopRow(thread.id)] });
  const edits = throttle(
    async () => {
      await message.edit({ content: render() });
    },
    options.editIntervalMs,
    Date.now(),
  );
  return {
    update(change) {
      state = change(state);
      edits.schedule();
    },
    apply(event) {
      state = applyEvent(state, event);
      edits.schedule();
    },
    async finish(change) {
      if (change) state = change(state);
      edits.cancel();
      await edits.flush();
      // A progress message someone deleted must not cost the answer: a failed edit is let go.
      await message.edit({ content: render(), components: [] }).catch(() => undefined);
    },
  };
}
