/**
 * Keeps the conversation inside a budget: when it grows past `maxChars`, older observations (tool
 * results, or the code output messages of the fenced-actions protocol) are shortened to head and
 * tail, oldest first; the newest ones stay whole.
 */
import type { Message } from '../model/types.ts';
import { clip } from '../sandbox/output-buffer.ts';
import { FENCED_OUTPUT_HEADER } from './observation.ts';

export interface ContextBudget {
  /** Total characters of message content allowed before shortening starts. */
  maxChars: number;
  /** Tool results at the end kept whole. */
  keepLast: number;
  /** Size an older observation is shortened to. */
  shortChars: number;
}

const SHORTENED = '[older observation shortened]';

export const DEFAULT_CONTEXT_BUDGET: ContextBudget = { maxChars: 160_000, keepLast: 2, shortChars: 800 };

/** Shorten older tool results in place; returns how many were shortened. */
export function applyContextBudget(
  messages: Message[],
  budget: ContextBudget = DEFAULT_CONTEXT_BUDGET,
): number {
  let total = messages.reduce((sum, message) => sum + sizeOf(message), 0);
  if (total <= budget.maxChars) return 0;
  const results: { message: Message; index: number }[] = [];
  for (const message of messages) {
    message.content.forEach((block, index) => {
      if (observationText(block) !== undefined) results.push({ message, index });
    });
  }
  let shortened = 0;
  for (const { message, index } of results.slice(0, Math.max(0, results.length - budget.keepLast))) {
    if (total <= budget.maxChars) break;
    const block = message.content[index];
    const text = block ? observationText(block) : undefined;
    if (!block || text === undefined || text.length <= budget.shortChars) continue;
    if (text.startsWith(SHORTENED)) continue;
    const short = `${SHORTENED}\n${clip(text, budget.shortChars).text}`;
    total -= text.length - short.length;
    message.content[index] =
      block.type === 'tool_result'
        ? { ...block, content: short }
        : { type: 'text', text: `${FENCED_OUTPUT_HEADER}${short}` };
    shortened++;
  }
  return shortened;
}

/** The text of an observation block (a tool result, or a fenced-protocol output message), else undefined. */
function observationText(block: Message['content'][number]): string | undefined {
  if (block.type === 'tool_result') return block.content;
  if (block.type === 'text' && block.text.startsWith(FENCED_OUTPUT_HEADER)) {
    return block.text.slice(FENCED_OUTPUT_HEADER.length);
  }
  return undefined;
}

function sizeOf(message: Message): number {
  let size = 0;
  for (const block of message.content) {
    if (block.type === 'text') size += block.text.length;
    else if (block.type === 'tool_result') size += block.content.length;
    else if (block.type === 'tool_use') size += JSON.stringify(block.input ?? '').length;
    else if (block.type === 'thinking') size += block.thinking.length;
  }
  return size;
}
