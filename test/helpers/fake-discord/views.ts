/** Snapshots of state records for tests: plain copies, so a test cannot change the fake by accident. */
import { toApiMessage, toApiUser } from './api-shapes.ts';
import { MessageFlags } from './messages.ts';
import type { ChannelRecord, FakeState, MessageRecord } from './state.ts';
import type { MessageView, ThreadView } from './types.ts';

export function toMessageView(state: FakeState, record: MessageRecord): MessageView {
  const author = state.users.get(record.authorId);
  if (!author) throw new Error(`fake-discord: message ${record.id} has no author`);
  const copy = structuredClone(record);
  return {
    id: copy.id,
    channelId: copy.channelId,
    guildId: copy.guildId,
    type: copy.type,
    author: toApiUser(author),
    content: copy.content,
    embeds: copy.embeds,
    components: copy.components,
    attachments: copy.attachments,
    flags: copy.flags,
    ephemeral: (copy.flags & MessageFlags.Ephemeral) !== 0,
    loading: (copy.flags & MessageFlags.Loading) !== 0,
    allowedMentions: copy.allowedMentions,
    mentions: copy.mentions,
    mentionEveryone: copy.mentionEveryone,
    ...(copy.interaction ? { interactionId: copy.interaction.id } : {}),
    ...(copy.webhookId ? { webhookId: copy.webhookId } : {}),
    ...(copy.threadId ? { threadId: copy.threadId } : {}),
    ...(copy.referenceId ? { referenceId: copy.referenceId } : {}),
    createdAt: copy.createdAt,
    editedAt: copy.editedAt,
    editCount: copy.history.length,
    history: copy.history,
    deleted: copy.deleted,
    api: toApiMessage(state, record),
  };
}

export function toThreadView(channel: ChannelRecord): ThreadView | undefined {
  const thread = channel.thread;
  if (!thread || channel.parentId === null) return undefined;
  return {
    id: channel.id,
    name: channel.name,
    type: channel.type,
    guildId: channel.guildId,
    parentId: channel.parentId,
    ownerId: thread.ownerId,
    ...(thread.starterMessageId ? { starterMessageId: thread.starterMessageId } : {}),
    autoArchiveDuration: thread.autoArchiveDuration,
    archived: thread.archived,
    locked: thread.locked,
    ...(thread.invitable === undefined ? {} : { invitable: thread.invitable }),
    memberIds: [...thread.memberIds],
    messageCount: thread.messageCount,
    createdAt: thread.createdAt,
  };
}
