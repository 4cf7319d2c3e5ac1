/**
 * Folds the Messages API's streamed events into one response. Every event is untrusted input
 * (a gateway or proxy may sit in between), so each is checked with zod before use; event and
 * block types this client does not use are skipped, as the API's versioning policy asks.
 * Anthropic-compatible servers (Ollama, llama.cpp, vLLM, LiteLLM) may leave out `usage` or some of
 * its fields, or the model id: what was reported is said, so the caller can estimate the rest.
 */
import { z } from 'zod';
import { emptyUsage } from './pricing.ts';
import type { ContentBlock, ModelResponse, Usage } from './types.ts';

const Index = z.number().int().min(0);
const Count = z.number().int().min(0).nullish();

const UsageSchema = z.looseObject({
  input_tokens: Count,
  output_tokens: Count,
  cache_creation_input_tokens: Count,
  cache_read_input_tokens: Count,
});

const EventSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('message_start'),
    message: z.looseObject({ model: z.string().nullish(), usage: UsageSchema.nullish() }),
  }),
  z.looseObject({
    type: z.literal('content_block_start'),
    index: Index,
    content_block: z.looseObject({ type: z.string() }),
  }),
  z.looseObject({
    type: z.literal('content_block_delta'),
    index: Index,
    delta: z.looseObject({ type: z.string() }),
  }),
  z.looseObject({ type: z.literal('content_block_stop'), index: Index }),
  z.looseObject({
    type: z.literal('message_delta'),
    delta: z.looseObject({ stop_reason: z.string().nullish() }),
    usage: UsageSchema.nullish(),
  }),
  z.looseObject({ type: z.literal('message_stop') }),
]);

const KNOWN_EVENTS = new Set([
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
]);

const BlockStart = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  z.looseObject({ type: z.literal('tool_use'), id: z.string().min(1), name: z.string().min(1) }),
  z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() }),
  z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() }),
]);

const Delta = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text_delta'), text: z.string() }),
  z.looseObject({ type: z.literal('input_json_delta'), partial_json: z.string() }),
  z.looseObject({ type: z.literal('thinking_delta'), thinking: z.string() }),
  z.looseObject({ type: z.literal('signature_delta'), signature: z.string() }),
]);

const ToolInput = z.record(z.string(), z.unknown());

/** A streamed event that broke the protocol (bad shape, unknown block index). Not retried. */
export class StreamProtocolError extends Error {
  override name = 'StreamProtocolError';
}

/** The stream ended (cleanly, at the transport level) before `message_stop`. Retried. */
export class IncompleteStreamError extends Error {
  override name = 'IncompleteStreamError';
}

type Draft =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; json: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string };

/** The folded response, and which usage counts the server reported (any event, any value). */
export type StreamResult = Omit<ModelResponse, 'costUsd'> & { reported: { input: boolean; output: boolean } };

/**
 * Read a stream of raw Messages API events to its `message_stop`. Text deltas go to `onText` as
 * they arrive. Throws IncompleteStreamError when the stream ends early.
 */
export async function readMessageStream(
  events: AsyncIterable<unknown>,
  onText: (text: string) => void,
): Promise<StreamResult> {
  const drafts: Array<Draft | undefined> = [];
  const usage = emptyUsage();
  const reported = { input: false, output: false };
  let model = '';
  let stopReason: string | null | undefined;
  let started = false;

  for await (const raw of events) {
    const type = typeof raw === 'object' && raw !== null && 'type' in raw ? raw.type : undefined;
    if (typeof type !== 'string' || !KNOWN_EVENTS.has(type)) continue;
    const event = parse(EventSchema, raw, 'event');
    switch (event.type) {
      case 'message_start':
        started = true;
        model = event.message.model ?? '';
        if (event.message.usage) mergeUsage(usage, event.message.usage, reported, 'start');
        break;
      case 'content_block_start':
        startBlock(drafts, event, onText);
        break;
      case 'content_block_delta':
        applyDelta(drafts, event, onText);
        break;
      case 'content_block_stop':
        break;
      case 'message_delta':
        stopReason = event.delta.stop_reason;
        if (event.usage) mergeUsage(usage, event.usage, reported, 'delta');
        break;
      case 'message_stop':
        if (!started) throw new StreamProtocolError('message_stop before message_start');
        return {
          content: drafts.flatMap((draft) => (draft ? finish(draft) : [])),
          stopReason: toStopReason(stopReason),
          usage,
          model,
          reported,
        };
    }
  }
  throw new IncompleteStreamError(
    started ? 'the stream ended before message_stop' : 'the stream ended with no message',
  );
}

