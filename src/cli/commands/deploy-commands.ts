/**
 * `toolsmith deploy-commands` (`npm run deploy-commands`): registers the slash commands, to
 * DISCORD_GUILD_ID when set (instant), else globally (may take up to an hour to appear).
 */
import { loadConfig, requireValue } from '../../config.ts';
import { deployCommands } from '../../discord/deploy-commands.ts';
import { print } from '../print.ts';
import type { CliCommand } from '../types.ts';

const command: CliCommand = {
  summary: 'Register the slash commands with Discord.',
  usage: 'toolsmith deploy-commands',
  async run() {
    const config = loadConfig();
    const token = requireValue(config.discord.token, 'DISCORD_TOKEN', 'deploy-commands');
    const clientId = requireValue(config.discord.clientId, 'DISCORD_CLIENT_ID', 'deploy-commands');
    const { count, guildId } = await deployCommands({ token, clientId, config: config.discord });
    print(
      `Registered ${count} commands ${guildId ? `in guild ${guildId}` : 'globally (they may take up to an hour to appear)'}.`,
    );
    return 0;
  },
};

export default command;
