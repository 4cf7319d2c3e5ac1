/** The thread a /task works in: in the command's text channel (or the parent of the thread it came from). */
import { ChannelType, type ChatInputCommandInteraction, type ThreadChannel } from 'discord.js';

/** A thread name from the task text (Discord allows 100 characters). */
export function threadName(prompt: string): string {
  const flat = prompt.replace(/\s+/g, ' ').trim();
  return (flat.length > 90 ? `${flat.slice(0, 89)}…` : flat) || 'task';
}

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
