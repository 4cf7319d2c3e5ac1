/**
 * What each button does. Every click is checked again (the allowlists, and per button who may press
 * it) and finds its target from the id: a report by id, a session by id, never "the thread's latest".
 */
import type { ButtonInteraction } from 'discord.js';
import { actorOfInteraction } from './actor.ts';
import { type ButtonId, parseButtonId } from './button-ids.ts';
import { codeBlock } from './code-block.ts';
import { reviewButton } from './commands/skills.ts';
import { stopFor } from './stop-for.ts';
import type { BotContext, ButtonHandler } from './types.ts';

type Handlers = { [K in ButtonId['kind']]?: ButtonHandler<K> };

const HANDLERS: Handlers = {
  review: reviewButton,

  async stop(interaction, id, context) {
    await interaction.reply({
      content: stopFor(interaction, context, id.sessionId).text,
      flags: 'Ephemeral',
    });
  },

  async vote(interaction, id, context) {
    const outcome = await context.service.vote(id.reportId, actorOfInteraction(interaction), id.delta);
    const content = {
      counted:
        outcome.status === 'counted' && outcome.skills.length > 0
          ? `Thanks! Your vote counts for ${outcome.skills.join(', ')}.`
          : 'Thanks for the feedback!',
      'already-voted': 'You already voted on this answer: one vote each.',
      unknown: 'That answer is not on record any more.',
      refused: outcome.status === 'refused' ? outcome.refusal : '',
    }[outcome.status];
    await interaction.reply({ content, flags: 'Ephemeral' });
  },

  async approval(interaction, id, context) {
    const outcome = context.service.decide(id.approvalId, actorOfInteraction(interaction), id.choice);
    if (outcome.status === 'expired') {
      // Its run ended, or Toolsmith restarted: say so on the message itself, and remove the buttons.
      await interaction.update({
        content: `${interaction.message.content}\n⌛ Expired: this call's run ended before a decision, so nothing ran.`,
        components: [],
      });
      return;
    }
    await interaction.reply({
      content:
        outcome.status === 'not-allowed'
          ? 'Only an admin or a member with the approver role can decide this.'
          : outcome.approved
            ? 'Approved: the call goes ahead.'
            : 'Denied: the call fails with a ToolError.',
      flags: 'Ephemeral',
    });
  },

  async skill(interaction, id, context) {
    const report = context.service.report(id.reportId);
    const name = report?.skillLearned;
    const skill = name && report ? await context.skillAdmin?.get(name, report.scope) : undefined;
    await interaction.reply({
      content: skill
        ? `**${skill.name}** — ${skill.description}\n\`${skill.signature}\`\n${codeBlock(skill.code, 1500)}`
        : 'That skill is not available any more.',
      flags: 'Ephemeral',
    });
  },
};

/** Route a button click: unknown ids and members the allowlists refuse get a short ephemeral reply. */
export async function handleButton(interaction: ButtonInteraction, context: BotContext): Promise<void> {
  const id = parseButtonId(interaction.customId);
  const handler = id ? (HANDLERS[id.kind] as ButtonHandler | undefined) : undefined;
  if (!id || !handler) {
    await interaction.reply({ content: 'This button is not in use any more.', flags: 'Ephemeral' });
    return;
  }
  const refusal = context.service.access(actorOfInteraction(interaction));
  if (refusal) {
    await interaction.reply({ content: refusal, flags: 'Ephemeral' });
    return;
  }
  await handler(interaction, id, context);
}
