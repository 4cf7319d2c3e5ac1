/** Who is acting, from an interaction or a message, for the task service's checks. */
import {
  type ChatInputCommandInteraction,
  type GuildMember,
  type Interaction,
  type Message,
  PermissionFlagsBits,
} from 'discord.js';
import type { Actor, TaskService } from '../service/types.ts';

export function actorOfInteraction(interaction: Interaction): Actor {
  const channel = interaction.channel;
  const channelId = channel?.isThread() ? (channel.parentId ?? channel.id) : (interaction.channelId ?? null);
  return {
    userId: interaction.user.id,
    guildId: interaction.guildId,
    channelId,
    categoryId: categoryOf(channel),
    roleIds: rolesOf(interaction.member),
    isGuildAdmin: interaction.memberPermissions?.has(PermissionFlagsBits.Administrator) ?? false,
  };
}

export function actorOfMessage(message: Message): Actor {
  const channel = message.channel;
  const channelId = channel.isThread() ? (channel.parentId ?? channel.id) : channel.id;
  return {
    userId: message.author.id,
    guildId: message.guildId,
    channelId,
    categoryId: categoryOf(channel),
    roleIds: rolesOf(message.member),
    isGuildAdmin: message.member?.permissions.has(PermissionFlagsBits.Administrator) ?? false,
  };
}

/** The category of a channel, or of a thread's parent channel (from the cache; none when unknown). */
function categoryOf(channel: Interaction['channel'] | Message['channel']): string | null {
  if (!channel || !('parentId' in channel)) return null;
  if (channel.isThread()) return channel.parent?.parentId ?? null;
  return channel.parentId ?? null;
}

function rolesOf(member: Interaction['member'] | GuildMember | null): string[] {
  if (!member) return [];
  if ('cache' in member.roles) return [...member.roles.cache.keys()];
  return Array.isArray(member.roles) ? member.roles : [];
}

/**
 * The actor of a command, or undefined after telling them (ephemerally) why they may not use the bot
 * here: the allowlist check every command starts with.
 */
export async function allowedActor(
  interaction: ChatInputCommandInteraction,
  service: Pick<TaskService, 'access'>,
): Promise<Actor | undefined> {
  const actor = actorOfInteraction(interaction);
  const refusal = service.access(actor);
  if (!refusal) return actor;
  await interaction.reply({ content: refusal, flags: 'Ephemeral' });
  return undefined;
}
