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
import type { AutocompleteInput, SlashCommandInput } from './interaction-payloads.ts';
import { createInteractionRegistry } from './interactions.ts';
import { isRecord } from './is-record.ts';
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
import {
  type ClickButtonInput,
  createTestActions,
  type MessageRef,
  type ModalSubmitInput,
  type UserMessageInput,
} from './test-actions.ts';
import type {
  CallbackRecord,
  FakeDiscordOptions,
  GatewayEventRecord,
  InteractionRecord,
  MessageView,
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
export type { ClickButtonInput, MessageRef, ModalSubmitInput, UserMessageInput } from './test-actions.ts';
export type * from './types.ts';

/** Something that names an interaction: the record returned by `slashCommand()` etc., or its id. */
export type InteractionRef = { id: string } | string;

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
  /** Dispatch a modal submit (type 5) with text input values. */
  submitModal(input: ModalSubmitInput): Promise<InteractionRecord>;
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

  // When each came (ms before now) and what a message said: a flake's log shows where the time went.
  const describeRecent = () =>
    `recent requests (ms before now):\n${http.requests
      .slice(-8)
      .map((r) => {
        const content = isRecord(r.body) && typeof r.body.content === 'string' ? r.body.content : '';
        const said = content ? ` ${JSON.stringify(content.slice(0, 160))}` : '';
        return `  -${now() - r.at} ${r.method} ${r.path} -> ${r.status}${r.errorMessage ? ` (${r.errorMessage})` : ''}${said}`;
      })
      .join('\n')}`;

  const requireInteraction = (ref: InteractionRef): InteractionRecord => {
    const id = typeof ref === 'string' ? ref : ref.id;
    const record = interactions.get(id);
    if (!record) throw new Error(`fake-discord: no interaction ${id}`);
    return record;
  };
  const actions = createTestActions(ctx, interactions);

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
    ...actions,
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
