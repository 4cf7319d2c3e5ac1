import { SlashCommandBuilder } from 'discord.js';
import { stopFor } from '../stop-for.ts';
import type { Command } from '../types.ts';

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
    const { stopped, text } = stopFor(interaction, context, channel.id);
    await interaction.reply({ content: text, flags: stopped ? undefined : 'Ephemeral' });
  },
} satisfies Command;
