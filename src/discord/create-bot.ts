/**
 * The Discord bot: the client, routing of interactions and thread messages, start and shutdown.
 * Every interaction is acknowledged at once; the work is posted with the bot token.
 */
import { Client, Events, GatewayIntentBits, type Interaction, Partials } from 'discord.js';
import type { Config } from '../config.ts';
import { describeError } from '../errors.ts';
import { codeBlock } from './code-block.ts';
import { loadCommands } from './load-commands.ts';
import { createPermissions } from './permissions.ts';
import { stopFor } from './stop-for.ts';
import { createTaskManager, type TaskManager } from './task-manager.ts';
import type { BotApp, BotContext, Command, SkillAdmin } from './types.ts';

export interface BotOptions {
  config: Config;
  app: BotApp;
  skillAdmin?: SkillAdmin;
  /** Reports problems that have no user to tell (the CLI prints them). */
  onError?: (message: string) => void;
}

export interface Bot {
  readonly client: Client;
  readonly tasks: TaskManager;
  start(token: string): Promise<void>;
  stop(): Promise<void>;
}

export async function createBot(options: BotOptions): Promise<Bot> {
  const { config, app } = options;
  const onError = options.onError ?? (() => {});
  const commands = await loadCommands();
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    partials: [Partials.Channel],
    allowedMentions: { parse: [] },
    ...(config.discord.apiUrl ? { rest: { api: config.discord.apiUrl } } : {}),
  });
  const permissions = createPermissions(config.discord);
  const tasks = createTaskManager({ config, app, permissions });
  const context: BotContext = { config, app, skillAdmin: options.skillAdmin, tasks, permissions };

  client.on(Events.InteractionCreate, (interaction) => {
    void route(interaction, commands, context).catch((error) => {
      onError(`interaction failed: ${describeError(error)}`);
    });
  });
  client.on(Events.MessageCreate, (message) => {
    void tasks
      .continueFromMessage(message)
      .catch((error) => onError(`message failed: ${describeError(error)}`));
  });
  client.on(Events.Error, (error) => onError(`discord client: ${describeError(error)}`));

  return {
    client,
    tasks,
    async start(token) {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(token);
      await ready;
      await tasks.recoverInterrupted(client);
    },
    async stop() {
      await tasks.shutdown();
      await client.destroy();
    },
  };
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
  if (interaction.isButton()) {
    const [kind, threadId, arg] = interaction.customId.split(':');
    if (kind === 'stop' && threadId) {
      await interaction.reply({ content: stopFor(interaction, context, threadId).text, flags: 'Ephemeral' });
      return;
    }
    if (kind === 'vote' && threadId) {
      await vote(interaction, context, threadId, arg === 'down' ? -1 : 1);
      return;
    }
    if (kind === 'skill' && threadId) {
      const last = context.tasks.lastReport(threadId);
      const name = last?.report.skillLearned;
      const skill = name && last ? await context.skillAdmin?.get(name, last.scope) : undefined;
      await interaction.reply({
        content: skill
          ? `**${skill.name}** — ${skill.description}\n\`${skill.signature}\`\n${codeBlock(skill.code, 1500)}`
          : 'That skill is not available any more.',
        flags: 'Ephemeral',
      });
    }
  }
}

async function vote(
  interaction: import('discord.js').ButtonInteraction,
  context: BotContext,
  threadId: string,
  delta: 1 | -1,
): Promise<void> {
  const last = context.tasks.lastReport(threadId);
  const names = last
    ? [
        ...new Set([
          ...(last.report.skillLearned ? [last.report.skillLearned] : []),
          ...last.report.skillsUsed,
        ]),
      ]
    : [];
  for (const name of names) await context.skillAdmin?.vote(name, last?.scope ?? 'global', delta);
  context.app.audit.record({
    sessionId: threadId,
    actor: interaction.user.id,
    kind: 'vote',
    data: { delta, skills: names },
  });
  await interaction.reply({
    content:
      names.length > 0 ? `Thanks! Your vote counts for ${names.join(', ')}.` : 'Thanks for the feedback!',
    flags: 'Ephemeral',
  });
}
