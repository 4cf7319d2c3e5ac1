/**
 * The Messages API wire format of a scripted reply: the SSE event sequence of a streamed
 * response (message_start, content_block_start / ping / deltas / stop per block, message_delta,
 * message_stop) and the JSON body of a plain one, with the real field names so the SDK parses it.
 */
import type { FakeBlock, FakeUsage, MessageReply } from './replies.ts';

export interface WireEvent {
  event: string;
  data: Record<string, unknown>;
}

export interface ReplyIds {
  messageId: string;
  toolId: (index: number) => string;
}

/** One SSE frame: `event: <name>\ndata: <json>\n\n`. */
export function frame(event: WireEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** message_start: the message shell with the input-side usage. */
export function messageStart(reply: MessageReply, model: string, usage: FakeUsage, ids: ReplyIds): WireEvent {
  return {
    event: 'message_start',
    data: {
      type: 'message_start',
      message: {
        id: ids.messageId,
        type: 'message',
        role: 'assistant',
        ...(reply.omitModel ? {} : { model: reply.model ?? model }),
        content: [],
        stop_reason: null,
        stop_sequence: null,
        ...(reply.usageReport === 'none' || reply.usageReport === 'output-only'
          ? {}
          : { usage: { ...usage, output_tokens: Math.min(usage.output_tokens, 1) } }),
      },
    },
  };
}

/** The events of each block, in order, with a ping after the first block starts (as the API does). */
export function blockEvents(blocks: FakeBlock[], chunkSize: number, ids: ReplyIds): WireEvent[] {
  const events: WireEvent[] = [];
  blocks.forEach((block, index) => {
    const delta = (d: Record<string, unknown>): WireEvent => ({
      event: 'content_block_delta',
      data: { type: 'content_block_delta', index, delta: d },
    });
    const start = (contentBlock: Record<string, unknown>): WireEvent => ({
      event: 'content_block_start',
      data: { type: 'content_block_start', index, content_block: contentBlock },
    });
    switch (block.type) {
      case 'text':
        events.push(start({ type: 'text', text: '' }));
        for (const piece of chunks(block.text, chunkSize))
          events.push(delta({ type: 'text_delta', text: piece }));
        break;
      case 'tool_use':
        events.push(
          start({ type: 'tool_use', id: block.id ?? ids.toolId(index), name: block.name, input: {} }),
        );
        events.push(delta({ type: 'input_json_delta', partial_json: '' }));
        for (const piece of chunks(block.rawJson ?? JSON.stringify(block.input), chunkSize)) {
          events.push(delta({ type: 'input_json_delta', partial_json: piece }));
        }
        break;
      case 'thinking':
        events.push(start({ type: 'thinking', thinking: '', signature: '' }));
        for (const piece of chunks(block.thinking, chunkSize))
          events.push(delta({ type: 'thinking_delta', thinking: piece }));
        events.push(delta({ type: 'signature_delta', signature: block.signature }));
        break;
      case 'redacted_thinking':
        events.push(start({ type: 'redacted_thinking', data: block.data }));
        break;
    }
    if (index === 0) events.push({ event: 'ping', data: { type: 'ping' } });
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  return events;
}

/** message_delta (stop reason, cumulative usage) and message_stop. */
export function messageEnd(reply: MessageReply, usage: FakeUsage): WireEvent[] {
  return [
    {
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: { stop_reason: reply.stopReason ?? 'end_turn', stop_sequence: null },
        ...(reply.usageReport === 'none' || reply.usageReport === 'input-only'
          ? {}
          : { usage: reply.usageReport === 'output-only' ? { output_tokens: usage.output_tokens } : usage }),
      },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ];
}

/** The body of a non-streamed reply. */
export function messageJson(
  reply: MessageReply,
  model: string,
  usage: FakeUsage,
  ids: ReplyIds,
): Record<string, unknown> {
  return {
    id: ids.messageId,
    type: 'message',
    role: 'assistant',
    model: reply.model ?? model,
    content: reply.content.map((block, index) => {
      switch (block.type) {
        case 'text':
          return { type: 'text', text: block.text, citations: null };
        case 'tool_use':
          return {
            type: 'tool_use',
            id: block.id ?? ids.toolId(index),
            name: block.name,
            input: block.input,
          };
        default:
          return block;
      }
    }),
    stop_reason: reply.stopReason ?? 'end_turn',
    stop_sequence: null,
    usage,
  };
}

/** The API's error body. */
export function errorJson(errorType: string, message: string): Record<string, unknown> {
  return { type: 'error', error: { type: errorType, message } };
}

function chunks(text: string, size: number): string[] {
  if (text === '') return [];
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
