import { SlashCommandBuilder } from 'discord.js';
import { describeSandboxProcesses } from '../../service/describe-sandbox-processes.ts';
import type { ServiceStatus } from '../../service/types.ts';
import { formatBytes } from '../../text/format-numbers.ts';
import { allowedActor } from '../actor.ts';
import type { Command } from '../types.ts';

/** /status: what the bot is holding right now — tasks running and queued, live sandboxes and their memory. */
export default {
  data: new SlashCommandBuilder()
    .setName('status')
    .setDescription('Tasks running and queued, and the memory the live sandboxes hold.'),
  async execute(interaction, context) {
    if (!(await allowedActor(interaction, context.service))) return;
    await interaction.reply({
      content: renderStatus(context.service.status(), interaction.guildId),
      flags: 'Ephemeral',
    });
  },
} satisfies Command;

/** The status for one server: its own queue, and the bot's totals (no other server's names). */
export function renderStatus(status: ServiceStatus, guildId: string | null): string {
  const here = status.servers.find((server) => server.scope === guildId) ?? { running: 0, queued: 0 };
  return [
    `**Tasks**: ${status.running} running of ${status.maxConcurrent} slots, ${status.queued} queued (this server: ${here.running} running of at most ${status.maxConcurrentPerServer}, ${here.queued} queued).`,
    `**Sessions**: ${status.liveSessions} with a live sandbox (at most ${status.maxLiveSessions}; idle ones are released and come back on their next message).`,
    `**Memory**: sandboxes hold ${formatBytes(status.sandboxHeapBytes)}; the bot process uses ${formatBytes(status.rssBytes)}.`,
    ...(status.sandboxProcesses.length > 0
      ? [`**Sandbox processes**: ${describeSandboxProcesses(status.sandboxProcesses)}.`]
      : []),
  ].join('\n');
}
