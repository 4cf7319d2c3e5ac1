/**
 * Tasks in threads: `/task` opens a thread and a session, messages in the thread continue it. This
 * module only turns Discord input into service calls and renders what comes back; the task service
 * decides who may, when it runs and in which order.
 */
import type { Attachment, ChatInputCommandInteraction, Message, ThreadChannel } from 'discord.js';
import { describeError } from '../errors.ts';
import type { Actor, IncomingFile, MessageOutcome, SendResult } from '../service/types.ts';
import { actorOfInteraction, actorOfMessage } from './actor.ts';
import { saveAttachment } from './attachments.ts';
import { createMessageView, type MessageView } from './message-view.ts';
import { openTaskThread, threadName } from './open-task-thread.ts';
import type { BotContext } from './types.ts';

/** `/task prompt [file] [private]`. */
export async function startTask(
  interaction: ChatInputCommandInteraction,
  context: BotContext,
): Promise<void> {
  const prompt = interaction.options.getString('prompt', true).trim();
  if (!prompt) {
    await interaction.reply({
      content: 'The prompt is empty: say what the task is, e.g. `/task prompt: sum the amount column`.',
      flags: 'Ephemeral',
    });
    return;
  }
  const actor = actorOfInteraction(interaction);
  const refusal = context.service.admit(actor);
  if (refusal) {
    await interaction.reply({ content: refusal, flags: 'Ephemeral' });
    return;
  }
  await interaction.deferReply();
  const file = interaction.options.getAttachment('file');
  const isPrivate = interaction.options.getBoolean('private') ?? false;
  const thread = await openTaskThread(interaction, prompt, isPrivate);
  if (typeof thread === 'string') {
    await interaction.editReply({ content: thread });
    return;
  }
  await interaction.editReply({ content: `Working on it in ${thread.url}` });
  await thread.send({ content: `<@${actor.userId}> asked:\n>>> ${prompt.slice(0, 1800)}` });
  const view = createMessageView(thread, { config: context.config });
  const { done } = await context.service.start(
    {
      id: thread.id,
      actor,
      title: threadName(prompt),
      frontEnd: 'discord',
      channelId: thread.id,
      details: { prompt, private: isPrivate },
    },
    { text: prompt, files: file ? [incomingFile(file, context)] : [] },
    view.observer,
  );
  void finishInThread(thread, view, done);
}

/** A message in a thread: the next message of its task, when the thread is a task's. */
export async function continueTask(message: Message, context: BotContext): Promise<void> {
  if (message.author.bot) return;
  const thread = message.channel;
  if (!thread.isThread()) return;
  const files = [...message.attachments.values()].map((attachment) => incomingFile(attachment, context));
  const text =
    message.content.trim() ||
    (files.length > 0 ? `I added ${files.map((f) => f.name).join(', ')} to the workspace.` : '');
  if (!text) return;
  const result = await sendInThread(thread, context, { actor: actorOfMessage(message), text, files });
  if (!result.accepted) {
    if (result.reason === 'refused') await message.reply({ content: result.refusal }).catch(() => undefined);
    return;
  }
  if (result.waits) await message.react('⏳').catch(() => undefined);
}

async function sendInThread(
  thread: ThreadChannel,
  context: BotContext,
  message: { actor: Actor; text: string; files: IncomingFile[] },
): Promise<SendResult> {
  const view = createMessageView(thread, { config: context.config });
  const result = await context.service.send(thread.id, message, view.observer);
  if (result.accepted) void finishInThread(thread, view, result.done);
  return result;
}

/** Render a message's outcome when it comes; a rendering fault is told in the thread. */
async function finishInThread(thread: ThreadChannel, view: MessageView, done: Promise<MessageOutcome>) {
  try {
    await view.finish(await done);
  } catch (error) {
    await thread.send({ content: `❌ The task failed: ${describeError(error)}` }).catch(() => undefined);
  }
}

function incomingFile(attachment: Attachment, context: BotContext): IncomingFile {
  const file = { name: attachment.name, url: attachment.url, size: attachment.size };
  return {
    name: attachment.name,
    save: (workspaceDir) =>
      saveAttachment(file, workspaceDir, context.config.discord.maxAttachmentBytes, {
        maxWorkspaceBytes: context.config.tools.workspaceMaxBytes,
      }),
  };
}
