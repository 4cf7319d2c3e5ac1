import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { toAnthropicParams } from '../../src/model/to-anthropic-params.ts';
import type { Message, ModelRequest } from '../../src/model/types.ts';
import { RUN_CODE, request, user } from './harness.ts';

const defaults = { model: 'claude-sonnet-4-6', maxTokens: 4096 };

/** A CodeAct conversation of `steps` code runs. */
function conversation(steps: number): Message[] {
  const messages: Message[] = [user('Sum the numbers in data.csv')];
  for (let i = 0; i < steps; i++) {
    messages.push({
      role: 'assistant',
      content: [{ type: 'tool_use', id: `t${i}`, name: 'run_code', input: { code: `${i}` } }],
    });
    messages.push({
      role: 'user',
      content: [{ type: 'tool_result', toolUseId: `t${i}`, content: `out ${i}` }],
    });
  }
  return messages;
}

/** Every place with cache_control, as paths. */
function breakpoints(params: ReturnType<typeof toAnthropicParams>): string[] {
  const found: string[] = [];
  for (const [i, block] of (Array.isArray(params.system) ? params.system : []).entries()) {
    if (block.cache_control) found.push(`system.${i}`);
  }
  for (const [i, tool] of (params.tools ?? []).entries())
    if ('cache_control' in tool && tool.cache_control) found.push(`tools.${i}`);
  for (const [m, message] of params.messages.entries()) {
    if (typeof message.content === 'string') continue;
    for (const [b, block] of message.content.entries()) {
      if ('cache_control' in block && block.cache_control) found.push(`messages.${m}.${b}`);
    }
  }
  return found;
}

describe('toAnthropicParams', () => {
  it('caches the stable system text, the last tool and the last two user turns, and never more than 4', () => {
    const second = { ...RUN_CODE, name: 'other' };
    const params = toAnthropicParams(
      request({ systemDynamic: 'Skills: sum_csv', messages: conversation(3), tools: [RUN_CODE, second] }),
      defaults,
    );
    expect(params.system).toEqual([
      { type: 'text', text: 'You are Toolsmith.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Skills: sum_csv' },
    ]);
    expect(breakpoints(params)).toEqual(['system.0', 'tools.1', 'messages.4.0', 'messages.6.0']);
    for (let steps = 0; steps < 6; steps++) {
      expect(
        breakpoints(toAnthropicParams(request({ messages: conversation(steps) }), defaults)).length,
      ).toBeLessThanOrEqual(4);
    }
  });

  it('puts the breakpoint on the last block of a user message with several blocks', () => {
    const messages: Message[] = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
    ];
    expect(breakpoints(toAnthropicParams(request({ messages }), defaults))).toEqual([
      'system.0',
      'tools.0',
      'messages.0.1',
    ]);
  });

  it('maps every block kind to the API shape', () => {
    const messages: Message[] = [
      user('go'),
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'plan', signature: 'sig' },
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'text', text: 'Running it.' },
          { type: 'tool_use', id: 't1', name: 'run_code', input: { code: 'return 1' } },
          { type: 'tool_use', id: 't2', name: 'run_code', input: '{"code": "cut off' },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', toolUseId: 't1', content: '1' },
          { type: 'tool_result', toolUseId: 't2', content: 'invalid input', isError: true },
        ],
      },
    ];
    const params = toAnthropicParams(request({ messages }), defaults);
    expect(params.messages[1]?.content).toEqual([
      { type: 'thinking', thinking: 'plan', signature: 'sig' },
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'text', text: 'Running it.' },
      { type: 'tool_use', id: 't1', name: 'run_code', input: { code: 'return 1' } },
      { type: 'tool_use', id: 't2', name: 'run_code', input: {} },
    ]);
    expect(params.messages[2]?.content).toEqual([
      { type: 'tool_result', tool_use_id: 't1', content: '1' },
      {
        type: 'tool_result',
        tool_use_id: 't2',
        content: 'invalid input',
        is_error: true,
        cache_control: { type: 'ephemeral' },
      },
    ]);
    expect(params.tools).toEqual([
      {
        name: 'run_code',
        description: RUN_CODE.description,
        input_schema: RUN_CODE.inputSchema,
        cache_control: { type: 'ephemeral' },
      },
    ]);
  });

  it('sends the defaults, or the per-request model and max tokens, always streaming', () => {
    expect(toAnthropicParams(request(), defaults)).toMatchObject({
      model: 'claude-sonnet-4-6',
      max_tokens: 4096,
      stream: true,
    });
    expect(toAnthropicParams(request({ model: 'claude-haiku-4-5', maxTokens: 100 }), defaults)).toMatchObject(
      {
        model: 'claude-haiku-4-5',
        max_tokens: 100,
      },
    );
  });

  it('leaves out an empty system, a missing dynamic part, empty text blocks and an empty tool list', () => {
    const params = toAnthropicParams(
      request({
        system: '  ',
        tools: [],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: '' },
              { type: 'text', text: 'hi' },
            ],
          },
        ],
      }),
      defaults,
    );
    expect(params).not.toHaveProperty('system');
    expect(params).not.toHaveProperty('tools');
    expect(params.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] },
    ]);
  });

  it('never changes the request it was given (the agent keeps reusing the conversation)', () => {
    const req = request({ systemDynamic: 'dyn', messages: conversation(2) });
    const before = structuredClone(req);
    toAnthropicParams(req, defaults);
    toAnthropicParams(req, defaults);
    expect(req).toEqual(before);
  });

  it.each<[string, Partial<ModelRequest>, RegExp]>([
    ['no messages', { messages: [] }, /model request has no messages/],
    [
      'an assistant message first',
      { messages: [{ role: 'assistant', content: [{ type: 'text', text: 'hi' }] }] },
      /must start with a user message/,
    ],
    [
      'a message with only empty text',
      { messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] },
      /message 0 \(user\) has no content/,
    ],
    ['maxTokens 0', { maxTokens: 0 }, /maxTokens must be a whole number >= 1 \(got 0\)/],
    [
      'a tool schema that is not an object',
      { tools: [{ ...RUN_CODE, inputSchema: { type: 'string' } }] },
      /tool "run_code": inputSchema.type must be "object" \(got "string"\)/,
    ],
  ])('rejects %s with a UsageError and leaves the request as it was', (_name, overrides, message) => {
    const req = request(overrides);
    const before = structuredClone(req);
    expect(() => toAnthropicParams(req, defaults)).toThrow(UsageError);
    expect(() => toAnthropicParams(req, defaults)).toThrow(message);
    expect(req).toEqual(before);
  });
});
