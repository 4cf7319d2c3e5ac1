/**
 * Thread routes: start a thread in a channel or from a message (the bot creates it and is its first
 * member; THREAD_CREATE is dispatched), join and leave, and PATCH /channels/:id to rename or archive.
 */
import { z } from 'zod';
import { iso, toApiChannel } from '../api-shapes.ts';
import type { FakeContext } from '../context.ts';
import { DiscordError, discordErrors, formError } from '../discord-error.ts';
import { Intents } from '../gateway.ts';
import { requireMessage } from '../messages.ts';
import { noContent, ok, type Route } from '../router.ts';
import type { ChannelRecord } from '../state.ts';

const ArchiveDuration = z.union([z.literal(60), z.literal(1440), z.literal(4320), z.literal(10080)]);

const StartThreadSchema = z.looseObject({
  name: z.string().min(1).max(100),
  auto_archive_duration: ArchiveDuration.optional(),
  type: z.union([z.literal(10), z.literal(11), z.literal(12)]),
  invitable: z.boolean().optional(),
  rate_limit_per_user: z.number().int().min(0).max(21_600).nullish(),
});

const MessageThreadSchema = z.looseObject({
  name: z.string().min(1).max(100),
  auto_archive_duration: ArchiveDuration.optional(),
  rate_limit_per_user: z.number().int().min(0).max(21_600).nullish(),
});

const ModifyChannelSchema = z.looseObject({
  name: z.string().min(1).max(100).optional(),
  topic: z.string().max(1024).nullish(),
  archived: z.boolean().optional(),
  locked: z.boolean().optional(),
  auto_archive_duration: ArchiveDuration.optional(),
});

