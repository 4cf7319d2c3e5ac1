/**
 * `toolsmith deploy-commands` (`npm run deploy-commands`): registers the slash commands, to
 * DISCORD_GUILD_ID when set (instant), else globally (may take up to an hour to appear).
 */
import { DiscordAPIError, HTTPError, REST, Routes } from 'discord.js';
import { loadConfig, requireValue } from '../../config.ts';
import { loadCommands } from '../../discord/load-commands.ts';
import { describeError, ServiceError } from '../../errors.ts';
import type { CliCommand } from '../main.ts';
import { print } from '../print.ts';

const command: CliCommand = {
  summary: 'Register the slash commands with Discord.',
  usage: 'toolsmith deploy-commands',
  async run() {
    const config = loadConfig();
    const token = requireValue(config.discord.token, 'DISCORD_TOKEN', 'deploy-commands');
    const clientId = requireValue(config.discord.clientId, 'DISCORD_CLIENT_ID', 'deploy-commands');
    const commands = [...(await loadCommands()).values()].map((c) => c.data.toJSON());
    const rest = new REST(config.discord.apiUrl ? { api: config.discord.apiUrl } : {}).setToken(token);
    const guildId = config.discord.guildId;
    const route = guildId
      ? Routes.applicationGuildCommands(clientId, guildId)
      : Routes.applicationCommands(clientId);
    try {
      await rest.put(route, { body: commands });
    } catch (error) {
      const status =
        error instanceof DiscordAPIError || error instanceof HTTPError ? error.status : undefined;
      throw new ServiceError(
        'Discord',
        `registering the commands failed${status ? ` (HTTP ${status})` : ''}: ${describeError(error)}`,
        {
          fix:
            status === 401
              ? 'Check DISCORD_TOKEN'
              : status === 403 || status === 404
                ? 'Check DISCORD_CLIENT_ID and DISCORD_GUILD_ID, and that the bot was invited with the applications.commands scope'
                : 'Check the network and DISCORD_API_URL',
          cause: error,
        },
      );
    }
    print(
      `Registered ${commands.length} commands ${guildId ? `in guild ${guildId}` : 'globally (they may take up to an hour to appear)'}.`,
    );
    return 0;
  },
};

export default command;
