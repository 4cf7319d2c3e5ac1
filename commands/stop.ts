import { SlashCommandBuilder } from 'discord.js';
import { actorOfInteraction } from '../src/discord/actor.ts';
import type { Command } from '../src/discord/types.ts';

/** /stop: cancel the running step of the task in this thread. */
export default {
  data: new SlashCommandBuilder()
    .setName('stop')
    .setDescription("Stop the running step of this thread's task."),
  async execute(interaction, context) {
    const channel = interaction.channel;
    if (!channel?.isThread()) {
      await interaction.reply({ content: 'Use /stop inside a task thread.', flags: 'Ephemeral' });
      return;
    }
    const actor = actorOfInteraction(interaction);
    const outcome = context.tasks.stop(channel.id, actor.userId, context.permissions.isAdmin(actor));
    const text = {
      stopped: 'Stopping the running step…',
      idle: 'Nothing is running in this thread.',
      'not-allowed': 'Only the person who started this task (or an admin) can stop it.',
      unknown: 'This thread has no active task.',
    }[outcome];
    await interaction.reply({ content: text, flags: outcome === 'stopped' ? undefined : 'Ephemeral' });
  },
} satisfies Command;
