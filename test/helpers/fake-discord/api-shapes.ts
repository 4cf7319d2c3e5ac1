/** Converts state records into the JSON shapes of Discord API v10 (REST responses and gateway payloads). */
import type {
  APIGuildMember,
  APIMessage,
  APIRole,
  APIUser,
  GuildMemberFlags,
  RoleFlags,
} from 'discord-api-types/v10';
import {
  type ChannelRecord,
  type FakeState,
  findMember,
  type GuildRecord,
  type MemberRecord,
  type MessageRecord,
  type RoleRecord,
  type UserRecord,
} from './state.ts';

/** Flag fields are enums in discord-api-types, which has no member for "no flags". */
const NO_FLAGS = 0;

/** ISO-8601 timestamps as Discord writes them. */
export const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00');

export function toApiUser(user: UserRecord): APIUser {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.globalName,
    avatar: null,
    ...(user.bot ? { bot: true } : {}),
  };
}

export function toApiRole(role: RoleRecord): APIRole {
  return {
    id: role.id,
    name: role.name,
    color: role.color,
    colors: { primary_color: role.color, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions,
    managed: false,
    mentionable: false,
    flags: NO_FLAGS as RoleFlags,
  };
}

/** A guild member with its user (MESSAGE_CREATE sends it without `user`). */
export function toApiMember(state: FakeState, member: MemberRecord): APIGuildMember {
  const user = state.users.get(member.userId);
  if (!user) throw new Error(`fake-discord: member ${member.userId} has no user record`);
  return {
    user: toApiUser(user),
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: [...member.roleIds],
    joined_at: iso(member.joinedAt),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: NO_FLAGS as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

/** A channel or thread as REST returns it; `viewerId` adds the thread member object when they joined. */
export function toApiChannel(channel: ChannelRecord, viewerId?: string): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    parent_id: channel.parentId,
    flags: 0,
  };
  const thread = channel.thread;
  if (thread) {
    const joined = viewerId !== undefined && thread.memberIds.includes(viewerId);
    return {
      ...base,
      owner_id: thread.ownerId,
      last_message_id: channel.lastMessageId,
      rate_limit_per_user: 0,
      message_count: thread.messageCount,
      total_message_sent: thread.messageCount,
      member_count: Math.min(thread.memberIds.length, 50),
      thread_metadata: {
        archived: thread.archived,
        auto_archive_duration: thread.autoArchiveDuration,
        archive_timestamp: iso(thread.createdAt),
        locked: thread.locked,
        create_timestamp: iso(thread.createdAt),
        ...(thread.invitable === undefined ? {} : { invitable: thread.invitable }),
      },
      ...(joined
        ? { member: { id: channel.id, user_id: viewerId, join_timestamp: iso(thread.createdAt), flags: 0 } }
        : {}),
    };
  }
  const positioned = { ...base, position: channel.position, permission_overwrites: [], nsfw: false };
  if (channel.type === 2) return { ...positioned, bitrate: 64_000, user_limit: 0, rtc_region: null };
  if (channel.type === 4) return positioned;
  return {
    ...positioned,
    topic: channel.topic,
    last_message_id: channel.lastMessageId,
    rate_limit_per_user: 0,
    default_auto_archive_duration: 1440,
  };
}

/** The GUILD_CREATE payload: the guild with its roles, members, channels and active threads. */
export function toGatewayGuild(
  state: FakeState,
  guild: GuildRecord,
  viewerId: string,
): Record<string, unknown> {
  const channels = [...state.channels.values()].filter((c) => c.guildId === guild.id);
  const threads = channels.filter((c) => c.thread && !c.thread.archived);
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    max_members: 500_000,
    max_video_channel_users: 25,
    premium_progress_bar_enabled: false,
    application_id: null,
    features: [],
    emojis: [],
    stickers: [],
    roles: guild.roles.map(toApiRole),
    joined_at: iso(findMember(guild, viewerId)?.joinedAt ?? guild.createdAt),
    large: false,
    unavailable: false,
    member_count: guild.members.length,
    members: guild.members.map((member) => toApiMember(state, member)),
    channels: channels.filter((c) => !c.thread).map((c) => toApiChannel(c)),
    threads: threads.map((c) => toApiChannel(c, viewerId)),
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** A message as REST returns it (gateway events add guild_id and member). */
export function toApiMessage(state: FakeState, message: MessageRecord): APIMessage {
  const author = state.users.get(message.authorId);
  if (!author) throw new Error(`fake-discord: message ${message.id} has no author record`);
  const mentions = message.mentions.flatMap((id) => {
    const user = state.users.get(id);
    return user ? [toApiUser(user)] : [];
  });
  const thread = message.threadId ? state.channels.get(message.threadId) : undefined;
  const interaction = message.interaction;
  const interactionUser = interaction ? state.users.get(interaction.userId) : undefined;
  const api: APIMessage = {
    id: message.id,
    channel_id: message.channelId,
    type: message.type,
    author: toApiUser(author),
    content: message.content,
    timestamp: iso(message.createdAt),
    edited_timestamp: message.editedAt === null ? null : iso(message.editedAt),
    tts: message.tts,
    mention_everyone: message.mentionEveryone,
    mentions,
    mention_roles: [...message.mentionRoles],
    attachments: structuredClone(message.attachments),
    embeds: [],
    pinned: false,
    flags: message.flags,
  };
  // Embeds and components are stored as the bot sent them (checked loosely), so they go back as they came.
  Object.assign(api, {
    embeds: structuredClone(message.embeds),
    components: structuredClone(message.components),
  });
  if (message.nonce !== undefined) api.nonce = message.nonce;
  if (message.webhookId) {
    api.webhook_id = message.webhookId;
    api.application_id = state.application.id;
  }
  if (message.referenceId) {
    const referenced = state.messages.get(message.referenceId);
    api.message_reference = {
      type: 0,
      message_id: message.referenceId,
      channel_id: referenced?.channelId ?? message.channelId,
      ...(message.guildId ? { guild_id: message.guildId } : {}),
    };
    api.referenced_message = referenced && !referenced.deleted ? toApiMessage(state, referenced) : null;
  }
  if (interaction && interactionUser) {
    const user = toApiUser(interactionUser);
    Object.assign(api, {
      interaction_metadata: {
        id: interaction.id,
        type: interaction.type,
        user,
        authorizing_integration_owners: message.guildId ? { 0: message.guildId } : {},
        ...(interaction.name ? { name: interaction.name, command_type: 1 } : {}),
      },
    });
    api.interaction = { id: interaction.id, type: interaction.type, name: interaction.name ?? '', user };
  }
  if (thread) Object.assign(api, { thread: toApiChannel(thread) });
  return api;
}
