/**
 * Steps shared by the bot's end-to-end tests: start a task the way a member does, find the thread,
 * its progress message and its answers in what the fake Discord recorded, and read what the fake
 * Messages API received.
 */
import { expect } from 'vitest';
import { z } from 'zod';
import { threadName } from '../../src/discord/open-task-thread.ts';
import type { FakeReply } from '../helpers/fake-anthropic.ts';
import type {
  AttachmentOption,
  InteractionRecord,
  MessageView,
  ThreadView,
} from '../helpers/fake-discord/index.ts';
import type { BotHarness } from './bot-harness.ts';

export interface StartedTask {
  interaction: InteractionRecord;
  thread: ThreadView;
}

export interface TaskInput {
  prompt: string;
  user?: string;
  channel?: string;
  file?: AttachmentOption;
  private?: boolean;
}

/**
 * Script the fake Messages API: the first request gets `first`, but only once the returned release
 * is called (its task holds its slot until then, however slow the machine); request N after it
 * gets the text `then[N - 1]`.
 */
export function holdFirstReply(h: BotHarness, first: FakeReply, then: string[]): () => void {
  const { promise: held, resolve: release } = Promise.withResolvers<void>();
  h.anthropic.replyWith(async ({ index }) => {
    if (index > 0) return h.anthropic.text(then[index - 1] ?? 'unexpected request');
    await held;
    return first;
  });
  return release;
}

/** Run /task, check it was deferred, and wait for its thread. */
export async function startTask(h: BotHarness, input: TaskInput): Promise<StartedTask> {
  const interaction = await dispatchTask(h, input);
  const callback = await h.discord.waitForCallback(interaction);
  expect(callback.type, 'the /task interaction is deferred (type 5)').toBe(5);
  const name = threadName(input.prompt);
  const thread = await h.discord.waitFor(
    () => h.discord.threads().find((t) => t.name === name),
    5000,
    `the thread "${name}"`,
  );
  return { interaction, thread };
}

/** Dispatch /task without waiting for anything. */
export function dispatchTask(h: BotHarness, input: TaskInput): Promise<InteractionRecord> {
  return h.discord.slashCommand({
    name: 'task',
    ...(input.user ? { user: input.user } : {}),
    ...(input.channel ? { channelId: input.channel } : {}),
    options: { prompt: input.prompt, ...(input.private === undefined ? {} : { private: input.private }) },
    ...(input.file ? { attachments: { file: input.file } } : {}),
  });
}

/** The message an interaction's reply created (e.g. an ephemeral refusal), once there is one. */
export async function replyTo(h: BotHarness, interaction: InteractionRecord): Promise<MessageView> {
  await h.discord.waitForCallback(interaction);
  const id = h.discord.interaction(interaction).originalMessageId;
  const message = id ? h.discord.getMessage(id) : undefined;
  if (!message) throw new Error(`interaction ${interaction.id} has no reply message`);
  return message;
}

/** Messages the bot posted in a channel or thread, oldest first. */
export function botMessages(h: BotHarness, channelId: string): MessageView[] {
  return h.discord.messagesIn(channelId).filter((m) => m.author.id === h.discord.bot.id);
}

/** Wait for a message in a channel or thread that matches. */
export function waitForMessage(
  h: BotHarness,
  channelId: string,
  match: (message: MessageView) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<MessageView> {
  return h.discord.waitFor(() => h.discord.messagesIn(channelId).find(match), timeoutMs, what);
}

/** Custom ids of the buttons on a message. */
export function buttonIds(message: MessageView): string[] {
  const ids: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    const parsed = z
      .looseObject({ custom_id: z.string().optional(), components: z.unknown().optional() })
      .safeParse(node);
    if (!parsed.success) return;
    if (parsed.data.custom_id) ids.push(parsed.data.custom_id);
    visit(parsed.data.components);
  };
  visit(message.components);
  return ids;
}

/** Progress messages of a thread (the ones that carried "step n/max" or a queue position), oldest first. */
export function progressMessages(h: BotHarness, threadId: string): MessageView[] {
  const looksLikeProgress = (text: string) => /· step \d+\/\d+ ·|^⏳ Queued, position/.test(text);
  return botMessages(h, threadId).filter(
    (m) => looksLikeProgress(m.content) || m.history.some((v) => looksLikeProgress(v.content)),
  );
}

/** Wait until `count` answers (messages with vote buttons) are in the thread; returns them. */
export async function waitForAnswers(
  h: BotHarness,
  threadId: string,
  count = 1,
  timeoutMs = 10_000,
): Promise<MessageView[]> {
  return h.discord.waitFor(
    () => {
      const answers = botMessages(h, threadId).filter((m) =>
        buttonIds(m).some((id) => id.startsWith('vote:')),
      );
      return answers.length >= count ? answers : undefined;
    },
    timeoutMs,
    `${count} answer(s) in thread ${threadId}`,
  );
}

/** Wait until the thread's task is idle again in the store (nothing running or queued). */
export async function waitForIdle(h: BotHarness, threadId: string, timeoutMs = 10_000): Promise<void> {
  await h.discord.waitFor(
    () => h.app.sessions.get(threadId)?.status === 'idle' && h.app.service.status().running === 0,
    timeoutMs,
    `thread ${threadId} to be idle`,
  );
}

const Block = z.looseObject({
  type: z.string(),
  content: z.unknown().optional(),
  text: z.unknown().optional(),
});

/** The tool_result texts of one request the fake Messages API received, in order. */
export function toolResults(h: BotHarness, requestIndex: number): string[] {
  const body = h.anthropic.requests[requestIndex]?.body;
  if (!body) throw new Error(`no request #${requestIndex} reached the fake Messages API`);
  return body.messages.flatMap((message) =>
    (typeof message.content === 'string' ? [] : message.content).flatMap((raw) => {
      const block = Block.safeParse(raw);
      if (!block.success || block.data.type !== 'tool_result') return [];
      return [
        typeof block.data.content === 'string' ? block.data.content : JSON.stringify(block.data.content),
      ];
    }),
  );
}

/** The user text blocks of one request the fake Messages API received, in order. */
export function userTexts(h: BotHarness, requestIndex: number): string[] {
  const body = h.anthropic.requests[requestIndex]?.body;
  if (!body) throw new Error(`no request #${requestIndex} reached the fake Messages API`);
  return body.messages
    .filter((message) => message.role === 'user')
    .flatMap((message) =>
      (typeof message.content === 'string'
        ? [{ type: 'text', text: message.content }]
        : message.content
      ).flatMap((raw) => {
        const block = Block.safeParse(raw);
        return block.success && block.data.type === 'text' && typeof block.data.text === 'string'
          ? [block.data.text]
          : [];
      }),
    );
}

/** Requests the bot made to the interaction webhook (after the first response). */
export function webhookRequests(h: BotHarness) {
  return h.discord.requests.filter((r) => r.path.startsWith('/webhooks/'));
}
