/**
 * The transcript as a fenced-actions model is sent it. A session may have started on a model with
 * tool use (a thread switched to a local model): its tool_use and tool_result blocks would need
 * tool definitions the fenced protocol does not send, so they are rewritten as the protocol's own
 * text, a ```js block and an "[Output of your code]" message. The saved transcript is not changed.
 */
import type { ContentBlock, Message } from '../model/types.ts';
import { FENCED_OUTPUT_HEADER } from './observation.ts';
import { fenceFor } from './system-prompt.ts';

/** A copy of `messages` with no tool blocks (and no thinking, which belongs to the model that wrote it). */
export function toFencedMessages(messages: readonly Message[]): Message[] {
  if (!messages.some((message) => message.content.some(isToolOrThinking))) return [...messages];
  return messages.map((message) => {
    if (!message.content.some(isToolOrThinking)) return message;
    const content = message.content.flatMap((block): ContentBlock[] => {
      switch (block.type) {
        case 'tool_use': {
          const code =
            typeof block.input === 'object' && block.input !== null && 'code' in block.input
              ? String(block.input.code)
              : JSON.stringify(block.input);
          const fence = fenceFor(code);
          return [{ type: 'text', text: `${fence}js\n${code}\n${fence}` }];
        }
        case 'tool_result':
          return [{ type: 'text', text: `${FENCED_OUTPUT_HEADER}\n${block.content}` }];
        case 'thinking':
        case 'redacted_thinking':
          return [];
        default:
          return [block];
      }
    });
    return {
      role: message.role,
      content: content.length > 0 ? content : [{ type: 'text', text: '(empty)' }],
    };
  });
}

function isToolOrThinking(block: ContentBlock): boolean {
  return (
    block.type === 'tool_use' ||
    block.type === 'tool_result' ||
    block.type === 'thinking' ||
    block.type === 'redacted_thinking'
  );
}
