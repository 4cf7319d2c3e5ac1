/** Routes about the bot itself, its application and commands, and guilds and members. */
import { toApiChannel, toApiMember, toApiRole, toApiUser } from '../api-shapes.ts';
import { commandsOf, deployCommands } from '../commands.ts';
import type { FakeContext } from '../context.ts';
import { discordErrors } from '../discord-error.ts';
import { noContent, ok, type Route } from '../router.ts';
import { findMember, type GuildRecord } from '../state.ts';

export function appRoutes(ctx: FakeContext, gatewayUrl: () => string): Route[] {
  const { state } = ctx;
  const bot = () => {
    const user = state.users.get(state.botId);
    if (!user) throw discordErrors.unknownUser();
    return user;
  };
  const requireApp = (applicationId: string | undefined) => {
    if (applicationId !== state.application.id) throw discordErrors.unknownApplication();
  };
  const requireGuild = (guildId: string | undefined): GuildRecord => {
    const guild = guildId ? state.guilds.get(guildId) : undefined;
    if (!guild) throw discordErrors.unknownGuild();
    return guild;
  };
  const scope = (params: Record<string, string>) => {
    requireApp(params.applicationId);
    return params.guildId ? requireGuild(params.guildId).id : null;
  };

  const commandRoutes = (prefix: string): Route[] => [
    {
      method: 'GET',
      pattern: prefix,
      auth: true,
      handler: ({ params }) => ok(commandsOf(state, scope(params))),
    },
    {
      method: 'PUT',
      pattern: prefix,
      auth: true,
      handler: ({ params, body }) => ok(deployCommands(ctx, scope(params), body)),
    },
    {
      method: 'POST',
      pattern: prefix,
      auth: true,
      handler: ({ params, body }) => {
        const guildId = scope(params);
        const name = typeof body === 'object' && body !== null && 'name' in body ? body.name : undefined;
        const others = commandsOf(state, guildId).filter((c) => c.name !== name);
        const stored = deployCommands(ctx, guildId, [...others, body]);
        return { status: 201, body: stored.find((c) => c.name === name) };
      },
    },
    {
      method: 'DELETE',
      pattern: `${prefix}/:commandId`,
      auth: true,
      handler: ({ params }) => {
        const guildId = scope(params);
        const list = commandsOf(state, guildId);
        if (!list.some((c) => c.id === params.commandId)) throw discordErrors.unknownCommand();
        const kept = list.filter((c) => c.id !== params.commandId);
        if (guildId) state.guildCommands.set(guildId, kept);
        else state.globalCommands = kept;
        return noContent();
      },
    },
  ];

  return [
    {
      method: 'GET',
      pattern: '/gateway/bot',
      auth: true,
      handler: () =>
        ok({
          url: gatewayUrl(),
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
        }),
    },
    { method: 'GET', pattern: '/gateway', auth: false, handler: () => ok({ url: gatewayUrl() }) },
    {
      method: 'GET',
      pattern: '/users/@me',
      auth: true,
      handler: () =>
        ok({ ...toApiUser(bot()), verified: true, mfa_enabled: false, flags: 0, locale: 'en-US' }),
    },
    {
      method: 'GET',
      pattern: '/users/:userId',
      auth: true,
      handler: ({ params }) => {
        const user = params.userId ? state.users.get(params.userId) : undefined;
        if (!user) throw discordErrors.unknownUser();
        return ok(toApiUser(user));
      },
    },
    {
      method: 'GET',
      pattern: '/applications/@me',
      auth: true,
      handler: () =>
        ok({
          id: state.application.id,
          name: state.application.name,
          icon: null,
          description: '',
          bot_public: false,
          bot_require_code_grant: false,
          verify_key: '0'.repeat(64),
          flags: state.application.flags,
          bot: toApiUser(bot()),
          owner: toApiUser(bot()),
          team: null,
          approximate_guild_count: state.guilds.size,
          interactions_endpoint_url: null,
        }),
    },
    ...commandRoutes('/applications/:applicationId/guilds/:guildId/commands'),
    ...commandRoutes('/applications/:applicationId/commands'),
    {
      method: 'GET',
      pattern: '/guilds/:guildId',
      auth: true,
      handler: ({ params }) => {
        const guild = requireGuild(params.guildId);
        return ok({
          id: guild.id,
          name: guild.name,
          icon: null,
          owner_id: guild.ownerId,
          roles: guild.roles.map(toApiRole),
          emojis: [],
          stickers: [],
          features: [],
          preferred_locale: 'en-US',
        });
      },
    },
    {
      method: 'GET',
      pattern: '/guilds/:guildId/channels',
      auth: true,
      handler: ({ params }) => {
        const guild = requireGuild(params.guildId);
        const channels = [...state.channels.values()].filter((c) => c.guildId === guild.id && !c.thread);
        return ok(channels.map((c) => toApiChannel(c)));
      },
    },
    {
      method: 'GET',
      pattern: '/guilds/:guildId/roles',
      auth: true,
      handler: ({ params }) => ok(requireGuild(params.guildId).roles.map(toApiRole)),
    },
    {
      method: 'GET',
      pattern: '/guilds/:guildId/members/:userId',
      auth: true,
      handler: ({ params }) => {
        const guild = requireGuild(params.guildId);
        const member = params.userId ? findMember(guild, params.userId) : undefined;
        if (!member) throw discordErrors.unknownMember();
        return ok(toApiMember(state, member));
      },
    },
  ];
}
