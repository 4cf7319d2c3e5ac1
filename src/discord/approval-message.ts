/**
 * A tool call waiting for approval, as a thread message: the tool, why, its argument (redacted by the
 * service, cut) and three buttons; edited to the decision when it comes (approved, denied, timed out,
 * or expired with its run), buttons removed.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type Message, type ThreadChannel } from 'discord.js';
import type { ApprovalView } from '../service/approvals.ts';
import { buttonId } from './button-ids.ts';
import { codeBlock } from './code-block.ts';

export function approvalContent(view: ApprovalView): string {
  return [
    `🔐 **Approval needed**: \`${view.label}\` — ${view.reason}.`,
    codeBlock(view.input, 1500, 'json'),
    `An admin or approver decides; without a decision it is denied <t:${Math.ceil(view.expiresAt / 1000)}:R>.`,
  ].join('\n');
}

function approvalRow(view: ApprovalView): ActionRowBuilder<ButtonBuilder> {
  const button = (choice: 'once' | 'task' | 'deny', label: string, style: ButtonStyle) =>
    new ButtonBuilder()
      .setCustomId(buttonId({ kind: 'approval', approvalId: view.id, choice }))
      .setLabel(label)
      .setStyle(style);
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    button('once', 'Approve once', ButtonStyle.Success),
    button('task', 'Approve for this task', ButtonStyle.Primary),
    button('deny', 'Deny', ButtonStyle.Danger),
  );
}

/** The line a decided approval ends with. */
export function decisionLine(decision: { approved: boolean; by: string; note?: string }): string {
  if (decision.by === 'timeout') return `⌛ Denied: ${decision.note ?? 'no decision in time'}.`;
  if (decision.by === 'nobody') return `⏹️ Not run: ${decision.note ?? 'the run ended'}.`;
  const who = /^\d+$/.test(decision.by) ? `<@${decision.by}>` : decision.by;
  return decision.approved
    ? `✅ Approved by ${who}${decision.note ? ` (${decision.note})` : ''}.`
    : `❌ Denied by ${who}.`;
}

export async function postApproval(thread: ThreadChannel, view: ApprovalView): Promise<Message> {
  return thread.send({ content: approvalContent(view), components: [approvalRow(view)] });
}
