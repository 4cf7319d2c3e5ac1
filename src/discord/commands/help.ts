import { SlashCommandBuilder } from 'discord.js';
import type { Command } from '../types.ts';

const HELP = `**Toolsmith** does tasks by writing and running code.
• \`/task prompt:<what to do> [file] [private]\` opens a thread and works there. Attach a CSV, JSON or text file to work on it.
• Write in the thread to follow up: the agent keeps its variables and files. Attach more files any time.
• **Stop** (or \`/stop\` in the thread) cancels the running step.
• Code that solved a task becomes a *skill* the whole team's agent reuses: \`/skills list|search|show|delete\`. Vote 👍/👎 on answers to rank skills.
• \`/tools\` lists what the agent can reach (files, web, and your MCP servers); \`/status\` shows the queue and memory, \`/usage\` what you and the server spent; \`/profile\` and \`/model\` the settings and model of this channel.`;

/** /help: what the bot does and how to use it. */
export default {
  data: new SlashCommandBuilder().setName('help').setDescription('What Toolsmith does and how to use it.'),
  async execute(interaction) {
    await interaction.reply({ content: HELP, flags: 'Ephemeral' });
  },
} satisfies Command;
