/** Builds the initial state from the options, with defaults that make a useful test server. */
import type { SnowflakeFactory } from './snowflake.ts';
import {
  type ChannelRecord,
  EVERYONE_PERMISSIONS,
  type FakeState,
  findRole,
  findUser,
  type GuildRecord,
  type RoleRecord,
  type UserRecord,
} from './state.ts';
import type {
  FakeChannelKind,
  FakeChannelSpec,
  FakeDiscordOptions,
  FakeGuildSpec,
  FakeMemberSpec,
  FakeUserSpec,
} from './types.ts';

export const DEFAULT_USERS: FakeUserSpec[] = [
  { username: 'alice', globalName: 'Alice' },
  { username: 'bob', globalName: 'Bob' },
];

export const DEFAULT_GUILD: FakeGuildSpec = {
  name: 'Toolsmith Test',
  channels: [
    { name: 'Text Channels', kind: 'category' },
    { name: 'general', category: 'Text Channels', topic: 'General chat' },
    { name: 'random', category: 'Text Channels' },
    { name: 'General', kind: 'voice' },
  ],
  roles: [{ name: 'admin', permissions: (1n << 3n).toString(), color: 0xe74c3c }],
  members: [{ user: 'alice', roles: ['admin'] }, { user: 'bob' }],
};

const CHANNEL_TYPES: Record<FakeChannelKind, number> = {
  text: 0,
  voice: 2,
  category: 4,
  announcement: 5,
  forum: 15,
};

/** Create the state: the bot user and application, the users, and each guild with the bot in it. */
export function seedState(options: FakeDiscordOptions, ids: SnowflakeFactory, now: number): FakeState {
  const applicationId = options.applicationId ?? ids.next(now);
  const bot: UserRecord = {
    id: applicationId,
    username: options.botUsername ?? 'Toolsmith',
    globalName: null,
    bot: true,
  };
  const state: FakeState = {
    application: { id: applicationId, name: bot.username, flags: 0 },
    botId: bot.id,
    users: new Map([[bot.id, bot]]),
    guilds: new Map(),
    channels: new Map(),
    messages: new Map(),
    channelMessages: new Map(),
    globalCommands: [],
    guildCommands: new Map(),
  };
  for (const spec of options.users ?? DEFAULT_USERS) {
    const user: UserRecord = {
      id: spec.id ?? ids.next(now),
      username: spec.username,
      globalName: spec.globalName ?? null,
      bot: spec.bot ?? false,
    };
    if (findUser(state, user.username) || state.users.has(user.id)) {
      throw new Error(`fake-discord: duplicate user "${user.username}" (${user.id})`);
    }
    state.users.set(user.id, user);
  }
  for (const spec of options.guilds ?? [DEFAULT_GUILD]) seedGuild(state, spec, ids, now);
  return state;
}

function seedGuild(state: FakeState, spec: FakeGuildSpec, ids: SnowflakeFactory, now: number): void {
  const guildId = spec.id ?? ids.next(now);
  const everyone: RoleRecord = {
    id: guildId,
    name: '@everyone',
    permissions: EVERYONE_PERMISSIONS,
    color: 0,
    position: 0,
  };
  const roles = [everyone];
  for (const [index, role] of (spec.roles ?? DEFAULT_GUILD.roles ?? []).entries()) {
    roles.push({
      id: role.id ?? ids.next(now),
      name: role.name,
      permissions: (role.permissions ?? 0n).toString(),
      color: role.color ?? 0,
      position: index + 1,
    });
  }
  const guild: GuildRecord = {
    id: guildId,
    name: spec.name ?? 'Test Guild',
    ownerId: '',
    roles,
    members: [],
    createdAt: now,
  };

  const memberSpecs: FakeMemberSpec[] = [
    { user: state.botId },
    ...(spec.members ?? DEFAULT_GUILD.members ?? []),
  ];
  for (const memberSpec of memberSpecs) {
    const user = findUser(state, memberSpec.user);
    if (!user)
      throw new Error(`fake-discord: guild "${guild.name}" lists unknown member "${memberSpec.user}"`);
    const roleIds = (memberSpec.roles ?? []).map((ref) => {
      const role = findRole(guild, ref);
      if (!role) throw new Error(`fake-discord: member "${user.username}" has unknown role "${ref}"`);
      return role.id;
    });
    guild.members.push({ userId: user.id, roleIds, nick: memberSpec.nick ?? null, joinedAt: now });
  }
  const ownerRef = spec.owner ?? guild.members[1]?.userId ?? state.botId;
  const owner = findUser(state, ownerRef);
  if (!owner) throw new Error(`fake-discord: guild owner "${ownerRef}" is not a known user`);
  guild.ownerId = owner.id;
  state.guilds.set(guild.id, guild);

  const channelSpecs = spec.channels ?? DEFAULT_GUILD.channels ?? [];
  for (const [position, channelSpec] of channelSpecs.entries()) {
    const channel = seedChannel(state, guild.id, channelSpec, position, ids, now);
    state.channels.set(channel.id, channel);
    state.channelMessages.set(channel.id, []);
  }
}

function seedChannel(
  state: FakeState,
  guildId: string,
  spec: FakeChannelSpec,
  position: number,
  ids: SnowflakeFactory,
  now: number,
): ChannelRecord {
  let parentId: string | null = null;
  if (spec.category !== undefined) {
    const category = [...state.channels.values()].find(
      (c) => c.guildId === guildId && c.type === 4 && c.name === spec.category,
    );
    if (!category)
      throw new Error(`fake-discord: channel "${spec.name}" names unknown category "${spec.category}"`);
    parentId = category.id;
  }
  return {
    id: spec.id ?? ids.next(now),
    guildId,
    name: spec.name,
    type: CHANNEL_TYPES[spec.kind ?? 'text'],
    parentId,
    position,
    topic: spec.topic ?? null,
    lastMessageId: null,
  };
}
