import { SlashCommandBuilder } from 'discord.js';
import type { UsageReport } from '../../service/quotas.ts';
import { allowedActor } from '../actor.ts';
import type { Command } from '../types.ts';

/** /usage: what the caller and the server spent today and this month, against the quotas; admins see the top members. */
export default {
  data: new SlashCommandBuilder()
    .setName('usage')
    .setDescription('What you and this server spent today and this month, and the quotas.'),
  async execute(interaction, context) {
    const actor = await allowedActor(interaction, context.service);
    if (!actor) return;
    const report = context.service.usage(actor);
    await interaction.reply({
      content: renderUsage(report, context.service.isAdmin(actor)),
      flags: 'Ephemeral',
    });
  },
} satisfies Command;

const money = (usd: number) => `$${usd < 0.01 && usd > 0 ? usd.toPrecision(2) : usd.toFixed(2)}`;
const limit = (usd: number) => (usd > 0 ? ` of ${money(usd)}` : '');

export function renderUsage(report: UsageReport, isAdmin: boolean): string {
  const lines = [
    `**You**: ${money(report.member.todayUsd)}${limit(report.member.dailyLimitUsd)} today, ${money(report.member.monthUsd)}${limit(report.member.monthlyLimitUsd)} this month.`,
    `**This server**: ${money(report.server.todayUsd)}${limit(report.server.dailyLimitUsd)} today, ${money(report.server.monthUsd)}${limit(report.server.monthlyLimitUsd)} this month.`,
    `Days reset at 00:00 UTC; months on the 1st.`,
  ];
  if (isAdmin && report.top.length > 0) {
    lines.push(
      `**Top this month**: ${report.top.map((row) => `<@${row.actor}> ${money(row.costUsd)}`).join(', ')}`,
    );
  }
  return lines.join('\n');
}
