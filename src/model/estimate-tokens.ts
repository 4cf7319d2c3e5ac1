/**
 * Token counts for servers that report none (or only some): about 4 characters a token, the
 * usual rule of thumb for English and code with Claude-like tokenizers. Only budgets use it; the
 * counts are marked as estimated.
 */
import type { MessageCreateParamsStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { ContentBlock } from './types.ts';

const CHARS_PER_TOKEN = 4;

/** The estimated input tokens of a request: its system text, tools and messages. */
export function estimateInputTokens(params: MessageCreateParamsStreaming): number {
  let chars = 0;
  const system = params.system;
  if (typeof system === 'string') chars += system.length;
  else if (system) for (const block of system) chars += block.text.length;
  if (params.tools) chars += JSON.stringify(params.tools).length;
  for (const message of params.messages) {
    if (typeof message.content === 'string') {
      chars += message.content.length;
      continue;
    }
    for (const block of message.content) {
      // An image costs about (width * height) / 750 tokens; its base64 length says little, so
      // count a typical downscaled image instead.
      chars += block.type === 'image' ? 1600 * CHARS_PER_TOKEN : JSON.stringify(block).length;
    }
  }
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** The estimated output tokens of a response's blocks. */
export function estimateOutputTokens(content: readonly ContentBlock[]): number {
  let chars = 0;
  for (const block of content) {
    if (block.type === 'text') chars += block.text.length;
    else if (block.type === 'thinking') chars += block.thinking.length;
    else if (block.type === 'tool_use') chars += JSON.stringify(block.input ?? '').length + block.name.length;
  }
  return Math.max(1, Math.ceil(chars / CHARS_PER_TOKEN));
}
