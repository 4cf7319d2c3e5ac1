/**
 * A fake Discord on loopback for tests of the bot: the gateway WebSocket and the REST API, faithful
 * enough that the real discord.js client runs against it unchanged:
 *
 *   const fake = await createFakeDiscord();
 *   const client = new Client({ intents, rest: { api: fake.apiUrl } });
 *   await client.login(fake.token);
 *   const interaction = await fake.slashCommand({ name: 'task', options: { prompt: 'hi' } });
 *   await fake.waitForCallback(interaction);
 *
 * The state (guilds, channels, threads, messages, commands) outlives clients, so a restarted client
 * logs in to the same world.
 */
import type { APIAttachment, APIUser } from 'discord-api-types/v10';
import { toApiChannel, toApiUser } from './api-shapes.ts';
import { createAttachmentStore } from './attachments.ts';
import { commandsOf } from './commands.ts';
import type { FakeContext } from './context.ts';
import { createFakeGateway } from './gateway.ts';
import { startHttpServer } from './http-server.ts';
import {
  type AttachmentOption,
  type AutocompleteInput,
  buttonData,
  commandData,
  type InteractionTarget,
  interactionBase,
  resolveActor,
  type SlashCommandInput,
} from './interaction-payloads.ts';
import { createInteractionRegistry, newInteractionToken } from './interactions.ts';
import { parseMessageBody } from './message-body.ts';
import { createMessage, dispatchMessage } from './messages.ts';
import { createRouter } from './router.ts';
import { appRoutes } from './routes/app-routes.ts';
import { channelRoutes } from './routes/channel-routes.ts';
import { interactionRoutes } from './routes/interaction-routes.ts';
import { threadRoutes } from './routes/thread-routes.ts';
import { seedState } from './seed.ts';
import { createSnowflakes } from './snowflake.ts';
import {
  findRole,
  messagesOf,
  requireChannel,
  requireGuild,
  requireUser,
  type StoredCommand,
} from './state.ts';
import type {
  CallbackRecord,
  FakeDiscordOptions,
  GatewayEventRecord,
  InteractionRecord,
  MessageView,
  RecordedFile,
  RecordedRequest,
  SessionView,
  ThreadView,
  UserRef,
} from './types.ts';
import { toMessageView, toThreadView } from './views.ts';
import { waitFor } from './wait-for.ts';

export type {
  AttachmentOption,
  AutocompleteInput,
  OptionValue,
  SlashCommandInput,
} from './interaction-payloads.ts';
export type { StoredCommand } from './state.ts';
export type * from './types.ts';

/** Something that names an interaction: the record returned by `slashCommand()` etc., or its id. */
export type InteractionRef = { id: string } | string;
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

