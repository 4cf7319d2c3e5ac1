/** Stop a thread's running step for whoever asked (the /stop command and the Stop button), with the reply. */
import type { Interaction } from 'discord.js';
import { actorOfInteraction } from './actor.ts';
import type { BotContext } from './types.ts';

const REPLIES = {
  stopped: 'Stopping the running step…',
  idle: 'Nothing is running in this thread.',
  'not-allowed': 'Only the person who started this task (or an admin) can stop it.',
  unknown: 'This thread has no active task.',
} as const;

export function stopFor(
  interaction: Interaction,
  context: BotContext,
  sessionId: string,
): { stopped: boolean; text: string } {
  const outcome = context.service.stop(sessionId, actorOfInteraction(interaction));
  return { stopped: outcome === 'stopped', text: REPLIES[outcome] };
}
