import {
  ActionRowBuilder,
  ButtonBuilder,
  type ButtonInteraction,
  ButtonStyle,
  type ChatInputCommandInteraction,
  SlashCommandBuilder,
} from 'discord.js';
import type { ProposalView, SkillAdmin, SkillSummary } from '../../app/skill-admin.ts';
import { describeError, UsageError } from '../../errors.ts';
import { actorOfInteraction } from '../actor.ts';
import { buttonId, type ReviewChoice } from '../button-ids.ts';
import { codeBlock } from '../code-block.ts';
import type { BotContext, ButtonHandler, Command } from '../types.ts';

const line = (skill: SkillSummary) =>
  `• **${skill.name}**${skill.scope === 'global' ? ' (global)' : ''}${skill.state && skill.state !== 'approved' ? ` [${skill.state}]` : ''} — ${skill.description.slice(0, 140)} · used ${skill.used}, ${skill.succeeded} ok, ${skill.votes >= 0 ? '+' : ''}${skill.votes}`;

const ephemeral = (content: string) => ({ content: content.slice(0, 2000), flags: 'Ephemeral' as const });

/** The refusal of the allowlists (guild, channel, role, user) for whoever clicked or typed, if any. */
function refusalFor(interaction: ChatInputCommandInteraction | ButtonInteraction, context: BotContext) {
  return context.service.access(actorOfInteraction(interaction));
}

/** A proposal as a reviewer reads it: the code, the task it came from, its check result. */
function proposalText(p: ProposalView, codeChars: number): string {
  const head = `**${p.name}** v${p.version} (${p.scope === 'global' ? 'global' : 'this server'}) — ${p.newSkill ? 'new skill' : 'proposed change'} by <@${p.author}>`;
  const task = p.task ? `\nTask: ${p.task.replace(/\s+/g, ' ').slice(0, 200)}` : '';
  const tools = `\nTools: ${p.tools.map((t) => `tools.${t}`).join(', ') || 'none'} · Check: ${p.checkResult.slice(0, 200) || 'none'}`;
  const shadows = p.needsOverride
    ? `\n⚠️ It takes the name of a global skill and would hide it in this server: approve it only as an override.`
    : '';
  return `${head}${task}${tools}${shadows}\n${codeBlock(p.code, codeChars)}`;
}

async function review(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const admin = context.skillAdmin;
  if (!admin) return;
  const proposals = admin.proposals(actorOfInteraction(interaction));
  if (proposals.length === 0) {
    await interaction.reply(ephemeral('Nothing to review.'));
    return;
  }
  const shown = proposals.slice(0, 3);
  const budget = Math.floor((1900 - 60) / shown.length) - 260;
  const rows = shown.map((p) => {
    const button = (decision: ReviewChoice, label: string, style: ButtonStyle) =>
      new ButtonBuilder()
        .setCustomId(
          buttonId({ kind: 'review', decision, scope: p.scope, version: p.version, skill: p.name }),
        )
        .setLabel(`${label} ${p.name} v${p.version}`.slice(0, 80))
        .setStyle(style);
    return new ActionRowBuilder<ButtonBuilder>().addComponents(
      p.needsOverride
        ? button('override', 'Approve as override:', ButtonStyle.Primary)
        : button('approve', 'Approve', ButtonStyle.Success),
      button('reject', 'Reject', ButtonStyle.Danger),
    );
  });
  const more =
    proposals.length > shown.length ? `\n…and ${proposals.length - shown.length} more after these.` : '';
  await interaction.reply({
    content: `${shown.map((p) => proposalText(p, Math.max(200, budget))).join('\n\n')}${more}`.slice(0, 2000),
    components: rows,
    flags: 'Ephemeral',
  });
}

/** Approve (as override) / Reject under `/skills review`: the clicker's rights are checked again here. */
export const reviewButton: ButtonHandler<'review'> = async (interaction, id, context) => {
  const admin = context.skillAdmin;
  if (!admin) {
    await interaction.reply(ephemeral('The skill library is not enabled on this bot.'));
    return;
  }
  const refusal = refusalFor(interaction, context);
  if (refusal) {
    await interaction.reply(ephemeral(refusal));
    return;
  }
  try {
    const text = await admin.decide(actorOfInteraction(interaction), {
      skill: id.skill,
      scope: id.scope,
      version: id.version,
      decision: id.decision === 'reject' ? 'reject' : 'approve',
      ...(id.decision === 'override' ? { override: true } : {}),
    });
    await interaction.reply(ephemeral(text));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    await interaction.reply(ephemeral(describeError(error)));
  }
};

/** `/skills approve|reject name [version] [override]`: the reviewer's rights are checked by the admin. */
async function decideByCommand(
  interaction: ChatInputCommandInteraction,
  admin: SkillAdmin,
  name: string,
  decision: 'approve' | 'reject',
): Promise<string> {
  const actor = actorOfInteraction(interaction);
  // A proposal of this server first: one taking a global skill's name must not resolve to the global.
  const proposal = admin
    .proposals(actor)
    .filter((p) => p.name === name)
    .sort(
      (a, b) =>
        Number(b.scope === actor.guildId) - Number(a.scope === actor.guildId) || b.version - a.version,
    )[0];
  const found = proposal ? undefined : await admin.get(name, actor);
  const history = found ? admin.history(found.name, actor) : [];
  const newest =
    proposal?.version ?? history.filter((v) => v.state === 'proposed').at(-1)?.version ?? found?.version ?? 1;
  return admin.decide(actor, {
    skill: proposal?.name ?? found?.name ?? name,
    scope: proposal?.scope ?? found?.scope ?? actor.guildId ?? 'global',
    version: interaction.options.getInteger('version') ?? newest,
    decision,
    ...(interaction.options.getBoolean('override') ? { override: true } : {}),
  });
}

