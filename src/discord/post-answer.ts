/**
 * The end of a task message in its thread: the answer (split to fit, or attached when very long)
 * with the vote and skill buttons, then the files the code wrote (within the attachment limits).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  type ThreadChannel,
} from 'discord.js';
import type { TaskReport } from '../agent/types.ts';
import { formatBytes } from '../text/format-numbers.ts';
import { buttonId } from './button-ids.ts';
import { splitMessage } from './split-message.ts';

/** A long answer past this many messages is sent as a file instead. */
const MAX_ANSWER_MESSAGES = 3;
/** Discord takes at most 10 files per message. */
const FILES_PER_MESSAGE = 10;

export function stopRow(sessionId: string): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(buttonId({ kind: 'stop', sessionId }))
      .setLabel('Stop')
      .setStyle(ButtonStyle.Danger),
  );
}

/** The buttons under an answer: they carry the report's id, so they act on this answer, after restarts too. */
export function resultRow(reportId: string, report: TaskReport): ActionRowBuilder<ButtonBuilder> {
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(buttonId({ kind: 'vote', reportId, delta: 1 }))
      .setLabel('👍')
      .setStyle(ButtonStyle.Secondary),
    new ButtonBuilder()
      .setCustomId(buttonId({ kind: 'vote', reportId, delta: -1 }))
      .setLabel('👎')
      .setStyle(ButtonStyle.Secondary),
  );
  if (report.skillLearned) {
    row.addComponents(
      new ButtonBuilder()
        .setCustomId(buttonId({ kind: 'skill', reportId }))
        .setLabel(`Skill: ${report.skillLearned}`.slice(0, 80))
        .setStyle(ButtonStyle.Primary),
    );
  }
  return row;
}

export interface PostAnswerOptions {
  /** The stored report's id, carried by the answer's buttons. */
  reportId: string;
  workspaceDir: string;
  maxAttachmentBytes: number;
}

export async function postAnswer(
  thread: ThreadChannel,
  report: TaskReport,
  options: PostAnswerOptions,
): Promise<void> {
  const parts = splitMessage(report.answer);
  const buttons = [resultRow(options.reportId, report)];
  if (parts.length > MAX_ANSWER_MESSAGES) {
    const file = new AttachmentBuilder(Buffer.from(report.answer, 'utf8'), { name: 'answer.md' });
    const intro = splitMessage(report.answer, 1500)[0] ?? '';
    await thread.send({
      content: `${intro}\n\n*(the full answer is attached as answer.md)*`,
      files: [file],
      components: buttons,
    });
  } else {
    for (const [index, part] of parts.entries()) {
      await thread.send({ content: part, ...(index === parts.length - 1 ? { components: buttons } : {}) });
    }
  }
  await postFiles(thread, report.files, options);
}

async function postFiles(thread: ThreadChannel, files: string[], options: PostAnswerOptions): Promise<void> {
  const sendable: AttachmentBuilder[] = [];
  const tooLarge: string[] = [];
  let total = 0;
  for (const relative of files) {
    const full = path.join(options.workspaceDir, relative);
    const size = await stat(full).then(
      (info) => info.size,
      () => -1,
    );
    if (size < 0) continue;
    if (size > options.maxAttachmentBytes || total + size > options.maxAttachmentBytes) {
      tooLarge.push(`${relative} (${formatBytes(size)})`);
      continue;
    }
    total += size;
    sendable.push(new AttachmentBuilder(full, { name: path.basename(relative) }));
  }
  for (let i = 0; i < sendable.length; i += FILES_PER_MESSAGE) {
    await thread.send({
      content: i === 0 ? '📎 Files from this task:' : '📎 More files:',
      files: sendable.slice(i, i + FILES_PER_MESSAGE),
    });
  }
  if (tooLarge.length > 0) {
    await thread.send({
      content: `⚠️ Too large to attach (limit ${formatBytes(options.maxAttachmentBytes)} per message): ${tooLarge.join(', ')}. They are in the task's workspace.`,
    });
  }
}
