/**
 * The fake's world: users, guilds, channels and threads, messages and deployed commands. It outlives
 * bot clients, so a restarted client logs in to the same state.
 */
import type { APIAttachment } from 'discord-api-types/v10';
import type { MessageVersion } from './types.ts';

export interface UserRecord {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

export interface RoleRecord {
  id: string;
  name: string;
  permissions: string;
  color: number;
  position: number;
}

export interface MemberRecord {
  userId: string;
  roleIds: string[];
  nick: string | null;
  joinedAt: number;
}

export interface ThreadRecord {
  ownerId: string;
  autoArchiveDuration: number;
  archived: boolean;
  locked: boolean;
  invitable?: boolean;
  createdAt: number;
  memberIds: string[];
  starterMessageId?: string;
  messageCount: number;
}

export interface ChannelRecord {
  id: string;
  guildId: string;
  name: string;
  /** Discord channel type: 0 text, 2 voice, 4 category, 5 announcement, 10/11/12 threads, 15 forum. */
  type: number;
  parentId: string | null;
  position: number;
  topic: string | null;
  lastMessageId: string | null;
  thread?: ThreadRecord;
}

export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  roles: RoleRecord[];
  members: MemberRecord[];
  createdAt: number;
}

export interface MessageRecord {
  id: string;
  channelId: string;
  guildId: string | null;
  type: number;
  authorId: string;
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: APIAttachment[];
  flags: number;
  tts: boolean;
  nonce?: string | number;
  allowedMentions: unknown;
  mentions: string[];
  mentionRoles: string[];
  mentionEveryone: boolean;
  webhookId?: string;
  interaction?: { id: string; type: number; name?: string; userId: string };
  referenceId?: string;
  threadId?: string;
  createdAt: number;
  editedAt: number | null;
  history: MessageVersion[];
  deleted: boolean;
}

/** An application command option as deployed (choices, nested options for subcommands). */
export interface CommandOptionDef {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: Array<{ name: string; value: string | number }>;
  options?: CommandOptionDef[];
  [extra: string]: unknown;
}

/** An application command as deployed and returned by the commands routes. */
export interface StoredCommand {
  id: string;
  application_id: string;
  guild_id?: string;
  version: string;
  type: number;
  name: string;
  description: string;
  options?: CommandOptionDef[];
  default_member_permissions: string | null;
  nsfw: boolean;
  [extra: string]: unknown;
}

export interface FakeState {
  application: { id: string; name: string; flags: number };
  botId: string;
  users: Map<string, UserRecord>;
  guilds: Map<string, GuildRecord>;
  channels: Map<string, ChannelRecord>;
  messages: Map<string, MessageRecord>;
  /** Message ids per channel, oldest first. */
  channelMessages: Map<string, string[]>;
  globalCommands: StoredCommand[];
  guildCommands: Map<string, StoredCommand[]>;
}

/** Channel types that hold messages: text, announcement and the three thread types. */
export const TEXT_CHANNEL_TYPES: ReadonlySet<number> = new Set([0, 5, 10, 11, 12]);
export const THREAD_TYPES: ReadonlySet<number> = new Set([10, 11, 12]);

/** Find a user by id, username or global name. */
export function findUser(state: FakeState, ref: string): UserRecord | undefined {
  const byId = state.users.get(ref);
  if (byId) return byId;
  for (const user of state.users.values()) if (user.username === ref || user.globalName === ref) return user;
  return undefined;
}

/** Like findUser, but throws an error naming the users that exist. */
export function requireUser(state: FakeState, ref: string): UserRecord {
  const user = findUser(state, ref);
  if (user) return user;
  const known = [...state.users.values()].map((u) => u.username).join(', ');
  throw new Error(`fake-discord: no user "${ref}" (known users: ${known})`);
}

/** Find a channel by id, or by name (in one guild when given). */
export function findChannel(state: FakeState, ref: string, guildId?: string): ChannelRecord | undefined {
  const byId = state.channels.get(ref);
  if (byId) return byId;
  const name = ref.replace(/^#/, '');
  for (const channel of state.channels.values()) {
    if (channel.name === name && (guildId === undefined || channel.guildId === guildId)) return channel;
  }
  return undefined;
}

export function requireChannel(state: FakeState, ref: string, guildId?: string): ChannelRecord {
  const channel = findChannel(state, ref, guildId);
  if (channel) return channel;
  const known = [...state.channels.values()].map((c) => `#${c.name} (${c.id})`).join(', ');
  throw new Error(`fake-discord: no channel "${ref}" (known channels: ${known})`);
}

export function requireGuild(state: FakeState, ref?: string): GuildRecord {
  const guilds = [...state.guilds.values()];
  const guild = ref === undefined ? guilds[0] : guilds.find((g) => g.id === ref || g.name === ref);
  if (guild) return guild;
  throw new Error(`fake-discord: no guild "${ref}" (known: ${guilds.map((g) => g.name).join(', ')})`);
}

export function findMember(guild: GuildRecord, userId: string): MemberRecord | undefined {
  return guild.members.find((member) => member.userId === userId);
}

/** A role by id or name within a guild. */
export function findRole(guild: GuildRecord, ref: string): RoleRecord | undefined {
  return guild.roles.find((role) => role.id === ref || role.name === ref);
}

/** The permissions of a member: the union of @everyone and their roles; Administrator implies all. */
export function memberPermissions(guild: GuildRecord, member: MemberRecord): bigint {
  if (guild.ownerId === member.userId) return ALL_PERMISSIONS;
  let bits = 0n;
  for (const role of guild.roles) {
    if (role.id === guild.id || member.roleIds.includes(role.id)) bits |= BigInt(role.permissions);
  }
  return (bits & ADMINISTRATOR) === ADMINISTRATOR ? ALL_PERMISSIONS : bits;
}

export const ADMINISTRATOR = 1n << 3n;
/** Every permission bit Discord defines today (bits 0..50). */
export const ALL_PERMISSIONS = (1n << 51n) - 1n;
/**
 * What @everyone gets here: create invite, add reactions, view channel, send messages, embed links,
 * attach files, read history, connect, speak, change nickname, use application commands, create public
 * and private threads, send messages in threads.
 */
export const EVERYONE_PERMISSIONS = [0n, 6n, 10n, 11n, 14n, 15n, 16n, 20n, 21n, 26n, 31n, 35n, 36n, 38n]
  .reduce((bits, bit) => bits | (1n << bit), 0n)
  .toString();

/** The stored messages of a channel, oldest first. */
export function messagesOf(state: FakeState, channelId: string, includeDeleted = false): MessageRecord[] {
  const ids = state.channelMessages.get(channelId) ?? [];
  const out: MessageRecord[] = [];
  for (const id of ids) {
    const message = state.messages.get(id);
    if (message && (includeDeleted || !message.deleted)) out.push(message);
  }
  return out;
}
