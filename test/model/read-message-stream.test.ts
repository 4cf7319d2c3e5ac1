import { describe, expect, it } from 'vitest';
import {
  IncompleteStreamError,
  readMessageStream,
  StreamProtocolError,
} from '../../src/model/read-message-stream.ts';

async function* events(...items: unknown[]): AsyncGenerator<unknown> {
  for (const item of items) yield item;
}

const start = (usage: Record<string, number | null> = { input_tokens: 10, output_tokens: 1 }) => ({
  type: 'message_start',
  message: { id: 'msg_1', model: 'claude-sonnet-4-6', usage },
});
const blockStart = (index: number, content_block: Record<string, unknown>) => ({
  type: 'content_block_start',
  index,
  content_block,
});
const delta = (index: number, d: Record<string, unknown>) => ({
  type: 'content_block_delta',
  index,
  delta: d,
});
const stop = (index: number) => ({ type: 'content_block_stop', index });
const end = (stop_reason: string, usage: Record<string, number | null> = { output_tokens: 7 }) => [
  { type: 'message_delta', delta: { stop_reason, stop_sequence: null }, usage },
  { type: 'message_stop' },
];

describe('readMessageStream', () => {
  it('folds text, tool_use and thinking blocks and reports text as it comes', async () => {
    const texts: string[] = [];
    const result = await readMessageStream(
      events(
        start({
          input_tokens: 10,
          output_tokens: 1,
          cache_creation_input_tokens: 5,
          cache_read_input_tokens: 50,
        }),
        blockStart(0, { type: 'thinking', thinking: '', signature: '' }),
        delta(0, { type: 'thinking_delta', thinking: 'let me ' }),
        delta(0, { type: 'thinking_delta', thinking: 'think' }),
        delta(0, { type: 'signature_delta', signature: 'sig' }),
        stop(0),
        blockStart(1, { type: 'text', text: '' }),
        delta(1, { type: 'text_delta', text: 'Run' }),
        delta(1, { type: 'text_delta', text: 'ning' }),
        stop(1),
        blockStart(2, { type: 'tool_use', id: 't1', name: 'run_code', input: {} }),
        delta(2, { type: 'input_json_delta', partial_json: '' }),
        delta(2, { type: 'input_json_delta', partial_json: '{"code":' }),
        delta(2, { type: 'input_json_delta', partial_json: '"return 1"}' }),
        stop(2),
        ...end('tool_use', { output_tokens: 42, input_tokens: null }),
      ),
      (text) => texts.push(text),
    );
    expect(texts).toEqual(['Run', 'ning']);
    expect(result).toEqual({
      content: [
        { type: 'thinking', thinking: 'let me think', signature: 'sig' },
        { type: 'text', text: 'Running' },
        { type: 'tool_use', id: 't1', name: 'run_code', input: { code: 'return 1' } },
      ],
      stopReason: 'tool_use',
      usage: { inputTokens: 10, outputTokens: 42, cacheWriteTokens: 5, cacheReadTokens: 50 },
      model: 'claude-sonnet-4-6',
      reported: { input: true, output: true },
    });
  });

  it('accepts a server that reports no usage and no model id, and says nothing was reported', async () => {
    const result = await readMessageStream(
      events(
        { type: 'message_start', message: { id: 'm1', role: 'assistant', content: [] } },
        blockStart(0, { type: 'text', text: '' }),
        delta(0, { type: 'text_delta', text: 'hi' }),
        stop(0),
        { type: 'message_delta', delta: { stop_reason: 'end_turn' } },
        { type: 'message_stop' },
      ),
      () => {},
    );
    expect(result).toMatchObject({
      content: [{ type: 'text', text: 'hi' }],
      model: '',
      usage: { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 },
      reported: { input: false, output: false },
    });
  });

  it('takes zero counts for placeholders, but a full cache hit (0 uncached input) as reported', async () => {
    const zeros = await readMessageStream(
      events(start({ input_tokens: 0, output_tokens: 0 }), ...end('end_turn', { output_tokens: 0 })),
      () => {},
    );
    expect(zeros.reported).toEqual({ input: false, output: false });
    const cached = await readMessageStream(
      events(start({ input_tokens: 0, output_tokens: 1, cache_read_input_tokens: 900 }), ...end('end_turn')),
      () => {},
    );
    expect(cached.reported).toEqual({ input: true, output: true });
  });

  it('counts the placeholder output of message_start as not reported', async () => {
    const result = await readMessageStream(
      events(start({ input_tokens: 12, output_tokens: 1 }), { type: 'message_stop' }),
      () => {},
    );
    expect(result.reported).toEqual({ input: true, output: false });
  });

  it('skips pings, unknown events, unknown blocks and their deltas', async () => {
    const result = await readMessageStream(
      events(
        start(),
        { type: 'ping' },
        { type: 'some_future_event', data: 1 },
        blockStart(0, { type: 'server_tool_use', id: 's1', name: 'web_search', input: {} }),
        delta(0, { type: 'input_json_delta', partial_json: '{}' }),
        stop(0),
        blockStart(1, { type: 'text', text: 'ok' }),
        delta(1, { type: 'citations_delta', citation: {} }),
        stop(1),
        ...end('end_turn'),
      ),
      () => {},
    );
    expect(result.content).toEqual([{ type: 'text', text: 'ok' }]);
  });

  it('keeps tool input that is not a JSON object as raw text, and empty input as {}', async () => {
    const result = await readMessageStream(
      events(
        start(),
        blockStart(0, { type: 'tool_use', id: 't1', name: 'run_code', input: {} }),
        delta(0, { type: 'input_json_delta', partial_json: '{"code": "return 1 +' }),
        stop(0),
        blockStart(1, { type: 'tool_use', id: 't2', name: 'run_code', input: {} }),
        stop(1),
        blockStart(2, { type: 'tool_use', id: 't3', name: 'run_code', input: {} }),
        delta(2, { type: 'input_json_delta', partial_json: '[1, 2]' }),
        stop(2),
        ...end('max_tokens'),
      ),
      () => {},
    );
    expect(result.stopReason).toBe('max_tokens');
    expect(result.content.map((block) => (block.type === 'tool_use' ? block.input : undefined))).toEqual([
      '{"code": "return 1 +',
      {},
      '[1, 2]',
    ]);
  });

  it('maps stop reasons it does not know to other', async () => {
    const result = await readMessageStream(
      events(start(), ...end('model_context_window_exceeded')),
      () => {},
    );
    expect(result.stopReason).toBe('other');
  });

  it('throws IncompleteStreamError when the stream ends before message_stop', async () => {
    await expect(
      readMessageStream(events(start(), blockStart(0, { type: 'text', text: 'hi' })), () => {}),
    ).rejects.toThrow(new IncompleteStreamError('the stream ended before message_stop'));
    await expect(readMessageStream(events(), () => {})).rejects.toThrow(IncompleteStreamError);
  });

  it.each([
    ['a negative token count', [start({ input_tokens: -1 })], /malformed event: message.usage.input_tokens/],
    [
      'a block without an index',
      [start(), { type: 'content_block_start', content_block: { type: 'text', text: '' } }],
      /malformed event: index/,
    ],
    [
      'a tool_use block without an id',
      [start(), blockStart(0, { type: 'tool_use', name: 'run_code', input: {} })],
      /malformed tool_use block/,
    ],
    ['message_stop first', [{ type: 'message_stop' }], /message_stop before message_start/],
  ])('rejects %s with a StreamProtocolError', async (_name, items, message) => {
    const error = await readMessageStream(events(...items), () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamProtocolError);
    expect(String(error)).toMatch(message);
  });
});
