/**
 * The Discord bot: the client, routing of interactions and thread messages, start and shutdown.
 * Every interaction is acknowledged at once; the work is posted with the bot token. The task service
 * decides; this adapter parses and renders.
 */
import { Client, Events, GatewayIntentBits, type Interaction, Partials } from 'discord.js';
import type { Config } from '../config.ts';
import { describeError } from '../errors.ts';
import type { TaskService } from '../service/types.ts';
import type { ToolHub } from '../tools/types.ts';
import { handleButton } from './buttons.ts';
import { loadCommands } from './load-commands.ts';
import { continueTask } from './task-thread.ts';
import type { BotContext, Command, SkillAdmin } from './types.ts';

export interface BotOptions {
  config: Config;
  service: TaskService;
  tools: Pick<ToolHub, 'servers'>;
  skillAdmin?: SkillAdmin;
  /** Reports problems that have no user to tell (the CLI prints them). */
  onError?: (message: string) => void;
}

export interface Bot {
  readonly client: Client;
  start(token: string): Promise<void>;
  /** Stop the service's work (running steps cancelled and told), then disconnect. */
  stop(): Promise<void>;
}

export async function createBot(options: BotOptions): Promise<Bot> {
  const { config, service } = options;
  const onError = options.onError ?? (() => {});
  const commands = await loadCommands();
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    partials: [Partials.Channel],
    allowedMentions: { parse: [] },
    ...(config.discord.apiUrl ? { rest: { api: config.discord.apiUrl } } : {}),
  });
  const context: BotContext = { config, service, tools: options.tools, skillAdmin: options.skillAdmin };

  client.on(Events.InteractionCreate, (interaction) => {
    void route(interaction, commands, context).catch((error) => {
      onError(`interaction failed: ${describeError(error)}`);
    });
  });
  client.on(Events.MessageCreate, (message) => {
    void continueTask(message, context).catch((error) => onError(`message failed: ${describeError(error)}`));
  });
  client.on(Events.Error, (error) => onError(`discord client: ${describeError(error)}`));

  return {
    client,
    async start(token) {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(token);
      await ready;
      await tellInterrupted(client, service);
    },
    async stop() {
      await service.shutdown();
      await client.destroy();
    },
  };
}

/** Tell threads whose task was running when the bot stopped. */
async function tellInterrupted(client: Client, service: TaskService): Promise<void> {
  for (const session of service.recoverInterrupted()) {
    try {
      const channel = await client.channels.fetch(session.channelId ?? session.id);
      if (channel?.isSendable()) {
        await channel.send({
          content:
            '⚠️ Toolsmith restarted while this task was running, so the step was interrupted. ' +
            'Send a message here to continue: the conversation and files are kept, the sandbox variables are not.',
        });
      }
    } catch {
      // the thread is gone or not visible any more: nothing to tell
    }
  }
}

async function route(
  interaction: Interaction,
  commands: Map<string, Command>,
  context: BotContext,
): Promise<void> {
  if (interaction.isChatInputCommand()) {
    const command = commands.get(interaction.commandName);
    if (!command) {
      await interaction.reply({
        content: `Unknown command /${interaction.commandName}.`,
        flags: 'Ephemeral',
      });
      return;
    }
    try {
      await command.execute(interaction, context);
    } catch (error) {
      const content = `Something went wrong: ${describeError(error)}`;
      if (interaction.deferred || interaction.replied)
        await interaction.editReply({ content }).catch(() => undefined);
      else await interaction.reply({ content, flags: 'Ephemeral' }).catch(() => undefined);
    }
    return;
  }
  if (interaction.isAutocomplete()) {
    const command = commands.get(interaction.commandName);
    await (command?.autocomplete?.(interaction, context) ?? interaction.respond([]));
    return;
  }
  if (interaction.isButton()) await handleButton(interaction, context);
}