type StreamEvent = z.infer<typeof EventSchema>;

/** A new content block: a draft of ours, or skipped (server tools, newer kinds); a bad one of ours throws. */
function startBlock(
  drafts: Array<Draft | undefined>,
  event: Extract<StreamEvent, { type: 'content_block_start' }>,
  onText: (text: string) => void,
): void {
  const block = BlockStart.safeParse(event.content_block);
  // Blocks of server tools and newer block kinds are not ours to keep.
  if (!block.success) {
    if (['text', 'tool_use', 'thinking', 'redacted_thinking'].includes(event.content_block.type)) {
      throw new StreamProtocolError(
        `malformed ${event.content_block.type} block: ${block.error.issues[0]?.message}`,
      );
    }
    return;
  }
  const b = block.data;
  drafts[event.index] =
    b.type === 'text'
      ? { type: 'text', text: b.text }
      : b.type === 'tool_use'
        ? { type: 'tool_use', id: b.id, name: b.name, json: '' }
        : b.type === 'thinking'
          ? { type: 'thinking', thinking: b.thinking, signature: b.signature ?? '' }
          : { type: 'redacted_thinking', data: b.data };
  if (b.type === 'text' && b.text) onText(b.text);
}

/** A delta added to its block's draft (one of another kind, or of no known block, is skipped). */
function applyDelta(
  drafts: Array<Draft | undefined>,
  event: Extract<StreamEvent, { type: 'content_block_delta' }>,
  onText: (text: string) => void,
): void {
  const draft = drafts[event.index];
  const delta = Delta.safeParse(event.delta);
  if (!draft || !delta.success) return;
  const d = delta.data;
  if (d.type === 'text_delta' && draft.type === 'text') {
    draft.text += d.text;
    if (d.text) onText(d.text);
  } else if (d.type === 'input_json_delta' && draft.type === 'tool_use') {
    draft.json += d.partial_json;
  } else if (d.type === 'thinking_delta' && draft.type === 'thinking') {
    draft.thinking += d.thinking;
  } else if (d.type === 'signature_delta' && draft.type === 'thinking') {
    draft.signature += d.signature;
  }
}

function finish(draft: Draft): ContentBlock[] {
  switch (draft.type) {
    case 'text':
      return draft.text ? [draft] : [];
    case 'tool_use':
      return [{ type: 'tool_use', id: draft.id, name: draft.name, input: parseToolInput(draft.json) }];
    case 'thinking':
    case 'redacted_thinking':
      return [draft];
  }
}

/** The input object, or the raw text when it is not a JSON object (invalid, or cut off by max_tokens). */
function parseToolInput(json: string): unknown {
  if (json.trim() === '') return {};
  try {
    const parsed = ToolInput.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : json;
  } catch {
    return json;
  }
}

/**
 * Merge one event's usage. A count is reported when it is above 0: every request has some input
 * (uncached, or read from or written to the cache) and every reply some output, so a 0 is a server's
 * placeholder. message_start's output count is always a placeholder; the real one is in message_delta.
 */
function mergeUsage(
  usage: Usage,
  raw: z.infer<typeof UsageSchema>,
  reported: StreamResult['reported'],
  from: 'start' | 'delta',
): void {
  if (raw.input_tokens != null) usage.inputTokens = raw.input_tokens;
  if (raw.output_tokens != null) {
    usage.outputTokens = raw.output_tokens;
    if (from === 'delta' && raw.output_tokens > 0) reported.output = true;
  }
  if (raw.cache_creation_input_tokens != null) usage.cacheWriteTokens = raw.cache_creation_input_tokens;
  if (raw.cache_read_input_tokens != null) usage.cacheReadTokens = raw.cache_read_input_tokens;
  if (usage.inputTokens + usage.cacheWriteTokens + usage.cacheReadTokens > 0) reported.input = true;
}

const STOP_REASONS = [
  'end_turn',
  'tool_use',
  'max_tokens',
  'stop_sequence',
  'refusal',
  'pause_turn',
] as const;

function toStopReason(value: string | null | undefined): ModelResponse['stopReason'] {
  return STOP_REASONS.find((reason) => reason === value) ?? 'other';
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new StreamProtocolError(
      `malformed ${what}: ${issue?.path.join('.') || 'value'}: ${issue?.message}`,
    );
  }
  return result.data;
}
