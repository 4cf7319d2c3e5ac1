/** The fake Messages API, checked with the real SDK (its own stream accumulator) and raw fetch. */
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeAnthropic, type FakeAnthropic } from '../fake-anthropic.ts';

const KEY = 'sk-ant-fake-test-key-0001';
let fake: FakeAnthropic;
afterEach(async () => {
  await fake?.close();
});

const client = () => new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 0, logLevel: 'off' });
const TOOLS = [{ name: 'run_code', description: 'Run JavaScript', input_schema: { type: 'object' } }];

const body = (extra: Record<string, unknown> = {}) => ({
  model: 'claude-sonnet-4-6',
  max_tokens: 100,
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

async function post(payload: unknown, headers: Record<string, string> = { 'x-api-key': KEY }) {
  const response = await fetch(`${fake.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('createFakeAnthropic', () => {
  it('streams a reply the SDK’s own MessageStream accumulates exactly', async () => {
    fake = await createFakeAnthropic({ apiKey: KEY, usage: { input_tokens: 7, cache_read_input_tokens: 3 } });
    fake.reply(
      fake.message(
        [
          { type: 'thinking', thinking: 'think', signature: 'sig' },
          { type: 'text', text: 'Running code.' },
          { type: 'tool_use', name: 'run_code', input: { code: 'return "a\\nb"' } },
        ],
        { chunkSize: 2 },
      ),
    );
    const stream = client().messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const message = await stream.finalMessage();
    expect(message.content).toMatchObject([
      { type: 'thinking', thinking: 'think', signature: 'sig' },
      { type: 'text', text: 'Running code.' },
      { type: 'tool_use', id: 'toolu_fake_1_2', name: 'run_code', input: { code: 'return "a\\nb"' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({
      input_tokens: 7,
      output_tokens: 20,
      cache_read_input_tokens: 3,
      cache_creation_input_tokens: 0,
    });
  });

  it('sends the real event sequence, with a ping after the first block starts', async () => {
    fake = await createFakeAnthropic({ apiKey: KEY });
    fake.reply(fake.code('return 1', { text: 'Hi', chunkSize: 100 }));
    const response = await post(body({ stream: true }));
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = [...response.text.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    expect(events).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'ping',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('serves plain JSON when the request does not stream', async () => {
    fake = await createFakeAnthropic({ apiKey: KEY });
    fake.reply(fake.text('plain'));
    const message = await client().messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'plain', citations: null }]);
    expect(message.model).toBe('claude-sonnet-4-6');
  });

  it('sends HTTP errors in the API’s shape with the retry headers asked for', async () => {
    fake = await createFakeAnthropic({ apiKey: KEY });
    fake.reply(fake.rateLimited(3, { retryAfterMs: 2500 }));
    const response = await post(body());
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(response.headers.get('retry-after-ms')).toBe('2500');
    expect(JSON.parse(response.text)).toEqual({
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: 'Number of request tokens has exceeded your per-minute rate limit',
      },
    });
  });

  it('records each request’s body and headers, and answers from a responder once the queue is empty', async () => {
    fake = await createFakeAnthropic({ apiKey: KEY });
    fake.reply(fake.text('from the queue'));
    fake.replyWith((request) => {
      const last = request.body.messages.at(-1)?.content;
      const result = Array.isArray(last) ? last.find((block) => block.type === 'tool_result') : undefined;
      return fake.text(`saw ${String(result?.content)}`);
    });
    const first = await post(body());
    const second = await post(
      body({
        tools: TOOLS,
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 't1', name: 'run_code', input: { code: '1' } }],
          },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '42' }] },
        ],
      }),
    );
    expect(JSON.parse(first.text).content[0].text).toBe('from the queue');
    expect(JSON.parse(second.text).content[0].text).toBe('saw 42');
    expect(
      fake.requests.map((r) => [r.index, r.method, r.path, r.apiKey, r.headers['content-type']]),
    ).toEqual([
      [0, 'POST', '/v1/messages', KEY, 'application/json'],
      [1, 'POST', '/v1/messages', KEY, 'application/json'],
    ]);
    expect(fake.requests[1]?.body?.messages).toHaveLength(3);
  });

  it('fails loudly, without inviting a retry, when no reply is scripted', async () => {
    fake = await createFakeAnthropic();
    const response = await post(body());
    expect(response.status).toBe(500);
    expect(response.headers.get('x-should-retry')).toBe('false');
    expect(JSON.parse(response.text).error.message).toMatch(
      /^fake-anthropic has no scripted reply for request #0/,
    );
  });

  it('reports a responder that throws', async () => {
    fake = await createFakeAnthropic();
    fake.replyWith(() => {
      throw new Error('bad script');
    });
    const response = await post(body());
    expect(JSON.parse(response.text).error.message).toBe(
      'fake-anthropic: the responder threw: Error: bad script',
    );
  });

  it.each([
    ['a wrong key', body(), { 'x-api-key': 'sk-other' }, 401, 'authentication_error', 'invalid x-api-key'],
    ['no key', body(), {}, 401, 'authentication_error', 'invalid x-api-key'],
    [
      'a body that is not JSON',
      '{"model": ',
      undefined,
      400,
      'invalid_request_error',
      'There was an issue with your request body: invalid JSON',
    ],
    [
      'no max_tokens',
      { model: 'm', messages: [] },
      undefined,
      400,
      'invalid_request_error',
      'max_tokens: Invalid input: expected number, received undefined',
    ],
    [
      'no messages',
      body({ messages: [] }),
      undefined,
      400,
      'invalid_request_error',
      'messages: at least one message is required',
    ],
    [
      'five cache breakpoints',
      body({
        system: [1, 2, 3].map((n) => ({ type: 'text', text: `s${n}`, cache_control: { type: 'ephemeral' } })),
        messages: [
          {
            role: 'user',
            content: ['a', 'b'].map((text) => ({ type: 'text', text, cache_control: { type: 'ephemeral' } })),
          },
        ],
      }),
      undefined,
      400,
      'invalid_request_error',
      'A maximum of 4 blocks with cache_control may be provided. Found 5.',
    ],
    [
      'an empty text block',
      body({ messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }),
      undefined,
      400,
      'invalid_request_error',
      'messages.0.content.0: text content blocks must be non-empty',
    ],
    [
      'a tool_use with no tool_result after it',
      body({
        tools: TOOLS,
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'run_code', input: {} }] },
          { role: 'user', content: [{ type: 'text', text: 'and?' }] },
        ],
      }),
      undefined,
      400,
      'invalid_request_error',
      'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: t1. Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
    ],
    [
      'tool blocks in a request that defines no tools',
      body({
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'run_code', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '1' }] },
        ],
      }),
      undefined,
      400,
      'invalid_request_error',
      'Requests which include `tool_use` or `tool_result` blocks must define tools.',
    ],
  ])(
    'rejects %s like the API, keeping the scripted reply for the next request',
    async (_name, payload, headers, status, type, message) => {
      fake = await createFakeAnthropic({ apiKey: KEY });
      fake.reply(fake.text('kept'));
      const response = await post(payload, headers);
      expect(response.status).toBe(status);
      expect(JSON.parse(response.text)).toEqual({ type: 'error', error: { type, message } });
      expect(fake.pending()).toBe(1);
      expect(fake.requests).toHaveLength(1);
    },
  );

  it('answers 404 for paths it does not serve', async () => {
    fake = await createFakeAnthropic();
    const response = await fetch(`${fake.url}/v1/models`);
    expect(response.status).toBe(404);
  });

  it('waits before answering a delayed reply, and close() ends a stalled response', async () => {
    fake = await createFakeAnthropic();
    fake.reply(fake.delayed(50, fake.text('later')), fake.stall());
    const started = Date.now();
    const delayed = await post(body());
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(JSON.parse(delayed.text).content[0].text).toBe('later');
    const stalled = post(body({ stream: true })).catch((error: unknown) => error);
    await fake.waitForRequests(2);
    await fake.close();
    expect(await stalled).toBeInstanceOf(Error);
    expect(fake.requests[1]?.clientClosed).toBe(true);
  });
});
