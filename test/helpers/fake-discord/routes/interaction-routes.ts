/**
 * Interaction routes (no bot token, the interaction token authorizes): the callback, and the
 * interaction webhook for `@original` and follow-up messages.
 */
import { toApiMessage } from '../api-shapes.ts';
import type { FakeContext } from '../context.ts';
import { discordErrors } from '../discord-error.ts';
import type { InteractionRegistry } from '../interactions.ts';
import { parseMessageBody } from '../message-body.ts';
import { createMessage, deleteMessage, editMessage } from '../messages.ts';
import { noContent, ok, type Route } from '../router.ts';
import type { MessageRecord } from '../state.ts';
import type { InteractionRecord } from '../types.ts';

export function interactionRoutes(ctx: FakeContext, interactions: InteractionRegistry): Route[] {
  const { state } = ctx;
  const requireInteraction = (params: Record<string, string>): InteractionRecord => {
    const record = interactions.byToken(params.applicationId ?? '', params.token ?? '');
    if (!record) throw discordErrors.unknownWebhook();
    interactions.assertTokenAlive(record);
    return record;
  };
  /** `@original` or a follow-up of this interaction. */
  const requireWebhookMessage = (record: InteractionRecord, messageId: string | undefined): MessageRecord => {
    const id = messageId === '@original' ? record.originalMessageId : messageId;
    const owned = id !== undefined && (id === record.originalMessageId || record.followUpIds.includes(id));
    const message = owned ? state.messages.get(id) : undefined;
    if (!message || message.deleted) throw discordErrors.unknownMessage();
    return message;
  };

  return [
    {
      method: 'POST',
      pattern: '/interactions/:interactionId/:token/callback',
      auth: false,
      handler: ({ params, body, files, query }) =>
        interactions.callback(
          params.interactionId ?? '',
          params.token ?? '',
          body,
          files,
          query.get('with_response') === 'true',
        ),
    },
    {
      method: 'GET',
      pattern: '/webhooks/:applicationId/:token/messages/:messageId',
      auth: false,
      handler: ({ params }) => {
        const record = requireInteraction(params);
        return ok(toApiMessage(state, requireWebhookMessage(record, params.messageId)));
      },
    },
    {
      method: 'PATCH',
      pattern: '/webhooks/:applicationId/:token/messages/:messageId',
      auth: false,
      handler: ({ params, body, files }) => {
        const record = requireInteraction(params);
        const message = requireWebhookMessage(record, params.messageId);
        editMessage(ctx, message, parseMessageBody(body), files);
        return ok(toApiMessage(state, message));
      },
    },
    {
      method: 'DELETE',
      pattern: '/webhooks/:applicationId/:token/messages/:messageId',
      auth: false,
      handler: ({ params }) => {
        const record = requireInteraction(params);
        deleteMessage(ctx, requireWebhookMessage(record, params.messageId));
        return noContent();
      },
    },
    {
      method: 'POST',
      pattern: '/webhooks/:applicationId/:token',
      auth: false,
      handler: ({ params, body, files, query }) => {
        const record = requireInteraction(params);
        if (record.status !== 'acknowledged') throw discordErrors.unknownWebhook();
        const channelId = query.get('thread_id') ?? record.channelId;
        const channel = state.channels.get(channelId);
        if (!channel) throw discordErrors.unknownChannel();
        const message = createMessage(ctx, {
          channel,
          authorId: state.botId,
          body: parseMessageBody(body),
          files,
          type: 0,
          webhookId: state.application.id,
          interaction: {
            id: record.id,
            type: record.type,
            userId: record.userId,
            ...(record.commandName ? { name: record.commandName } : {}),
          },
          allowEphemeral: true,
        });
        record.followUpIds.push(message.id);
        return query.get('wait') === 'true' ? ok(toApiMessage(state, message)) : noContent();
      },
    },
  ];
}
