/**
 * Our SDK-free request -> the Messages API body, with prompt-caching breakpoints placed so that
 * each step of a task reads the prefix the previous step wrote:
 *   1. the last tool definition (tools come first in the cached prefix),
 *   2. the stable system text (`systemDynamic` follows it uncached),
 *   3. the last block of the last user message (the whole conversation so far),
 *   4. the last block of the user message before it, so the prefix cached by the previous call is
 *      found even when the new turn added more blocks than the API looks back over (20).
 * The API allows at most 4 breakpoints; this never places more.
 */
import type {
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
  TextBlockParam,
  Tool,
} from '@anthropic-ai/sdk/resources/messages';
import { UsageError } from '../errors.ts';
import type { ContentBlock, Message, ModelRequest } from './types.ts';

const EPHEMERAL = { type: 'ephemeral' } as const;

export interface ParamsDefaults {
  model: string;
  maxTokens: number;
}

/** Map a request to the streaming Messages API body. Throws UsageError on a request the API would reject. */
export function toAnthropicParams(
  request: ModelRequest,
  defaults: ParamsDefaults,
): MessageCreateParamsStreaming {
  if (request.messages.length === 0) {
    throw new UsageError('model request has no messages', { fix: 'Send at least one user message' });
  }
  if (request.messages[0]?.role !== 'user') {
    throw new UsageError('model request must start with a user message');
  }
  const maxTokens = request.maxTokens ?? defaults.maxTokens;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new UsageError(`maxTokens must be a whole number >= 1 (got ${maxTokens})`);
  }

  const system: TextBlockParam[] = [];
  if (request.system.trim()) system.push({ type: 'text', text: request.system, cache_control: EPHEMERAL });
  if (request.systemDynamic?.trim()) system.push({ type: 'text', text: request.systemDynamic });

  const tools = request.tools.map((tool, index): Tool => {
    const schemaType = tool.inputSchema.type;
    if (schemaType !== undefined && schemaType !== 'object') {
      throw new UsageError(
        `tool "${tool.name}": inputSchema.type must be "object" (got ${JSON.stringify(schemaType)})`,
      );
    }
    return {
      name: tool.name,
      description: tool.description,
      input_schema: { ...tool.inputSchema, type: 'object' },
      ...(index === request.tools.length - 1 ? { cache_control: EPHEMERAL } : {}),
    };
  });

  const messages = request.messages.map(toMessageParam);
  const userIndexes = messages.flatMap((message, index) => (message.role === 'user' ? [index] : []));
  for (const index of userIndexes.slice(-2)) markLastBlock(messages[index]);

  return {
    model: request.model ?? defaults.model,
    max_tokens: maxTokens,
    stream: true,
    messages,
    ...(system.length > 0 ? { system } : {}),
    ...(tools.length > 0 ? { tools } : {}),
  };
}

function toMessageParam(message: Message, index: number): MessageParam {
  const content = message.content.flatMap(toBlockParam);
  if (content.length === 0) {
    throw new UsageError(`message ${index} (${message.role}) has no content`, {
      fix: 'Every message needs at least one non-empty block',
    });
  }
  return message.role === 'user' ? { role: 'user', content } : { role: 'assistant', content };
}

function toBlockParam(block: ContentBlock): ContentBlockParam[] {
  switch (block.type) {
    case 'text':
      // The API rejects empty text blocks.
      return block.text ? [{ type: 'text', text: block.text }] : [];
    case 'tool_use':
      return [
        { type: 'tool_use', id: block.id, name: block.name, input: isObject(block.input) ? block.input : {} },
      ];
    case 'tool_result':
      return [
        {
          type: 'tool_result',
          tool_use_id: block.toolUseId,
          content: block.content,
          ...(block.isError ? { is_error: true } : {}),
        },
      ];
    case 'thinking':
      return [{ type: 'thinking', thinking: block.thinking, signature: block.signature }];
    case 'redacted_thinking':
      return [{ type: 'redacted_thinking', data: block.data }];
    case 'image':
      if (!block.data) {
        throw new UsageError(`image "${block.path}" has no data`, {
          fix: 'Prepare the images of a loaded transcript (hydrateImages) before sending it',
        });
      }
      return [{ type: 'image', source: { type: 'base64', media_type: block.mediaType, data: block.data } }];
  }
}

function markLastBlock(message: MessageParam | undefined): void {
  if (!message || typeof message.content === 'string') return;
  const last = message.content[message.content.length - 1];
  if (last && (last.type === 'text' || last.type === 'tool_result' || last.type === 'image')) {
    last.cache_control = EPHEMERAL;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
