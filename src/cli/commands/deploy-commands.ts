/**
 * `toolsmith deploy-commands` (`npm run deploy-commands`): registers the slash commands, to
 * DISCORD_GUILD_ID when set (instant), else globally (may take up to an hour to appear).
 */
import { REST, Routes } from 'discord.js';
import { loadConfig, requireValue } from '../../config.ts';
import { loadCommands } from '../../discord/load-commands.ts';
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
    await rest.put(route, { body: commands });
    print(
      `Registered ${commands.length} commands ${guildId ? `in guild ${guildId}` : 'globally (they may take up to an hour to appear)'}.`,
    );
    return 0;
  },
};

export default command;