export interface FakeDiscord {
  /** Base URL of the fake, e.g. http://127.0.0.1:PORT. */
  readonly url: string;
  /** Pass as `rest: { api }` to discord.js (it appends /v10). */
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  readonly token: string;
  readonly applicationId: string;
  readonly bot: APIUser;
  /** The first guild's id. */
  readonly guildId: string;
  /** Every REST request received, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Requests no route matched (answered 404). */
  readonly unhandled: readonly RecordedRequest[];
  /** Every gateway dispatch sent (or buffered for resume), per session. */
  readonly events: readonly GatewayEventRecord[];
  user(ref: UserRef): APIUser;
  /** A channel's id from its name (or id), in the first guild unless `guildId` is given. */
  channelId(ref: string, guildId?: string): string;
  roleId(ref: string, guildId?: string): string;
  /** A channel or thread as GET /channels/:id returns it. */
  channel(ref: string): Record<string, unknown>;
  /** Host bytes on the fake CDN and describe them as an attachment (for options or user messages). */
  attachment(input: {
    name: string;
    content: string | Uint8Array;
    contentType?: string;
    description?: string;
  }): APIAttachment;
  /** The bytes behind an attachment (object, id or URL) the fake hosts. */
  attachmentContent(ref: APIAttachment | string): Buffer | undefined;
  /** Dispatch a chat input command (type 2) as a member would run it. */
  slashCommand(input: SlashCommandInput): Promise<InteractionRecord>;
  /** Dispatch an autocomplete interaction (type 4) with `focused` marked. */
  autocomplete(input: AutocompleteInput): Promise<InteractionRecord>;
  /** Dispatch a button click (type 3) on a message that has that button. */
  clickButton(input: ClickButtonInput): Promise<InteractionRecord>;
  /** A user posts a message (MESSAGE_CREATE is dispatched). */
  message(input: UserMessageInput): Promise<MessageView>;
  /** The current record of an interaction (status, callbacks, original message). */
  interaction(ref: InteractionRef): InteractionRecord;
  /** Every interaction dispatched so far, oldest first. */
  interactions(): InteractionRecord[];
  /** The accepted callback of an interaction; rejects if it failed (no ack in time) or on timeout. */
  waitForCallback(ref: InteractionRef, timeoutMs?: number): Promise<CallbackRecord>;
  /** Messages of a channel or thread, oldest first, as they are now (with edit history). */
  messagesIn(channelRef: string, options?: { includeDeleted?: boolean }): MessageView[];
  getMessage(ref: MessageRef): MessageView | undefined;
  /** Threads, optionally of one parent channel. */
  threads(parentRef?: string): ThreadView[];
  /** Deployed commands of a guild (guildId) or global (null, the default). */
  commands(guildId?: string | null): StoredCommand[];
  sessions(): SessionView[];
  /** Poll until `predicate` returns a truthy value (default timeout 5 s). */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs?: number, what?: string): Promise<T>;
  /** Close every gateway connection (default code 4000: clients resume; `invalidate` forces a new IDENTIFY). */
  disconnectAll(options?: { code?: number; reason?: string; invalidate?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** Start a fake Discord on loopback. */
export async function createFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const now = () => Date.now();
  const ids = createSnowflakes(now);
  const token = options.token ?? 'fake-bot-token';
  const state = seedState(options, ids, now());
  let baseUrl = '';
  const gatewayUrl = () => `${baseUrl.replace(/^http/, 'ws')}/gateway`;
  const privileged = options.privilegedIntents ?? {};
  const gateway = createFakeGateway({
    state,
    token,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    gatewayUrl,
    privilegedIntents: {
      guildMembers: privileged.guildMembers ?? true,
      guildPresences: privileged.guildPresences ?? true,
      messageContent: privileged.messageContent ?? true,
    },
    now,
  });
  const attachments = createAttachmentStore({
    ids,
    baseUrl: () => baseUrl,
    applicationId: state.application.id,
  });
  const ctx: FakeContext = {
    state,
    ids,
    gateway,
    attachments,
    settings: {
      token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      interactionAckMs: options.interactionAckMs ?? 3000,
      interactionTokenTtlMs: options.interactionTokenTtlMs ?? 15 * 60_000,
      maxUploadBytes: options.maxUploadBytes ?? 10 * 1024 * 1024,
    },
    now,
  };
  const interactions = createInteractionRegistry(ctx);
  const router = createRouter([
    ...appRoutes(ctx, gatewayUrl),
    ...interactionRoutes(ctx, interactions),
    ...threadRoutes(ctx),
    ...channelRoutes(ctx),
  ]);
  const http = await startHttpServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    token,
    router: () => router,
    gateway: () => gateway,
    attachments: () => attachments,
    now,
  });
  baseUrl = http.url;

  const describeRecent = () =>
    `recent requests:\n${http.requests
      .slice(-8)
      .map((r) => `  ${r.method} ${r.path} -> ${r.status}${r.errorMessage ? ` (${r.errorMessage})` : ''}`)
      .join('\n')}`;

  const requireLive = () => {
    if (gateway.liveSessions() === 0) {
      throw new Error('fake-discord: no bot client is connected to the gateway; log a client in first');
    }
  };
  const requireInteraction = (ref: InteractionRef): InteractionRecord => {
    const id = typeof ref === 'string' ? ref : ref.id;
    const record = interactions.get(id);
    if (!record) throw new Error(`fake-discord: no interaction ${id}`);
    return record;
  };
  const dispatchInteraction = async (
    record: Omit<InteractionRecord, 'status' | 'callbacks' | 'followUpIds' | 'createdAt'>,
  ): Promise<InteractionRecord> => {
    const registered = interactions.register(record);
    await gateway.dispatch('INTERACTION_CREATE', () => registered.payload);
    return structuredClone(registered);
  };
  const commandInteraction = async (input: SlashCommandInput, type: 2 | 4, focused?: string) => {
    requireLive();
    const actor = resolveActor(ctx, input);
    const id = ids.next();
    const interactionToken = newInteractionToken(id);
    const payload = {
      ...interactionBase(ctx, actor, type, id, interactionToken, input.locale),
      data: commandData(ctx, actor, input, focused),
    };
    return dispatchInteraction({
      id,
      token: interactionToken,
      type,
      applicationId: state.application.id,
      guildId: actor.guild.id,
      channelId: actor.channel.id,
      userId: actor.user.id,
      commandName: input.name,
      payload,
    });
  };
  const toFile = (option: AttachmentOption, index: number): RecordedFile => {
    const field = `files[${index}]`;
    if ('url' in option) {
      const data = attachments.content(option);
      if (!data) throw new Error(`fake-discord: attachment ${option.id} is not hosted by this fake`);
      return {
        field,
        name: option.filename,
        contentType: option.content_type ?? 'application/octet-stream',
        size: data.length,
        data,
      };
    }
    const data =
      typeof option.content === 'string' ? Buffer.from(option.content) : Buffer.from(option.content);
    return { field, name: option.name, contentType: option.contentType ?? '', size: data.length, data };
  };

  const fake: FakeDiscord = {
    url: http.url,
    apiUrl: `${http.url}/api`,
    gatewayUrl: gatewayUrl(),
    token,
    applicationId: state.application.id,
    bot: toApiUser(requireUser(state, state.botId)),
    guildId: requireGuild(state).id,
    requests: http.requests,
    unhandled: http.unhandled,
    events: gateway.events,
    user: (ref) => toApiUser(requireUser(state, ref)),
    channelId: (ref, guildId) => requireChannel(state, ref, guildId ?? requireGuild(state).id).id,
    roleId(ref, guildId) {
      const guild = requireGuild(state, guildId);
      const role = findRole(guild, ref);
      if (!role) throw new Error(`fake-discord: no role "${ref}" in "${guild.name}"`);
      return role.id;
    },
    channel: (ref) => toApiChannel(requireChannel(state, ref), state.botId),
    attachment: (input) => attachments.create(input, { ephemeral: true }),
    attachmentContent: (ref) => attachments.content(ref),
    slashCommand: (input) => commandInteraction(input, 2),
    autocomplete: (input) => commandInteraction(input, 4, input.focused),
    async clickButton(input) {
      requireLive();
      const messageId = typeof input.message === 'string' ? input.message : input.message.id;
      const { record: message, data, message: apiMessage } = buttonData(ctx, messageId, input.customId);
      const channel = requireChannel(state, message.channelId);
      const actor = resolveActor(ctx, {
        channelId: channel.id,
        guildId: channel.guildId,
        ...(input.user ? { user: input.user } : {}),
      } satisfies InteractionTarget);
      const id = ids.next();
      const interactionToken = newInteractionToken(id);
      return dispatchInteraction({
        id,
        token: interactionToken,
        type: 3,
        applicationId: state.application.id,
        guildId: actor.guild.id,
        channelId: actor.channel.id,
        userId: actor.user.id,
        customId: input.customId,
        messageId: message.id,
        payload: { ...interactionBase(ctx, actor, 3, id, interactionToken), data, message: apiMessage },
      });
    },
    async message(input) {
      const guild = requireGuild(state, input.guildId);
      const channel = requireChannel(state, input.channelId ?? 'general', guild.id);
      const author = requireUser(state, input.author ?? 'alice');
      if (!guild.members.some((m) => m.userId === author.id)) {
        throw new Error(`fake-discord: ${author.username} is not a member of "${guild.name}"`);
      }
      const replyTo =
        input.replyTo === undefined
          ? undefined
          : typeof input.replyTo === 'string'
            ? input.replyTo
            : input.replyTo.id;
      const files = (input.attachments ?? []).map(toFile);
      const body = parseMessageBody({
        content: input.content ?? '',
        ...(input.embeds ? { embeds: input.embeds } : {}),
        ...(replyTo ? { message_reference: { message_id: replyTo } } : {}),
      });
      if (channel.thread) channel.thread.archived = false;
      const record = createMessage(ctx, { channel, authorId: author.id, body, files, silent: true });
      await dispatchMessage(ctx, 'MESSAGE_CREATE', record);
      return toMessageView(state, record);
    },
    interaction: (ref) => structuredClone(requireInteraction(ref)),
    interactions: () => structuredClone(interactions.all()),
    async waitForCallback(ref, timeoutMs = 5000) {
      const record = requireInteraction(ref);
      const outcome = await waitFor<{ accepted: CallbackRecord } | { failed: true }>(
        () => {
          const accepted = record.callbacks.find((c) => c.accepted);
          if (accepted) return { accepted };
          return record.status === 'failed' ? { failed: true } : undefined;
        },
        { timeoutMs, what: `a callback to interaction ${record.id}`, describe: describeRecent },
      );
      if ('accepted' in outcome) return structuredClone(outcome.accepted);
      const refused = record.callbacks.map((c) => `${c.type}: ${c.status} ${c.error ?? ''}`).join('; ');
      throw new Error(
        `fake-discord: interaction ${record.id} (${record.commandName ? `/${record.commandName}` : (record.customId ?? 'component')}) failed: ` +
          `not acknowledged within ${ctx.settings.interactionAckMs} ms${refused ? ` (refused callbacks: ${refused})` : ''}`,
      );
    },
    messagesIn(channelRef, viewOptions = {}) {
      const channel = requireChannel(state, channelRef);
      return messagesOf(state, channel.id, viewOptions.includeDeleted).map((m) => toMessageView(state, m));
    },
    getMessage(ref) {
      const record = state.messages.get(typeof ref === 'string' ? ref : ref.id);
      return record ? toMessageView(state, record) : undefined;
    },
    threads(parentRef) {
      const parentId = parentRef === undefined ? undefined : requireChannel(state, parentRef).id;
      return [...state.channels.values()]
        .filter((c) => parentId === undefined || c.parentId === parentId)
        .flatMap((c) => toThreadView(c) ?? []);
    },
    commands: (guildId = null) => structuredClone(commandsOf(state, guildId)),
    sessions: () => gateway.sessions(),
    waitFor: (predicate, timeoutMs = 5000, what) =>
      waitFor(predicate, { timeoutMs, describe: describeRecent, ...(what ? { what } : {}) }),
    disconnectAll: (disconnectOptions) => gateway.disconnectAll(disconnectOptions),
    async close() {
      interactions.close();
      await gateway.close();
      await http.close();
    },
  };
  return fake;
}
