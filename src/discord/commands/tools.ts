import { SlashCommandBuilder } from 'discord.js';
import { allowedActor } from '../actor.ts';
import type { Command } from '../types.ts';

const ICON = {
  connected: '🟢',
  connecting: '🟡',
  reconnecting: '🟡',
  failed: '🔴',
  closed: '⚫',
  disabled: '⚪',
} as const;

/** /tools: the MCP servers and their tools, with status. */
export default {
  data: new SlashCommandBuilder()
    .setName('tools')
    .setDescription('List the tools the agent can use, by MCP server.'),
  async execute(interaction, context) {
    // The allowlists (guild, channel, role, user) hold for every command, not only /task.
    if (!(await allowedActor(interaction, context.service))) return;
    const lines = context.tools.servers().map((server) => {
      const tools = server.tools.map((tool) => `\`${tool.identifier}\``).join(', ') || '(no tools)';
      const why = server.error ? ` — ${server.error.slice(0, 200)}` : '';
      return `${ICON[server.status]} **${server.name}** (${server.status}${server.builtIn ? ', built-in' : ''})${why}\n${tools}`;
    });
    const content = lines.join('\n\n').slice(0, 1990) || 'No tools are configured.';
    await interaction.reply({ content, flags: 'Ephemeral' });
  },
} satisfies Command;
