/**
 * What a test makes users do: run a slash command, type into an autocomplete option, click a button,
 * submit a modal, post a message. Each dispatches what Discord would to the connected bot clients.
 */
import type { FakeContext } from './context.ts';
import {
  type Actor,
  type AttachmentOption,
  type AutocompleteInput,
  buttonData,
  commandData,
  type InteractionTarget,
  interactionBase,
  resolveActor,
  type SlashCommandInput,
} from './interaction-payloads.ts';
import { type InteractionRegistry, newInteractionToken } from './interactions.ts';
import { parseMessageBody } from './message-body.ts';
import { createMessage, dispatchMessage } from './messages.ts';
import { requireChannel, requireGuild, requireUser } from './state.ts';
import type { InteractionRecord, MessageView, RecordedFile, UserRef } from './types.ts';
import { toMessageView } from './views.ts';

/** A message by id or by any object with an id (MessageView, APIMessage, discord.js Message). */
export type MessageRef = { id: string } | string;

export interface UserMessageInput {
  /** Channel or thread id, or channel name (default #general). */
  channelId?: string;
  guildId?: string;
  content?: string;
  /** Default alice. */
  author?: UserRef;
  attachments?: AttachmentOption[];
  embeds?: unknown[];
  /** The message this one replies to. */
  replyTo?: MessageRef;
}

export interface ClickButtonInput {
  message: MessageRef;
  customId: string;
  user?: UserRef;
}

export interface ModalSubmitInput extends InteractionTarget {
  customId: string;
  /** Text input values by their custom_id. */
  fields: Record<string, string>;
}

export interface TestActions {
  slashCommand(input: SlashCommandInput): Promise<InteractionRecord>;
  autocomplete(input: AutocompleteInput): Promise<InteractionRecord>;
  clickButton(input: ClickButtonInput): Promise<InteractionRecord>;
  submitModal(input: ModalSubmitInput): Promise<InteractionRecord>;
  message(input: UserMessageInput): Promise<MessageView>;
}

export function createTestActions(ctx: FakeContext, interactions: InteractionRegistry): TestActions {
  const { state } = ctx;

  const requireLive = () => {
    if (ctx.gateway.liveSessions() === 0) {
      throw new Error('fake-discord: no bot client is connected to the gateway; log a client in first');
    }
  };

  /** Register an interaction (starting its ack window) and dispatch INTERACTION_CREATE. */
  const dispatch = async (
    actor: Actor,
    type: number,
    extra: Pick<InteractionRecord, 'commandName' | 'customId' | 'messageId'>,
    fields: (id: string, token: string) => Record<string, unknown>,
    locale?: string,
  ): Promise<InteractionRecord> => {
    const id = ctx.ids.next();
    const token = newInteractionToken(id);
    const payload = { ...interactionBase(ctx, actor, type, id, token, locale), ...fields(id, token) };
    const record = interactions.register({
      id,
      token,
      type,
      applicationId: state.application.id,
      guildId: actor.guild.id,
      channelId: actor.channel.id,
      userId: actor.user.id,
      ...extra,
      payload,
    });
    await ctx.gateway.dispatch('INTERACTION_CREATE', () => record.payload);
    return structuredClone(record);
  };

  const command = async (input: SlashCommandInput, type: 2 | 4, focused?: string) => {
    requireLive();
    const actor = resolveActor(ctx, input);
    const data = commandData(ctx, actor, input, focused);
    return dispatch(actor, type, { commandName: input.name }, () => ({ data }), input.locale);
  };

  const toFile = (option: AttachmentOption, index: number): RecordedFile => {
    const field = `files[${index}]`;
    if ('url' in option) {
      const data = ctx.attachments.content(option);
      if (!data) throw new Error(`fake-discord: attachment ${option.id} is not hosted by this fake`);
      const contentType = option.content_type ?? 'application/octet-stream';
      return { field, name: option.filename, contentType, size: data.length, data };
    }
    const data = Buffer.from(option.content);
    return { field, name: option.name, contentType: option.contentType ?? '', size: data.length, data };
  };

  return {
    slashCommand: (input) => command(input, 2),
    autocomplete: (input) => command(input, 4, input.focused),
    async clickButton(input) {
      requireLive();
      const messageId = typeof input.message === 'string' ? input.message : input.message.id;
      const button = buttonData(ctx, messageId, input.customId);
      const channel = requireChannel(state, button.record.channelId);
      const actor = resolveActor(ctx, {
        channelId: channel.id,
        guildId: channel.guildId,
        ...(input.user ? { user: input.user } : {}),
      });
      return dispatch(actor, 3, { customId: input.customId, messageId }, () => ({
        data: button.data,
        message: button.message,
      }));
    },
    async submitModal(input) {
      requireLive();
      const actor = resolveActor(ctx, input);
      const components = Object.entries(input.fields).map(([customId, value]) => ({
        type: 1,
        components: [{ type: 4, custom_id: customId, value }],
      }));
      return dispatch(
        actor,
        5,
        { customId: input.customId },
        () => ({ data: { custom_id: input.customId, components } }),
        input.locale,
      );
    },
    async message(input) {
      const guild = requireGuild(state, input.guildId);
      const channel = requireChannel(state, input.channelId ?? 'general', guild.id);
      const author = requireUser(state, input.author ?? 'alice');
      if (!guild.members.some((m) => m.userId === author.id)) {
        throw new Error(`fake-discord: ${author.username} is not a member of "${guild.name}"`);
      }
      const replyTo = typeof input.replyTo === 'string' ? input.replyTo : input.replyTo?.id;
      const body = parseMessageBody({
        content: input.content ?? '',
        ...(input.embeds ? { embeds: input.embeds } : {}),
        ...(replyTo ? { message_reference: { message_id: replyTo } } : {}),
      });
      const files = (input.attachments ?? []).map(toFile);
      const record = createMessage(ctx, { channel, authorId: author.id, body, files, silent: true });
      if (channel.thread) channel.thread.archived = false;
      await dispatchMessage(ctx, 'MESSAGE_CREATE', record);
      return toMessageView(state, record);
    },
  };
}
