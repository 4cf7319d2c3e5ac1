import { SlashCommandBuilder } from 'discord.js';
import type { NamedProfile } from '../../service/profiles.ts';
import { allowedActor } from '../actor.ts';
import type { Command } from '../types.ts';

/** /profile: the channel profile in force here (the operator's PROFILES file), and the model in use. */
export default {
  data: new SlashCommandBuilder()
    .setName('profile')
    .setDescription('The settings Toolsmith uses in this channel.'),
  async execute(interaction, context) {
    const actor = await allowedActor(interaction, context.service);
    if (!actor) return;
    const channel = interaction.channel;
    const threadId = channel?.isThread() && context.service.has(channel.id) ? channel.id : undefined;
    const model = context.service.modelId(threadId, actor);
    await interaction.reply({
      content: renderProfile(context.service.profile(actor), model),
      flags: 'Ephemeral',
    });
  },
} satisfies Command;

export function renderProfile(profile: NamedProfile | undefined, model: string): string {
  if (!profile)
    return `No channel profile applies here: the bot's defaults are in force. Model: \`${model}\`.`;
  const lines = [`**Profile**: ${profile.name}${profile.description ? ` — ${profile.description}` : ''}`];
  lines.push(`**Model**: \`${model}\``);
  lines.push(
    `**Tools**: ${profile.tools ? profile.tools.map((t) => `\`${t}\``).join(', ') : 'all configured'}`,
  );
  if (profile.maxSteps !== undefined || profile.maxCostUsd !== undefined)
    lines.push(
      `**Budget per message**: ${[
        profile.maxSteps !== undefined ? `${profile.maxSteps} steps` : '',
        profile.maxCostUsd !== undefined ? `$${profile.maxCostUsd}` : '',
      ]
        .filter(Boolean)
        .join(', ')}`,
    );
  if (profile.quotas)
    lines.push(
      `**Quotas**: ${Object.entries(profile.quotas)
        .map(([key, value]) => `${key} $${value}`)
        .join(', ')}`,
    );
  if (profile.learnSkills === false) lines.push('**Skills**: tasks here teach the library nothing.');
  if (profile.approverRole) lines.push(`**Approvers**: <@&${profile.approverRole}> and admins`);
  if (profile.prompt)
    lines.push(
      `**Instructions** (${profile.prompt.length} characters):\n>>> ${profile.prompt.slice(0, 600)}`,
    );
  return lines.join('\n').slice(0, 1990);
}
