/**
 * Registering the slash commands with Discord: to one guild when given (instant), else globally (may
 * take up to an hour to appear). A refusal is a ServiceError that names the setting to check.
 */
import { DiscordAPIError, HTTPError, REST, Routes } from 'discord.js';
import type { Config } from '../config.ts';
import { describeError, ServiceError } from '../errors.ts';
import { loadCommands } from './load-commands.ts';

export interface DeployOptions {
  token: string;
  clientId: string;
  config: Pick<Config['discord'], 'apiUrl' | 'guildId'>;
}

/** Register every command in `commands/`; returns how many, and where. */
export async function deployCommands(options: DeployOptions): Promise<{ count: number; guildId?: string }> {
  const { token, clientId, config } = options;
  const commands = [...(await loadCommands()).values()].map((c) => c.data.toJSON());
  const rest = new REST(config.apiUrl ? { api: config.apiUrl } : {}).setToken(token);
  const guildId = config.guildId;
  const route = guildId
    ? Routes.applicationGuildCommands(clientId, guildId)
    : Routes.applicationCommands(clientId);
  try {
    await rest.put(route, { body: commands });
  } catch (error) {
    const status = error instanceof DiscordAPIError || error instanceof HTTPError ? error.status : undefined;
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
  return { count: commands.length, ...(guildId ? { guildId } : {}) };
}
