import { SlashCommandBuilder } from 'discord.js';
import { actorOfInteraction } from '../actor.ts';
import { codeBlock } from '../code-block.ts';
import type { Command, SkillSummary } from '../types.ts';

const line = (skill: SkillSummary) =>
  `• **${skill.name}**${skill.scope === 'global' ? ' (global)' : ''} — ${skill.description.slice(0, 140)} · used ${skill.used}, ${skill.succeeded} ok, ${skill.votes >= 0 ? '+' : ''}${skill.votes}`;

/** /skills: browse and manage the team's skill library. */
export default {
  data: new SlashCommandBuilder()
    .setName('skills')
    .setDescription("Browse the team's skill library.")
    .addSubcommand((sub) => sub.setName('list').setDescription('List the skills of this server'))
    .addSubcommand((sub) =>
      sub
        .setName('search')
        .setDescription('Find skills by what they do')
        .addStringOption((option) =>
          option.setName('query').setDescription('What the skill should do').setRequired(true),
        ),
    )
    .addSubcommand((sub) =>
      sub
        .setName('show')
        .setDescription("Show a skill's code")
        .addStringOption((option) =>
          option.setName('name').setDescription('Skill name').setRequired(true).setAutocomplete(true),
        ),
    )
    .addSubcommand((sub) =>
      sub
        .setName('delete')
        .setDescription('Delete a skill (its author or an admin)')
        .addStringOption((option) =>
          option.setName('name').setDescription('Skill name').setRequired(true).setAutocomplete(true),
        ),
    ),
  async execute(interaction, context) {
    const admin = context.skillAdmin;
    if (!admin) {
      await interaction.reply({
        content: 'The skill library is not enabled on this bot.',
        flags: 'Ephemeral',
      });
      return;
    }
    const scope = interaction.guildId ?? 'global';
    const sub = interaction.options.getSubcommand();
    if (sub === 'list' || sub === 'search') {
      const skills =
        sub === 'list'
          ? await admin.list(scope)
          : await admin.search(interaction.options.getString('query', true), scope);
      const content =
        skills.length === 0 ? 'No skills found.' : skills.slice(0, 15).map(line).join('\n').slice(0, 1990);
      await interaction.reply({ content, flags: 'Ephemeral' });
      return;
    }
    const name = interaction.options.getString('name', true);
    const skill = await admin.get(name, scope);
    if (!skill) {
      await interaction.reply({ content: `No skill named ${name}.`, flags: 'Ephemeral' });
      return;
    }
    if (sub === 'show') {
      const head = `**${skill.name}** v${skill.version} (${skill.source}, ${skill.scope}) — ${skill.description}\n\`${skill.signature}\``;
      const code = codeBlock(skill.code, 1990 - head.length - 20);
      await interaction.reply({ content: `${head}\n${code}`, flags: 'Ephemeral' });
      return;
    }
    const actor = actorOfInteraction(interaction);
    if (skill.author !== actor.userId && !context.service.isAdmin(actor)) {
      await interaction.reply({
        content: 'Only the author of a skill or an admin can delete it.',
        flags: 'Ephemeral',
      });
      return;
    }
    const removed = await admin.remove(skill.name, skill.scope);
    await interaction.reply({
      content: removed ? `Deleted ${skill.name}.` : `${skill.name} was already gone.`,
      flags: 'Ephemeral',
    });
  },
  async autocomplete(interaction, context) {
    const focused = interaction.options.getFocused().toLowerCase();
    const skills = (await context.skillAdmin?.list(interaction.guildId ?? 'global')) ?? [];
    await interaction.respond(
      skills
        .filter((skill) => skill.name.includes(focused))
        .slice(0, 25)
        .map((skill) => ({ name: skill.name, value: skill.name })),
    );
  },
} satisfies Command;
