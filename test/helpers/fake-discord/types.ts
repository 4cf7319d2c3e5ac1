/** The test-facing types of the fake Discord: its options, what it records, and the views it returns. */
import type { APIAttachment, APIMessage, APIUser } from 'discord-api-types/v10';

/** A user by username (`'alice'`), global name or id. */
export type UserRef = string;

export interface FakeUserSpec {
  id?: string;
  username: string;
  globalName?: string;
  bot?: boolean;
}

export type FakeChannelKind = 'text' | 'announcement' | 'voice' | 'category' | 'forum';

export interface FakeChannelSpec {
  id?: string;
  name: string;
  /** Default `text`. */
  kind?: FakeChannelKind;
  /** Name of the category the channel sits in. */
  category?: string;
  topic?: string;
}

export interface FakeRoleSpec {
  id?: string;
  name: string;
  /** Permission bits as a decimal string or bigint; default none beyond @everyone's. */
  permissions?: string | bigint;
  color?: number;
}

export interface FakeMemberSpec {
  /** Username of a user from `users` (or the bot's username). */
  user: UserRef;
  /** Role names (or ids). */
  roles?: string[];
  nick?: string;
}

export interface FakeGuildSpec {
  id?: string;
  name?: string;
  /** Default: a `Text Channels` category with #general and #random, and a `General` voice channel. */
  channels?: FakeChannelSpec[];
  /** Besides @everyone. Default: `admin` (Administrator). */
  roles?: FakeRoleSpec[];
  /** The bot is always a member. Default: alice (admin) and bob. */
  members?: FakeMemberSpec[];
  /** Owner username; default the first member. */
  owner?: UserRef;
}

/** Which privileged intents the fake application has enabled (all by default). */
export interface PrivilegedIntents {
  guildMembers?: boolean;
  guildPresences?: boolean;
  messageContent?: boolean;
}

export interface FakeDiscordOptions {
  /** The bot token clients must present (default `fake-bot-token`). */
  token?: string;
  applicationId?: string;
  botUsername?: string;
  /** Users besides the bot. Default alice and bob. */
  users?: FakeUserSpec[];
  /** Default: one guild (see FakeGuildSpec). */
  guilds?: FakeGuildSpec[];
  /** HELLO heartbeat_interval in ms (default 41 250 as Discord; tests may shorten it). */
  heartbeatIntervalMs?: number;
  /** Time a bot has to acknowledge an interaction before it fails (default 3000, as Discord). */
  interactionAckMs?: number;
  /** Lifetime of an interaction token for webhook edits and follow-ups (default 15 minutes). */
  interactionTokenTtlMs?: number;
  /** Largest accepted upload per file in bytes (default 10 MiB, Discord's limit for bots). */
  maxUploadBytes?: number;
  privilegedIntents?: PrivilegedIntents;
  /** Defaults to 127.0.0.1 and a free port. */
  host?: string;
  port?: number;
}

/** A file part of a multipart request. */
export interface RecordedFile {
  /** The form field, e.g. `files[0]`. */
  field: string;
  name: string;
  contentType: string;
  size: number;
  data: Buffer;
}

/** One HTTP request the fake received (REST or CDN). */
export interface RecordedRequest {
  method: string;
  /** Path without the `/api/v10` prefix, e.g. `/channels/123/messages`. */
  path: string;
  /** The matched route pattern, e.g. `/channels/:channelId/messages`, or null when unhandled. */
  route: string | null;
  query: Record<string, string>;
  /** `bot` when a valid bot token was sent, `invalid` for a wrong one, `none` without Authorization. */
  auth: 'bot' | 'invalid' | 'none';
  contentType: string | undefined;
  /** JSON body, or the parsed `payload_json` of a multipart body; null when there was none. */
  body: unknown;
  files: RecordedFile[];
  status: number;
  /** The Discord error code of an error response. */
  errorCode?: number;
  errorMessage?: string;
  /** Date.now() when the request arrived. */
  at: number;
}

/** A gateway dispatch sent (or buffered for resume) to one session. */
export interface GatewayEventRecord {
  sessionId: string;
  t: string;
  s: number;
  d: unknown;
  at: number;
}

export interface SessionView {
  sessionId: string;
  intents: number;
  connected: boolean;
  /** False once the client closed normally or the fake invalidated it. */
  resumable: boolean;
  identifiedAt: number;
  resumes: number;
  heartbeats: number;
  sequence: number;
  properties: unknown;
}

export type InteractionStatus = 'pending' | 'acknowledged' | 'failed';

/** One call of POST /interactions/:id/:token/callback (accepted or refused). */
export interface CallbackRecord {
  type: number;
  data: unknown;
  at: number;
  /** Milliseconds from the dispatch of the interaction to this callback. */
  ackMs: number;
  accepted: boolean;
  status: number;
  error?: string;
}

export interface InteractionRecord {
  id: string;
  token: string;
  /** 2 application command, 3 message component, 4 autocomplete, 5 modal submit. */
  type: number;
  applicationId: string;
  guildId: string;
  channelId: string;
  userId: string;
  commandName?: string;
  customId?: string;
  /** The message a component belongs to. */
  messageId?: string;
  createdAt: number;
  status: InteractionStatus;
  failedAt?: number;
  callbacks: CallbackRecord[];
  /** The message `@original` refers to, once there is one. */
  originalMessageId?: string;
  followUpIds: string[];
  /** The INTERACTION_CREATE payload as dispatched. */
  payload: Record<string, unknown>;
}

/** An earlier version of an edited message. */
export interface MessageVersion {
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: APIAttachment[];
  flags: number;
  /** When this version was replaced. */
  replacedAt: number;
}

/** A message as the fake holds it now. */
export interface MessageView {
  id: string;
  channelId: string;
  guildId: string | null;
  type: number;
  author: APIUser;
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: APIAttachment[];
  flags: number;
  ephemeral: boolean;
  /** A deferred reply not yet edited ("is thinking..."). */
  loading: boolean;
  /** `allowed_mentions` as last sent for this message (undefined when none was sent). */
  allowedMentions: unknown;
  /** Ids of the users the message actually pinged (after allowed_mentions). */
  mentions: string[];
  mentionEveryone: boolean;
  interactionId?: string;
  webhookId?: string;
  /** The thread started from this message. */
  threadId?: string;
  /** The message this one replies to. */
  referenceId?: string;
  createdAt: number;
  editedAt: number | null;
  editCount: number;
  history: MessageVersion[];
  deleted: boolean;
  /** The message as the REST API returns it. */
  api: APIMessage;
}

export interface ThreadView {
  id: string;
  name: string;
  /** 10 announcement, 11 public, 12 private thread. */
  type: number;
  guildId: string;
  parentId: string;
  ownerId: string;
  starterMessageId?: string;
  autoArchiveDuration: number;
  archived: boolean;
  locked: boolean;
  invitable?: boolean;
  memberIds: string[];
  messageCount: number;
  createdAt: number;
}

/** Bytes for an attachment the fake hosts. */
export interface AttachmentInput {
  name: string;
  content: string | Uint8Array;
  contentType?: string;
  description?: string;
}