const nameOption = (option: import('discord.js').SlashCommandStringOption) =>
  option.setName('name').setDescription('Skill name').setRequired(true).setAutocomplete(true);
const versionOption = (option: import('discord.js').SlashCommandIntegerOption) =>
  option.setName('version').setDescription('Version (default: the newest proposed)').setMinValue(1);

/** /skills: browse, review and manage the team's skill library. */
export default {
  data: new SlashCommandBuilder()
    .setName('skills')
    .setDescription("Browse and review the team's skill library.")
    .addSubcommand((sub) => sub.setName('list').setDescription('List the skills you can use here'))
    .addSubcommand((sub) =>
      sub
        .setName('search')
        .setDescription('Find skills by what they do')
        .addStringOption((option) =>
          option.setName('query').setDescription('What the skill should do').setRequired(true),
        ),
    )
    .addSubcommand((sub) =>
      sub.setName('show').setDescription("Show a skill's code").addStringOption(nameOption),
    )
    .addSubcommand((sub) =>
      sub
        .setName('history')
        .setDescription("A skill's versions: who, from what task, checked how")
        .addStringOption(nameOption),
    )
    .addSubcommand((sub) =>
      sub
        .setName('delete')
        .setDescription('Delete a skill (its author, or a reviewer)')
        .addStringOption(nameOption),
    )
    .addSubcommand((sub) =>
      sub.setName('review').setDescription('Proposed skills waiting for review (reviewers)'),
    )
    .addSubcommand((sub) =>
      sub
        .setName('approve')
        .setDescription('Approve a proposed skill or version (reviewers)')
        .addStringOption(nameOption)
        .addIntegerOption(versionOption)
        .addBooleanOption((option) =>
          option.setName('override').setDescription('Let it take the name of a global skill in this server'),
        ),
    )
    .addSubcommand((sub) =>
      sub
        .setName('reject')
        .setDescription('Reject a proposed skill or version (reviewers)')
        .addStringOption(nameOption)
        .addIntegerOption(versionOption),
    ),
  async execute(interaction, context) {
    const admin = context.skillAdmin;
    if (!admin) {
      await interaction.reply(ephemeral('The skill library is not enabled on this bot.'));
      return;
    }
    const refusal = refusalFor(interaction, context);
    if (refusal) {
      await interaction.reply(ephemeral(refusal));
      return;
    }
    const actor = actorOfInteraction(interaction);
    const sub = interaction.options.getSubcommand();
    try {
      if (sub === 'list' || sub === 'search') {
        const skills =
          sub === 'list'
            ? await admin.list(actor)
            : await admin.search(interaction.options.getString('query', true), actor);
        const content = skills.length === 0 ? 'No skills found.' : skills.slice(0, 15).map(line).join('\n');
        await interaction.reply(ephemeral(content));
        return;
      }
      if (sub === 'review') {
        await review(interaction, context);
        return;
      }
      const name = interaction.options.getString('name', true);
      if (sub === 'approve' || sub === 'reject') {
        await interaction.reply(ephemeral(await decideByCommand(interaction, admin, name, sub)));
        return;
      }
      const skill = await admin.get(name, actor);
      if (!skill) {
        await interaction.reply(ephemeral(`No skill named ${name}.`));
        return;
      }
      if (sub === 'show') {
        const head = `**${skill.name}** v${skill.version} by ${skill.versionAuthor === skill.author ? skill.author : `${skill.versionAuthor} (first by ${skill.author})`} (${skill.source}, ${skill.scope}, ${skill.state}) — ${skill.description}\n\`${skill.signature}\`\nTools: ${skill.tools.map((t) => `tools.${t}`).join(', ') || 'none'}\n${skill.resolution}.`;
        await interaction.reply(ephemeral(`${head}\n${codeBlock(skill.code, 1990 - head.length - 20)}`));
        return;
      }
      if (sub === 'history') {
        const versions = admin.history(skill.name, actor);
        const lines = versions.map(
          (v) =>
            `v${v.version} ${v.state}${v.version === skill.version ? ' (in use)' : ''} — by ${v.author}, ${v.createdAt.slice(0, 10)}, ${v.note}${v.checkResult ? ` · check: ${v.checkResult.slice(0, 120)}` : ''}`,
        );
        await interaction.reply(ephemeral(`**${skill.name}**\n${lines.join('\n')}`));
        return;
      }
      const removed = await admin.remove(skill.name, actor);
      await interaction.reply(
        ephemeral(
          removed
            ? skill.source === 'seed'
              ? `Disabled ${skill.name} (a seed: it stays disabled).`
              : `Deleted ${skill.name}.`
            : `${skill.name} was already gone.`,
        ),
      );
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      await interaction.reply(ephemeral(describeError(error)));
    }
  },
  async autocomplete(interaction, context) {
    const actor = actorOfInteraction(interaction);
    const allowed = context.service.access(actor) === undefined;
    const focused = interaction.options.getFocused().toLowerCase();
    const skills = allowed ? ((await context.skillAdmin?.list(actor)) ?? []) : [];
    await interaction.respond(
      skills
        .filter((skill) => skill.name.includes(focused))
        .slice(0, 25)
        .map((skill) => ({ name: skill.name, value: skill.name })),
    );
  },
} satisfies Command;
