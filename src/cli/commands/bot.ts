/**
 * `toolsmith bot` (`npm start`): the Discord bot. SIGINT/SIGTERM stop it cleanly: no new work,
 * running steps cancelled, stores flushed, MCP servers closed.
 */
import { loadConfig, redact, requireValue, secretsOf } from '../../config.ts';
import { openAccessWarning } from '../open-access.ts';
import { color, print, printError, printNote, printWarning } from '../print.ts';
import { startStatusFile } from '../service-status-file.ts';
import type { CliCommand } from '../types.ts';

const command: CliCommand = {
  summary: 'Start the Discord bot.',
  usage: 'toolsmith bot',
  async run() {
    const config = loadConfig();
    const token = requireValue(config.discord.token, 'DISCORD_TOKEN', 'the Discord bot');
    requireValue(config.discord.clientId, 'DISCORD_CLIENT_ID', 'the Discord bot');
    requireValue(config.anthropic.apiKey, 'ANTHROPIC_API_KEY', 'the Discord bot');
    // The app and discord.js load only once the settings are known to be there (a missing key is said fast).
    const [{ createApp }, { createSkillAdmin, skillRolesFrom }, { createBot }] = await Promise.all([
      import('../../app/create-app.ts'),
      import('../../app/skill-admin.ts'),
      import('../../discord/create-bot.ts'),
    ]);
    const app = await createApp(config, { log: printNote });
    for (const server of app.hub.servers()) {
      if (server.status === 'failed')
        printError(`MCP server ${server.name} is not available: ${server.error ?? 'failed'}`);
    }
    const openAccess = openAccessWarning(config.discord);
    if (openAccess) printWarning(openAccess);
    if (config.tasks.maxConcurrent > config.tasks.recommendedMaxConcurrent)
      printError(
        `MAX_CONCURRENT_TASKS=${config.tasks.maxConcurrent} is more than this machine's cores allow (${config.tasks.recommendedMaxConcurrent}): busy tasks past that starve the bot, and members' commands are acknowledged late. Lower it, or leave it empty for the default.`,
      );
    const bot = await createBot({
      config,
      service: app.service,
      tools: app.hub,
      ...(app.skillLibrary ? { skillAdmin: createSkillAdmin(app.skillLibrary, skillRolesFrom(config)) } : {}),
      onError: (message) => printError(redact(message, secretsOf(config))),
    });
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        print(color.dim('stopping: finishing up running steps…'));
        await bot.stop();
        await app.close();
      })();
      return stopping;
    };
    const done = new Promise<void>((resolve) => {
      process.once('SIGINT', () => void stop().then(resolve));
      process.once('SIGTERM', () => void stop().then(resolve));
    });
    await bot.start(token);
    // `toolsmith status` in another terminal shows what the service holds.
    const statusFile = startStatusFile(config.dataDir, () => app.service.status());
    void done.then(() => statusFile.stop());
    print(
      color.green(
        `Toolsmith is online as ${bot.client.user?.tag ?? 'the bot'} in ${bot.client.guilds.cache.size} server(s).`,
      ),
    );
    await done;
    return 0;
  },
};

export default command;
