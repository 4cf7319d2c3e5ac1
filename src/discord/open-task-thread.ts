/** The thread a /task works in: in the command's text channel (or the parent of the thread it came from). */
import { ChannelType, type ChatInputCommandInteraction, type ThreadChannel } from 'discord.js';

const MAX_NAME = 90;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * A thread name from the task text (Discord allows 100 characters). A long text is cut between
 * graphemes, never inside a surrogate pair or an emoji sequence, and ends with an ellipsis.
 */
export function threadName(prompt: string): string {
  const flat = prompt.replace(/\s+/g, ' ').trim();
  if (flat.length <= MAX_NAME) return flat || 'task';
  let name = '';
  for (const { segment } of graphemes.segment(flat)) {
    if (name.length + segment.length > MAX_NAME - 1) break;
    name += segment;
  }
  return `${name.trimEnd()}…`;
}

/** Why a private task cannot start in an announcement channel (its threads are always public). */
export const PRIVATE_IN_ANNOUNCEMENT =
  'Announcement channels only have public threads, so a private task cannot start here. ' +
  'Use /task with private in a text channel, or here without private.';

/** Open the task's thread; a string says why it cannot be opened here. */
export async function openTaskThread(
  interaction: ChatInputCommandInteraction,
  prompt: string,
  isPrivate: boolean,
): Promise<ThreadChannel | string> {
  const base = interaction.channel;
  const parent = base?.isThread() ? base.parent : base;
  if (!parent || (parent.type !== ChannelType.GuildText && parent.type !== ChannelType.GuildAnnouncement)) {
    return 'Use /task in a text channel: the task gets a thread there.';
  }
  const options = {
    name: threadName(prompt),
    autoArchiveDuration: 1440,
    reason: `Toolsmith task by ${interaction.user.tag}`,
  } as const;
  // Discord makes every thread of an announcement channel public: refuse rather than show a private
  // task to the whole channel.
  if (isPrivate && parent.type === ChannelType.GuildAnnouncement) return PRIVATE_IN_ANNOUNCEMENT;
  const thread =
    parent.type === ChannelType.GuildText
      ? await parent.threads.create({
          ...options,
          type: isPrivate ? ChannelType.PrivateThread : ChannelType.PublicThread,
        })
      : await parent.threads.create(options);
  if (isPrivate) await thread.members.add(interaction.user.id).catch(() => undefined);
  return thread;
}
