/**
 * Creating, editing and deleting messages, whoever does it (bot REST call, interaction response,
 * webhook follow-up, or a test posting as a user), with attachments put on the fake's CDN and the
 * matching MESSAGE_CREATE / MESSAGE_UPDATE / MESSAGE_DELETE dispatched.
 */
import type { APIAttachment } from 'discord-api-types/v10';
import { toApiMember, toApiMessage } from './api-shapes.ts';
import type { FakeContext } from './context.ts';
import { DiscordError, discordErrors } from './discord-error.ts';
import { Intents } from './gateway.ts';
import { type MessageBody, resolveMentions } from './message-body.ts';
import { type ChannelRecord, findMember, type MessageRecord, TEXT_CHANNEL_TYPES } from './state.ts';
import type { RecordedFile } from './types.ts';

export const MessageFlags = {
  SuppressEmbeds: 4,
  Ephemeral: 64,
  Loading: 128,
  SuppressNotifications: 4096,
} as const;
/** Flags a bot may set when sending; ephemeral only through interactions and their webhooks. */
const SENDABLE_FLAGS = MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | (1 << 15);

export interface NewMessage {
  channel: ChannelRecord;
  authorId: string;
  body: MessageBody;
  files: RecordedFile[];
  type?: number;
  webhookId?: string;
  interaction?: MessageRecord['interaction'];
  /** Allow the ephemeral flag (interaction responses and follow-ups). */
  allowEphemeral?: boolean;
  /** Extra flags set by the fake itself (e.g. loading for a deferred reply). */
  extraFlags?: number;
  /** A deferred reply may be empty until edited. */
  allowEmpty?: boolean;
  /** Store only; the caller dispatches MESSAGE_CREATE itself (to await it). */
  silent?: boolean;
}

export function assertTextChannel(channel: ChannelRecord): void {
  if (!TEXT_CHANNEL_TYPES.has(channel.type)) throw discordErrors.nonTextChannel();
}

/** Store a new message and dispatch MESSAGE_CREATE (not for ephemeral ones, which only their user sees). */
export function createMessage(ctx: FakeContext, input: NewMessage): MessageRecord {
  const { state } = ctx;
  const { channel, body } = input;
  assertTextChannel(channel);
  const flagMask = SENDABLE_FLAGS | (input.allowEphemeral ? MessageFlags.Ephemeral : 0);
  const flags = ((body.flags ?? 0) & flagMask) | (input.extraFlags ?? 0);
  const ephemeral = (flags & MessageFlags.Ephemeral) !== 0;
  const attachments = placeAttachments(ctx, body, input.files, [], channel.id, ephemeral);
  const content = body.content ?? '';
  const hasPayload =
    content.length > 0 ||
    (body.embeds?.length ?? 0) > 0 ||
    (body.components?.length ?? 0) > 0 ||
    attachments.length > 0 ||
    (body.sticker_ids?.length ?? 0) > 0 ||
    Boolean(body.poll);
  if (!hasPayload && !input.allowEmpty) throw discordErrors.emptyMessage();

  const reference = body.message_reference;
  const replyTo = reference ? state.messages.get(reference.message_id) : undefined;
  if (
    reference &&
    (!replyTo || replyTo.deleted || replyTo.channelId !== channel.id) &&
    reference.fail_if_not_exists !== false
  ) {
    throw discordErrors.invalidForm(
      ['message_reference'],
      'MESSAGE_REFERENCE_UNKNOWN_MESSAGE',
      'Unknown message',
    );
  }
  const mentions = resolveMentions(state, content, body.allowed_mentions ?? undefined, replyTo);
  const record: MessageRecord = {
    id: ctx.ids.next(),
    channelId: channel.id,
    guildId: channel.guildId,
    type: input.type ?? (replyTo ? 19 : 0),
    authorId: input.authorId,
    content,
    embeds: body.embeds ?? [],
    components: body.components ?? [],
    attachments,
    flags,
    tts: body.tts ?? false,
    ...(body.nonce === undefined || body.nonce === null ? {} : { nonce: body.nonce }),
    allowedMentions: body.allowed_mentions ?? undefined,
    mentions: mentions.users,
    mentionRoles: mentions.roles,
    mentionEveryone: mentions.everyone,
    ...(input.webhookId ? { webhookId: input.webhookId } : {}),
    ...(input.interaction ? { interaction: input.interaction } : {}),
    ...(replyTo ? { referenceId: replyTo.id } : {}),
    createdAt: ctx.now(),
    editedAt: null,
    history: [],
    deleted: false,
  };
  state.messages.set(record.id, record);
  const list = state.channelMessages.get(channel.id) ?? [];
  list.push(record.id);
  state.channelMessages.set(channel.id, list);
  if (!ephemeral) {
    channel.lastMessageId = record.id;
    if (channel.thread) {
      channel.thread.messageCount += 1;
      if (!channel.thread.memberIds.includes(record.authorId)) channel.thread.memberIds.push(record.authorId);
    }
    if (!input.silent) void dispatchMessage(ctx, 'MESSAGE_CREATE', record);
  }
  return record;
}

