/**
 * The request checks of the fake Messages API: the ones the real API makes that a client can get
 * wrong, answered with the same 400 `invalid_request_error` messages, so tests catch them.
 */
import { z } from 'zod';
import { readImageHeader } from './image-size.ts';

const CacheControl = z.looseObject({ type: z.literal('ephemeral') }).nullish();

const Block = z.looseObject({ type: z.string(), cache_control: CacheControl });

const TextBlock = z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: CacheControl });

export const MessagesBodySchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(0),
  stream: z.boolean().optional(),
  system: z.union([z.string(), z.array(TextBlock)]).optional(),
  messages: z.array(
    z.looseObject({ role: z.enum(['user', 'assistant']), content: z.union([z.string(), z.array(Block)]) }),
  ),
  tools: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        description: z.string().optional(),
        input_schema: z.looseObject({ type: z.literal('object') }),
        cache_control: CacheControl,
      }),
    )
    .optional(),
});

/** A Messages API request body as the fake parsed it. */
export type MessagesBody = z.infer<typeof MessagesBodySchema>;

export type BlockParam = z.infer<typeof Block>;

/** Parse and check a request body: the body, or the API's error message for it. */
export function validateBody(raw: string): { ok: true; body: MessagesBody } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, message: 'There was an issue with your request body: invalid JSON' };
  }
  const parsed = MessagesBodySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` };
  }
  const body = parsed.data;
  const problem = checkBody(body);
  return problem ? { ok: false, message: problem } : { ok: true, body };
}

function checkBody(body: MessagesBody): string | undefined {
  if (body.messages.length === 0) return 'messages: at least one message is required';
  const blocks = (content: string | BlockParam[]) => (typeof content === 'string' ? [] : content);

  let breakpoints = 0;
  if (Array.isArray(body.system)) breakpoints += body.system.filter((block) => block.cache_control).length;
  breakpoints += (body.tools ?? []).filter((tool) => tool.cache_control).length;
  for (const message of body.messages)
    breakpoints += blocks(message.content).filter((b) => b.cache_control).length;
  if (breakpoints > 4)
    return `A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}.`;
  const toolBlocks = body.messages.some((message) =>
    blocks(message.content).some((b) => b.type === 'tool_use' || b.type === 'tool_result'),
  );
  if (toolBlocks && !(body.tools ?? []).length) {
    return 'Requests which include `tool_use` or `tool_result` blocks must define tools.';
  }

  for (const [index, message] of body.messages.entries()) {
    const content = blocks(message.content);
    if (typeof message.content !== 'string' && content.length === 0) {
      return `messages.${index}: all messages must have non-empty content except for the optional final assistant message`;
    }
    for (const [at, block] of content.entries()) {
      if (block.type === 'text' && (typeof block.text !== 'string' || block.text === '')) {
        return `messages.${index}.content.${at}: text content blocks must be non-empty`;
      }
      if (block.type === 'image') {
        if (message.role !== 'user')
          return `messages.${index}.content.${at}: images are only allowed in user messages`;
        const problem = checkImage(block);
        if (problem) return `messages.${index}.content.${at}.image.source.base64${problem}`;
      }
    }
    const toolUseIds = content.filter((b) => b.type === 'tool_use').map((b) => String(b.id));
    const previous = body.messages[index - 1];
    const previousIds =
      previous?.role === 'assistant'
        ? blocks(previous.content)
            .filter((b) => b.type === 'tool_use')
            .map((b) => String(b.id))
        : [];
    if (message.role === 'user') {
      for (const [at, block] of content.entries()) {
        if (block.type === 'tool_result' && !previousIds.includes(String(block.tool_use_id))) {
          return `messages.${index}.content.${at}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
      }
    }
    if (message.role === 'assistant' && toolUseIds.length > 0) {
      const next = body.messages[index + 1];
      const answered = next
        ? blocks(next.content)
            .filter((b) => b.type === 'tool_result')
            .map((b) => String(b.tool_use_id))
        : [];
      const missing = toolUseIds.filter((id) => !answered.includes(id));
      if (next && missing.length > 0) {
        return `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
    }
  }
  return undefined;
}

/** The API's limits on one image block: https://docs.claude.com/en/docs/build-with-claude/vision */
export const IMAGE_API_LIMITS = { maxBase64Bytes: 5 * 1024 * 1024, maxSide: 8000 } as const;

const ImageSource = z.object({
  type: z.literal('base64'),
  media_type: z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
  data: z.string().min(1),
});

function checkImage(block: BlockParam): string | undefined {
  const source = ImageSource.safeParse(block.source);
  if (!source.success)
    return `: ${source.error.issues[0]?.path.join('.') ?? ''} ${source.error.issues[0]?.message}`;
  const { media_type: mediaType, data } = source.data;
  if (data.length > IMAGE_API_LIMITS.maxBase64Bytes) {
    return `: image exceeds 5 MB maximum: ${data.length} bytes > ${IMAGE_API_LIMITS.maxBase64Bytes} bytes`;
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) return '.data: invalid base64 data';
  const header = readImageHeader(Buffer.from(data, 'base64'));
  if (!header) return '.data: Could not process image';
  if (header.mediaType !== mediaType) {
    return `: Image does not match the provided media type ${mediaType}`;
  }
  if (header.width > IMAGE_API_LIMITS.maxSide || header.height > IMAGE_API_LIMITS.maxSide) {
    return `.data: At least one of the image dimensions exceed max allowed size: ${IMAGE_API_LIMITS.maxSide} pixels`;
  }
  return undefined;
}
