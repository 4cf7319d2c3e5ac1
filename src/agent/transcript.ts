/**
 * The transcript's bookkeeping around one message: where it stood before, whether the model answered,
 * taking an unanswered message back out, adding user text in alternating roles, recent user text.
 */
import type { ContentBlock, ImageBlock, Message } from '../model/types.ts';

/** Where the transcript stood before a message was added: its length and the last user message's blocks. */
export interface TranscriptMark {
  length: number;
  lastUserBlocks: number | undefined;
}

export function transcriptMark(messages: Message[]): TranscriptMark {
  const last = messages[messages.length - 1];
  return { length: messages.length, lastUserBlocks: last?.role === 'user' ? last.content.length : undefined };
}

/** Whether the model replied after the mark. */
export function answeredSince(messages: Message[], mark: TranscriptMark): boolean {
  return messages.slice(mark.length).some((message) => message.role === 'assistant');
}

/** Take the message added after the mark back out (a new user message, or the blocks merged into one). */
export function rollBack(messages: Message[], mark: TranscriptMark): void {
  messages.length = mark.length;
  const last = messages[messages.length - 1];
  if (last && mark.lastUserBlocks !== undefined) last.content.length = mark.lastUserBlocks;
}

/** Add user text, merging into a trailing user message (e.g. after tool results) to keep roles alternating. */
export function appendUserText(messages: Message[], text: string, images: ImageBlock[] = []): void {
  const last = messages[messages.length - 1];
  // Images before the text, as the API advises.
  const content: ContentBlock[] = [...images, { type: 'text', text }];
  if (last && last.role === 'user') last.content.push(...content);
  else messages.push({ role: 'user', content });
}

/** The text of the last few user messages, for retrieval on follow-ups. */
export function recentUserText(messages: Message[], count = 3): string {
  const texts: string[] = [];
  for (let i = messages.length - 1; i >= 0 && texts.length < count; i--) {
    const message = messages[i];
    if (message?.role !== 'user') continue;
    for (const block of message.content) if (block.type === 'text') texts.push(block.text);
  }
  return texts.reverse().join('\n');
}