/** Apply an edit body: fields present replace, `attachments` lists what to keep, new files are added. */
export function editMessage(
  ctx: FakeContext,
  record: MessageRecord,
  body: MessageBody,
  files: RecordedFile[],
): void {
  const ephemeral = (record.flags & MessageFlags.Ephemeral) !== 0;
  const attachments = placeAttachments(ctx, body, files, record.attachments, record.channelId, ephemeral);
  record.history.push({
    content: record.content,
    embeds: record.embeds,
    components: record.components,
    attachments: record.attachments,
    flags: record.flags,
    replacedAt: ctx.now(),
  });
  if (body.content !== undefined) record.content = body.content ?? '';
  if (body.embeds !== undefined) record.embeds = body.embeds ?? [];
  if (body.components !== undefined) record.components = body.components ?? [];
  if (body.flags !== undefined && body.flags !== null) {
    const keep = record.flags & MessageFlags.Ephemeral;
    record.flags = (body.flags & SENDABLE_FLAGS) | keep;
  }
  record.flags &= ~MessageFlags.Loading;
  record.attachments = attachments;
  if (body.allowed_mentions !== undefined) record.allowedMentions = body.allowed_mentions ?? undefined;
  const replyTo = record.referenceId ? ctx.state.messages.get(record.referenceId) : undefined;
  const mentions = resolveMentions(ctx.state, record.content, record.allowedMentions, replyTo);
  record.mentions = mentions.users;
  record.mentionRoles = mentions.roles;
  record.mentionEveryone = mentions.everyone;
  record.editedAt = ctx.now();
  if (!ephemeral) void dispatchMessage(ctx, 'MESSAGE_UPDATE', record);
}

export function deleteMessage(ctx: FakeContext, record: MessageRecord): void {
  record.deleted = true;
  if ((record.flags & MessageFlags.Ephemeral) !== 0) return;
  const d = {
    id: record.id,
    channel_id: record.channelId,
    ...(record.guildId ? { guild_id: record.guildId } : {}),
  };
  void ctx.gateway.dispatch('MESSAGE_DELETE', () => d, Intents.GuildMessages);
}

/** A live message in a channel, or 404 Unknown Message. */
export function requireMessage(ctx: FakeContext, channelId: string, messageId: string): MessageRecord {
  const record = ctx.state.messages.get(messageId);
  if (!record || record.deleted || record.channelId !== channelId) throw discordErrors.unknownMessage();
  return record;
}

/**
 * MESSAGE_CREATE/UPDATE with guild_id and the author's member; sessions without the MessageContent
 * intent get content, embeds, attachments and components emptied unless the bot wrote or was mentioned.
 */
export function dispatchMessage(ctx: FakeContext, t: string, record: MessageRecord): Promise<void> {
  const { state } = ctx;
  const api = toApiMessage(state, record);
  const guild = record.guildId ? state.guilds.get(record.guildId) : undefined;
  const member = guild && !record.webhookId ? findMember(guild, record.authorId) : undefined;
  const full: Record<string, unknown> = { ...api };
  if (guild) full.guild_id = guild.id;
  if (member) {
    const { user: _user, ...partial } = toApiMember(state, member);
    full.member = partial;
  }
  const privileged = record.authorId === state.botId || record.mentions.includes(state.botId);
  return ctx.gateway.dispatch(
    t,
    (session) =>
      privileged || (session.intents & Intents.MessageContent) !== 0
        ? full
        : { ...full, content: '', embeds: [], attachments: [], components: [] },
    record.guildId ? Intents.GuildMessages : Intents.DirectMessages,
  );
}

/**
 * Attachments after a create or edit. `attachments` in the body refers to new files by their index
 * (`files[n]` <-> `{ id: n }`) and to existing attachments by id; without it, existing ones stay and
 * new files are added.
 */
function placeAttachments(
  ctx: FakeContext,
  body: MessageBody,
  files: RecordedFile[],
  existing: APIAttachment[],
  channelId: string,
  ephemeral: boolean,
): APIAttachment[] {
  const refs = body.attachments;
  const byIndex = new Map<string, RecordedFile>();
  for (const file of files) {
    const index = /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? (file.field === 'file' ? '0' : undefined);
    if (index === undefined) continue;
    if (file.size > ctx.settings.maxUploadBytes) throw discordErrors.tooLarge();
    byIndex.set(index, file);
  }
  if (byIndex.size > 10)
    throw discordErrors.invalidForm(['files'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  const upload = (file: RecordedFile, description?: string | null, filename?: string) =>
    ctx.attachments.create(
      {
        name: filename ?? file.name,
        content: file.data,
        contentType: file.contentType,
        ...(description ? { description } : {}),
      },
      { channelId, ephemeral },
    );
  if (refs === undefined) return [...existing, ...[...byIndex.values()].map((file) => upload(file))];
  const out: APIAttachment[] = [];
  for (const [position, ref] of (refs ?? []).entries()) {
    const id = String(ref.id);
    const kept = existing.find((attachment) => attachment.id === id);
    if (kept) {
      out.push(kept);
      continue;
    }
    const file = byIndex.get(id);
    if (!file) {
      throw new DiscordError(400, 50035, 'Invalid Form Body', {
        attachments: {
          [position]: { _errors: [{ code: 'ATTACHMENT_NOT_FOUND', message: `Attachment ${id} not found` }] },
        },
      });
    }
    byIndex.delete(id);
    out.push(upload(file, ref.description, ref.filename));
  }
  return [...out, ...[...byIndex.values()].map((file) => upload(file))];
}
