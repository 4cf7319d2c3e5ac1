import { SlashCommandBuilder } from 'discord.js';
import { allowedActor } from '../actor.ts';
import type { Command } from '../types.ts';

const REPLIES = {
  'unknown-model': 'That model is not on the list an operator allows: `/model list` shows it.',
  'not-allowed':
    'Only the person who started this task or an admin can change its model; only admins a channel’s.',
  'unknown-session': 'This thread has no task.',
} as const;

/** /model list | set: the models an operator allows, and the one a thread (or, for admins, a channel) uses. */
export default {
  data: new SlashCommandBuilder()
    .setName('model')
    .setDescription('Show or change the model the agent uses here.')
    .addSubcommand((sub) =>
      sub.setName('list').setDescription('The models you may pick, and the one in use here.'),
    )
    .addSubcommand((sub) =>
      sub
        .setName('set')
        .setDescription('Use this model in this task thread (or, for admins, in this channel).')
        .addStringOption((option) =>
          option.setName('model').setDescription('A model id from /model list').setRequired(true),
        )
        .addStringOption((option) =>
          option
            .setName('for')
            .setDescription('This thread (default inside a thread) or the whole channel (admins)')
            .addChoices({ name: 'this thread', value: 'thread' }, { name: 'this channel', value: 'channel' }),
        ),
    ),
  async execute(interaction, context) {
    const actor = await allowedActor(interaction, context.service);
    if (!actor) return;
    const channel = interaction.channel;
    const threadId = channel?.isThread() && context.service.has(channel.id) ? channel.id : undefined;
    if (interaction.options.getSubcommand() === 'list') {
      const current = context.service.modelId(threadId, actor);
      const lines = context.service
        .models()
        .map(
          (m) => `• \`${m.id}\`${m.default ? ' (default)' : ''}${m.id === current ? ' ← in use here' : ''}`,
        );
      await interaction.reply({
        content: lines.length > 0 ? lines.join('\n') : 'No model can be picked on this bot.',
        flags: 'Ephemeral',
      });
      return;
    }
    const model = interaction.options.getString('model', true).trim();
    const scope = interaction.options.getString('for') ?? (threadId ? 'thread' : 'channel');
    if (scope === 'thread' && !threadId) {
      await interaction.reply({
        content: 'Use `for: this thread` inside a task thread.',
        flags: 'Ephemeral',
      });
      return;
    }
    const outcome =
      scope === 'thread' && threadId
        ? context.service.chooseModel({ sessionId: threadId }, actor, model)
        : actor.channelId
          ? context.service.chooseModel({ channelId: actor.channelId }, actor, model)
          : 'unknown-session';
    await interaction.reply({
      content:
        outcome === 'set'
          ? `From the next message, ${scope === 'thread' ? 'this task' : 'tasks in this channel'} use \`${model}\`.`
          : REPLIES[outcome],
      flags: 'Ephemeral',
    });
  },
} satisfies Command;
