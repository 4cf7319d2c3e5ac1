/** The real client and SDK against the fake Messages API: streaming, parsing, usage, caching. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src/model/types.ts';
import { type Harness, MODEL, recorder, request, setup, user } from './harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.fake.close();
});

describe('createAnthropicModel: streaming', () => {
  it('emits text deltas while the answer is still streaming', async () => {
    h = await setup();
    // The stream sends "The answer is 3" and then stays open: the deltas must arrive before any end.
    h.fake.reply(h.fake.stall({ before: [{ type: 'text', text: 'The answer is 3' }] }));
    const controller = new AbortController();
    const deltas: string[] = [];
    const call = h.model.complete(request(), {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type !== 'text-delta') return;
        deltas.push(event.text);
        if (deltas.join('') === 'The answer is 3') controller.abort();
      },
    });
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(deltas).toEqual(['The answer i', 's 3']);
  });

  it('returns the whole text answer with its stop reason, usage and cost', async () => {
    h = await setup();
    h.fake.reply(h.fake.text('The answer is 3', { chunkSize: 4 }));
    const rec = recorder();
    const response = await h.model.complete(request(), { onEvent: rec.onEvent });
    expect(rec.events).toEqual(['The ', 'answ', 'er i', 's 3'].map((text) => ({ type: 'text-delta', text })));
    expect(response).toEqual({
      content: [{ type: 'text', text: 'The answer is 3' }],
      stopReason: 'end_turn',
      usage: { inputTokens: 100, outputTokens: 20, cacheWriteTokens: 0, cacheReadTokens: 0 },
      model: MODEL,
      costUsd: (100 * 3 + 20 * 15) / 1e6,
    });
  });

  it('parses several tool_use blocks, with text before them, from finely chunked JSON', async () => {
    h = await setup();
    const source =
      'const rows = await tools.workspace.read({ path: "data.csv" });\nreturn rows.split("\\n").length;';
    h.fake.reply(
      h.fake.toolUses(
        [
          { code: source },
          { code: 'return "second"' },
          { name: 'other_tool', input: { n: 1, deep: { list: [1, 'two'] } } },
        ],
        { text: 'Two runs and a call.', chunkSize: 3 },
      ),
    );
    const response = await h.model.complete(request());
    expect(response.stopReason).toBe('tool_use');
    expect(response.content).toEqual([
      { type: 'text', text: 'Two runs and a call.' },
      { type: 'tool_use', id: 'toolu_fake_1_1', name: 'run_code', input: { code: source } },
      { type: 'tool_use', id: 'toolu_fake_1_2', name: 'run_code', input: { code: 'return "second"' } },
      {
        type: 'tool_use',
        id: 'toolu_fake_1_3',
        name: 'other_tool',
        input: { n: 1, deep: { list: [1, 'two'] } },
      },
    ]);
  });

  it('returns cut-off tool JSON as raw text with stop reason max_tokens, and can send that turn back', async () => {
    h = await setup();
    h.fake.reply(
      h.fake.message(
        [{ type: 'tool_use', id: 'cut', name: 'run_code', input: {}, rawJson: '{"code": "return 1 +' }],
        {
          stopReason: 'max_tokens',
        },
      ),
      h.fake.text('Shorter code next time.'),
    );
    const first = await h.model.complete(request());
    expect(first.stopReason).toBe('max_tokens');
    expect(first.content).toEqual([
      { type: 'tool_use', id: 'cut', name: 'run_code', input: '{"code": "return 1 +' },
    ]);
    const messages: Message[] = [
      user('What is 1 + 2?'),
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: [{ type: 'tool_result', toolUseId: 'cut', content: 'input was cut off', isError: true }],
      },
    ];
    await h.model.complete(request({ messages }));
    expect(h.fake.requests[1]?.body?.messages[1]?.content).toEqual([
      { type: 'tool_use', id: 'cut', name: 'run_code', input: {} },
    ]);
  });

  it('keeps thinking blocks and sends them back unchanged with the tool result', async () => {
    h = await setup();
    h.fake.reply(
      h.fake.message([
        { type: 'thinking', thinking: 'I should add them.', signature: 'sig-abc' },
        { type: 'tool_use', id: 't1', name: 'run_code', input: { code: 'return 1 + 2' } },
      ]),
      h.fake.text('3'),
    );
    const first = await h.model.complete(request());
    expect(first.content[0]).toEqual({
      type: 'thinking',
      thinking: 'I should add them.',
      signature: 'sig-abc',
    });
    await h.model.complete(
      request({
        messages: [
          user('What is 1 + 2?'),
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', toolUseId: 't1', content: '3' }] },
        ],
      }),
    );
    expect(h.fake.requests[1]?.body?.messages[1]?.content[0]).toEqual({
      type: 'thinking',
      thinking: 'I should add them.',
      signature: 'sig-abc',
    });
  });

  it('reports input, output, cache-write and cache-read tokens and prices them by the answering model', async () => {
    h = await setup(
      {},
      {
        usage: {
          input_tokens: 1000,
          output_tokens: 500,
          cache_creation_input_tokens: 2000,
          cache_read_input_tokens: 10_000,
        },
      },
    );
    h.fake.reply(h.fake.text('a'), h.fake.text('b', { model: 'claude-opus-4-5-20251101' }));
    const sonnet = await h.model.complete(request());
    expect(sonnet.usage).toEqual({
      inputTokens: 1000,
      outputTokens: 500,
      cacheWriteTokens: 2000,
      cacheReadTokens: 10_000,
    });
    expect(sonnet.costUsd).toBeCloseTo((1000 * 3 + 500 * 15 + 2000 * 3.75 + 10_000 * 0.3) / 1e6, 12);
    const opus = await h.model.complete(request());
    expect(opus.model).toBe('claude-opus-4-5-20251101');
    expect(opus.costUsd).toBeCloseTo((1000 * 5 + 500 * 25 + 2000 * 6.25 + 10_000 * 0.5) / 1e6, 12);
  });

  it('sends the cache breakpoints of a growing CodeAct conversation (recorded by the fake)', async () => {
    h = await setup();
    h.fake.reply(
      h.fake.code('return 1 + 2', { id: 'step1' }),
      h.fake.code('return 3 * 2', { id: 'step2' }),
      h.fake.text('6'),
    );
    const messages: Message[] = [user('Compute (1 + 2) * 2')];
    for (;;) {
      const response = await h.model.complete(request({ systemDynamic: 'Skills: none', messages }));
      messages.push({ role: 'assistant', content: response.content });
      const call = response.content.find((block) => block.type === 'tool_use');
      if (!call) break;
      messages.push({ role: 'user', content: [{ type: 'tool_result', toolUseId: call.id, content: 'ok' }] });
    }
    expect(h.fake.requests).toHaveLength(3);
    const last = h.fake.requests[2]?.body;
    expect(last?.system).toEqual([
      { type: 'text', text: 'You are Toolsmith.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Skills: none' },
    ]);
    expect(last?.tools?.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    const marked = (last?.messages ?? []).map((message) =>
      typeof message.content === 'string' ? [] : message.content.map((block) => Boolean(block.cache_control)),
    );
    expect(marked).toEqual([[false], [false], [true], [false], [true]]);
    expect(last?.messages[4]?.content).toEqual([
      { type: 'tool_result', tool_use_id: 'step2', content: 'ok', cache_control: { type: 'ephemeral' } },
    ]);
    expect(h.fake.pending()).toBe(0);
  });

  it('sends the configured key and extra gateway headers', async () => {
    h = await setup({ headers: { 'x-gateway-team': 'toolsmith' } });
    h.fake.reply(h.fake.text('hi'));
    await h.model.complete(request());
    expect(h.fake.requests[0]?.apiKey).toBe('sk-ant-test-0123456789abcdef');
    expect(h.fake.requests[0]?.headers['x-gateway-team']).toBe('toolsmith');
    expect(h.fake.requests[0]?.headers['x-stainless-retry-count']).toBe('0');
  });
});
