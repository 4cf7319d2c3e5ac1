import { SlashCommandBuilder } from 'discord.js';
import { startTask } from '../task-thread.ts';
import type { Command } from '../types.ts';

/** /task: open a thread and let the agent work on the task there. */
export default {
  data: new SlashCommandBuilder()
    .setName('task')
    .setDescription('Give Toolsmith a task: it writes and runs code in a new thread until it can answer.')
    .addStringOption((option) =>
      option.setName('prompt').setDescription('What should be done?').setRequired(true).setMaxLength(4000),
    )
    .addAttachmentOption((option) =>
      option.setName('file').setDescription('A file for the task (CSV, JSON, text, …)'),
    )
    .addBooleanOption((option) => option.setName('private').setDescription('Work in a private thread')),
  async execute(interaction, context) {
    await startTask(interaction, context);
  },
} satisfies Command;