export function threadRoutes(ctx: FakeContext): Route[] {
  const { state } = ctx;
  const requireChannel = (channelId: string | undefined): ChannelRecord => {
    const channel = channelId ? state.channels.get(channelId) : undefined;
    if (!channel) throw discordErrors.unknownChannel();
    return channel;
  };
  const requireThread = (
    channelId: string | undefined,
  ): ChannelRecord & { thread: NonNullable<ChannelRecord['thread']> } => {
    const channel = requireChannel(channelId);
    if (!channel.thread) throw new DiscordError(400, 50024, 'Cannot execute action on this channel type');
    return { ...channel, thread: channel.thread };
  };
  const requireParent = (channelId: string | undefined): ChannelRecord => {
    const parent = requireChannel(channelId);
    if (parent.type !== 0 && parent.type !== 5)
      throw new DiscordError(400, 50024, 'Cannot execute action on this channel type');
    return parent;
  };

  const startThread = (
    parent: ChannelRecord,
    id: string,
    name: string,
    type: number,
    options: { autoArchiveDuration?: number; invitable?: boolean; starterMessageId?: string },
  ) => {
    const thread: ChannelRecord = {
      id,
      guildId: parent.guildId,
      name,
      type,
      parentId: parent.id,
      position: 0,
      topic: null,
      lastMessageId: null,
      thread: {
        ownerId: state.botId,
        autoArchiveDuration: options.autoArchiveDuration ?? 1440,
        archived: false,
        locked: false,
        ...(type === 12 ? { invitable: options.invitable ?? true } : {}),
        createdAt: ctx.now(),
        memberIds: [state.botId],
        messageCount: 0,
        ...(options.starterMessageId ? { starterMessageId: options.starterMessageId } : {}),
      },
    };
    state.channels.set(thread.id, thread);
    state.channelMessages.set(thread.id, []);
    const payload = { ...toApiChannel(thread, state.botId), newly_created: true };
    void ctx.gateway.dispatch('THREAD_CREATE', () => payload, Intents.Guilds);
    return ok(toApiChannel(thread, state.botId));
  };

  return [
    {
      method: 'POST',
      pattern: '/channels/:channelId/threads',
      auth: true,
      handler: ({ params, body }) => {
        const parent = requireParent(params.channelId);
        const parsed = StartThreadSchema.safeParse(body ?? {});
        if (!parsed.success) throw formError(parsed.error);
        const { name, type, auto_archive_duration, invitable } = parsed.data;
        const allowed = parent.type === 5 ? [10] : [11, 12];
        if (!allowed.includes(type)) {
          throw discordErrors.invalidForm(
            ['type'],
            'BASE_TYPE_CHOICES',
            `Value must be one of {${allowed.join(', ')}}.`,
          );
        }
        return startThread(parent, ctx.ids.next(), name, type, {
          ...(auto_archive_duration === undefined ? {} : { autoArchiveDuration: auto_archive_duration }),
          ...(invitable === undefined ? {} : { invitable }),
        });
      },
    },
    {
      method: 'POST',
      pattern: '/channels/:channelId/messages/:messageId/threads',
      auth: true,
      handler: ({ params, body }) => {
        const parent = requireParent(params.channelId);
        const message = requireMessage(ctx, parent.id, params.messageId ?? '');
        if (message.threadId) throw discordErrors.threadExists();
        const parsed = MessageThreadSchema.safeParse(body ?? {});
        if (!parsed.success) throw formError(parsed.error);
        message.threadId = message.id;
        const { name, auto_archive_duration } = parsed.data;
        return startThread(parent, message.id, name, parent.type === 5 ? 10 : 11, {
          ...(auto_archive_duration === undefined ? {} : { autoArchiveDuration: auto_archive_duration }),
          starterMessageId: message.id,
        });
      },
    },
    {
      method: 'PUT',
      pattern: '/channels/:channelId/thread-members/@me',
      auth: true,
      handler: ({ params }) => {
        const channel = requireThread(params.channelId);
        if (channel.thread.archived) throw new DiscordError(400, 50083, 'Thread is archived');
        if (!channel.thread.memberIds.includes(state.botId)) {
          channel.thread.memberIds.push(state.botId);
          const d = {
            id: channel.id,
            user_id: state.botId,
            join_timestamp: iso(ctx.now()),
            flags: 0,
            guild_id: channel.guildId,
          };
          void ctx.gateway.dispatch('THREAD_MEMBER_UPDATE', () => d, Intents.Guilds);
        }
        return noContent();
      },
    },
    {
      method: 'DELETE',
      pattern: '/channels/:channelId/thread-members/@me',
      auth: true,
      handler: ({ params }) => {
        const channel = requireThread(params.channelId);
        channel.thread.memberIds = channel.thread.memberIds.filter((id) => id !== state.botId);
        return noContent();
      },
    },
    {
      method: 'PUT',
      pattern: '/channels/:channelId/thread-members/:userId',
      auth: true,
      handler: ({ params }) => {
        const channel = requireThread(params.channelId);
        const guild = state.guilds.get(channel.guildId);
        if (!guild?.members.some((m) => m.userId === params.userId)) throw discordErrors.unknownMember();
        if (channel.thread.archived) throw new DiscordError(400, 50083, 'Thread is archived');
        const userId = params.userId ?? '';
        if (!channel.thread.memberIds.includes(userId)) {
          channel.thread.memberIds.push(userId);
          const d = {
            id: channel.id,
            guild_id: channel.guildId,
            member_count: channel.thread.memberIds.length,
            added_members: [{ id: channel.id, user_id: userId, join_timestamp: iso(ctx.now()), flags: 0 }],
          };
          void ctx.gateway.dispatch('THREAD_MEMBERS_UPDATE', () => d, Intents.GuildMembers);
        }
        return noContent();
      },
    },
    {
      method: 'GET',
      pattern: '/channels/:channelId/thread-members/:userId',
      auth: true,
      handler: ({ params }) => {
        const channel = requireThread(params.channelId);
        if (!channel.thread.memberIds.includes(params.userId ?? '')) throw discordErrors.unknownMember();
        return ok({
          id: channel.id,
          user_id: params.userId,
          join_timestamp: iso(channel.thread.createdAt),
          flags: 0,
        });
      },
    },
    {
      method: 'DELETE',
      pattern: '/channels/:channelId/thread-members/:userId',
      auth: true,
      handler: ({ params }) => {
        const channel = requireThread(params.channelId);
        channel.thread.memberIds = channel.thread.memberIds.filter((id) => id !== params.userId);
        return noContent();
      },
    },
    {
      method: 'PATCH',
      pattern: '/channels/:channelId',
      auth: true,
      handler: ({ params, body }) => {
        const channel = requireChannel(params.channelId);
        const parsed = ModifyChannelSchema.safeParse(body ?? {});
        if (!parsed.success) throw formError(parsed.error);
        const { name, topic, archived, locked, auto_archive_duration } = parsed.data;
        if (name !== undefined) channel.name = name;
        if (topic !== undefined && !channel.thread) channel.topic = topic ?? null;
        if (channel.thread) {
          if (archived !== undefined) channel.thread.archived = archived;
          if (locked !== undefined) channel.thread.locked = locked;
          if (auto_archive_duration !== undefined) channel.thread.autoArchiveDuration = auto_archive_duration;
        }
        const payload = toApiChannel(channel, state.botId);
        void ctx.gateway.dispatch(
          channel.thread ? 'THREAD_UPDATE' : 'CHANNEL_UPDATE',
          () => payload,
          Intents.Guilds,
        );
        return ok(payload);
      },
    },
  ];
}
