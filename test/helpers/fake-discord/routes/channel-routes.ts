/** Channel routes: the channel itself, its messages (JSON or multipart with files), typing. */
import { toApiChannel, toApiMessage } from '../api-shapes.ts';
import type { FakeContext } from '../context.ts';
import { DiscordError, discordErrors } from '../discord-error.ts';
import { parseMessageBody } from '../message-body.ts';
import { assertTextChannel, createMessage, deleteMessage, editMessage, requireMessage } from '../messages.ts';
import { noContent, ok, type Route } from '../router.ts';
import { type ChannelRecord, findMember, memberPermissions, messagesOf } from '../state.ts';

const MANAGE_MESSAGES = 1n << 13n;

export function channelRoutes(ctx: FakeContext): Route[] {
  const { state } = ctx;
  const requireChannel = (channelId: string | undefined): ChannelRecord => {
    const channel = channelId ? state.channels.get(channelId) : undefined;
    if (!channel) throw discordErrors.unknownChannel();
    return channel;
  };
  const botMayManage = (channel: ChannelRecord): boolean => {
    const guild = state.guilds.get(channel.guildId);
    const member = guild ? findMember(guild, state.botId) : undefined;
    return Boolean(guild && member && (memberPermissions(guild, member) & MANAGE_MESSAGES) !== 0n);
  };

  return [
    {
      method: 'GET',
      pattern: '/channels/:channelId',
      auth: true,
      handler: ({ params }) => ok(toApiChannel(requireChannel(params.channelId), state.botId)),
    },
    {
      method: 'GET',
      pattern: '/channels/:channelId/messages',
      auth: true,
      handler: ({ params, query }) => {
        const channel = requireChannel(params.channelId);
        assertTextChannel(channel);
        const limit = Number(query.get('limit') ?? 50);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
          throw discordErrors.invalidForm(
            ['limit'],
            'NUMBER_TYPE_MAX',
            'int value should be between 1 and 100.',
          );
        }
        const all = messagesOf(state, channel.id).filter((m) => (m.flags & 64) === 0);
        const before = query.get('before');
        const after = query.get('after');
        const around = query.get('around');
        let picked = all;
        if (before) picked = all.filter((m) => BigInt(m.id) < BigInt(before)).slice(-limit);
        else if (after) picked = all.filter((m) => BigInt(m.id) > BigInt(after)).slice(0, limit);
        else if (around) {
          const index = all.findIndex((m) => BigInt(m.id) >= BigInt(around));
          const start = Math.max(0, (index === -1 ? all.length : index) - Math.floor(limit / 2));
          picked = all.slice(start, start + limit);
        } else picked = all.slice(-limit);
        return ok(picked.reverse().map((m) => toApiMessage(state, m)));
      },
    },
    {
      method: 'GET',
      pattern: '/channels/:channelId/messages/:messageId',
      auth: true,
      handler: ({ params }) => {
        const channel = requireChannel(params.channelId);
        return ok(toApiMessage(state, requireMessage(ctx, channel.id, params.messageId ?? '')));
      },
    },
    {
      method: 'POST',
      pattern: '/channels/:channelId/messages',
      auth: true,
      handler: ({ params, body, files }) => {
        const channel = requireChannel(params.channelId);
        if (channel.thread?.locked) throw new DiscordError(403, 50083, 'Thread is locked');
        if (channel.thread) channel.thread.archived = false;
        const record = createMessage(ctx, {
          channel,
          authorId: state.botId,
          body: parseMessageBody(body),
          files,
        });
        return ok(toApiMessage(state, record));
      },
    },
    {
      method: 'PATCH',
      pattern: '/channels/:channelId/messages/:messageId',
      auth: true,
      handler: ({ params, body, files }) => {
        const channel = requireChannel(params.channelId);
        const record = requireMessage(ctx, channel.id, params.messageId ?? '');
        if (record.authorId !== state.botId) throw discordErrors.cannotEditOthers();
        editMessage(ctx, record, parseMessageBody(body), files);
        return ok(toApiMessage(state, record));
      },
    },
    {
      method: 'DELETE',
      pattern: '/channels/:channelId/messages/:messageId',
      auth: true,
      handler: ({ params }) => {
        const channel = requireChannel(params.channelId);
        const record = requireMessage(ctx, channel.id, params.messageId ?? '');
        if (record.authorId !== state.botId && !botMayManage(channel)) {
          throw new DiscordError(403, 50013, 'Missing Permissions');
        }
        deleteMessage(ctx, record);
        return noContent();
      },
    },
    {
      method: 'POST',
      pattern: '/channels/:channelId/typing',
      auth: true,
      handler: ({ params }) => {
        assertTextChannel(requireChannel(params.channelId));
        return noContent();
      },
    },
  ];
}
