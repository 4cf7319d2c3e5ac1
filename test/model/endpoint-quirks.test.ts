/**
 * Anthropic-compatible servers' quirks, with the real client and SDK against the fake Messages API:
 * no or partial usage, cache_control refused, an error event in llama.cpp's shape mid-stream, and
 * model ids with no known price.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/errors.ts';
import { CACHE_CONTROL_REFUSED, LLAMA_FORMAT_ERROR } from '../helpers/fake-anthropic.ts';
import { type Harness, MODEL, recorder, rejection, request, setup } from './harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.fake.close();
});

const hasCacheControl = (raw: string) => raw.includes('"cache_control"');

describe('createAnthropicModel: servers without usage', () => {
  it('estimates both counts when the server reports no usage and no model id, and says so', async () => {
    h = await setup();
    h.fake.reply(h.fake.withUsage('none', h.fake.text('The answer is 3'), { omitModel: true }));
    const response = await h.model.complete(request());
    expect(response.model).toBe(MODEL);
    const { inputTokens, outputTokens, estimatedTokens } = response.usage;
    // "You are Toolsmith." + "What is 1 + 2?" + the run_code tool, at ~4 characters a token.
    expect(inputTokens).toBeGreaterThan(30);
    expect(inputTokens).toBeLessThan(200);
    expect(outputTokens).toBe(Math.ceil('The answer is 3'.length / 4));
    expect(estimatedTokens).toBe(inputTokens + outputTokens);
    expect(response.costUsd).toBeGreaterThan(0);
  });

  it('keeps reported counts and estimates only the missing one', async () => {
    h = await setup();
    h.fake.reply(
      h.fake.withUsage('input-only', h.fake.text('twelve chars')),
      h.fake.withUsage('output-only', h.fake.text('hi')),
    );
    const first = await h.model.complete(request());
    expect(first.usage).toMatchObject({ inputTokens: 100, outputTokens: 3, estimatedTokens: 3 });
    const second = await h.model.complete(request());
    expect(second.usage.outputTokens).toBe(20);
    expect(second.usage.estimatedTokens).toBe(second.usage.inputTokens);
    expect(second.usage.inputTokens).not.toBe(100);
  });

  it('marks nothing as estimated when the server reports everything', async () => {
    h = await setup();
    h.fake.reply(h.fake.text('ok'));
    const response = await h.model.complete(request());
    expect(response.usage).toEqual({
      inputTokens: 100,
      outputTokens: 20,
      cacheWriteTokens: 0,
      cacheReadTokens: 0,
    });
  });
});

describe('createAnthropicModel: prompt caching', () => {
  it('sends again without cache_control when the server refuses it, and never sends it after', async () => {
    h = await setup({}, { cacheControl: 'refuse' });
    h.fake.reply(h.fake.text('first'), h.fake.text('second'));
    const rec = recorder();
    const first = await h.model.complete(request(), { onEvent: rec.onEvent });
    expect(first.content).toEqual([{ type: 'text', text: 'first' }]);
    expect(rec.events.filter((event) => event.type === 'retry')).toEqual([
      {
        type: 'retry',
        attempt: 1,
        delayMs: 0,
        reason: 'the server refused prompt caching (cache_control): sending without it',
      },
    ]);
    await h.model.complete(request());
    expect(h.fake.requests.map((r) => hasCacheControl(r.raw))).toEqual([true, false, false]);
  });

  it('does not spend a retry of a transient fault on the refusal', async () => {
    h = await setup({ maxRetries: 1 }, { cacheControl: 'refuse' });
    h.fake.reply(h.fake.overloaded(), h.fake.text('done'));
    const response = await h.model.complete(request());
    expect(response.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(h.fake.requests).toHaveLength(3);
  });

  it('sends no cache_control at all with promptCaching: false', async () => {
    h = await setup({ promptCaching: false }, { cacheControl: 'refuse' });
    h.fake.reply(h.fake.text('ok'));
    await h.model.complete(request());
    expect(h.fake.requests).toHaveLength(1);
    expect(hasCacheControl(h.fake.requests[0]?.raw ?? '')).toBe(false);
  });

  it("does not take the Anthropic API's limit of 4 breakpoints for a refusal", async () => {
    h = await setup();
    const limit = 'A maximum of 4 blocks with cache_control may be provided. Found 5.';
    h.fake.reply(h.fake.httpError(400, { message: limit }));
    const error = await rejection(h.model.complete(request()));
    expect(error.message).toContain(limit);
    expect(h.fake.requests).toHaveLength(1);
  });

  it('still fails on a 400 that is not about cache_control', async () => {
    h = await setup();
    h.fake.reply(h.fake.httpError(400, { message: 'max_tokens: too large' }));
    const error = await rejection(h.model.complete(request()));
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.message).toContain('max_tokens: too large');
    expect(h.fake.requests).toHaveLength(1);
    expect(CACHE_CONTROL_REFUSED).toContain('cache_control');
  });
});

describe('createAnthropicModel: llama.cpp error events mid-stream', () => {
  it.each([
    ['wrapped in "error"', false],
    ['flat', true],
  ])('retries a 500 error event (%s) like a 5xx; the partial output is void', async (_name, flat) => {
    h = await setup();
    h.fake.reply(
      h.fake.llamaStreamError({ before: [{ type: 'text', text: 'half an answ' }], flat }),
      h.fake.text('The whole answer'),
    );
    const rec = recorder();
    const response = await h.model.complete(request(), { onEvent: rec.onEvent });
    expect(response.content).toEqual([{ type: 'text', text: 'The whole answer' }]);
    const retry = rec.events.find((event) => event.type === 'retry');
    expect(retry).toMatchObject({ attempt: 1, reason: 'server error (server_error, mid-stream)' });
    // The caller saw the partial text, then the retry that voids it, then the whole answer.
    const order = rec.events.map((event) => (event.type === 'retry' ? '|' : event.text)).join('');
    expect(order).toBe('half an answ|The whole answer');
    expect(h.fake.requests).toHaveLength(2);
  });

  it("gives up with llama.cpp's own message after the retries", async () => {
    h = await setup({ maxRetries: 1 });
    h.fake.reply(h.fake.llamaStreamError(), h.fake.llamaStreamError());
    const error = await rejection(h.model.complete(request()));
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.message).toContain(
      `server error (server_error, mid-stream) after 1 retry: ${LLAMA_FORMAT_ERROR}`,
    );
  });

  it('does not retry an error event that stands for a 4xx', async () => {
    h = await setup();
    h.fake.reply(h.fake.llamaStreamError({ code: 400, message: 'context too long' }));
    const error = await rejection(h.model.complete(request()));
    expect(error.message).toContain('context too long');
    expect(h.fake.requests).toHaveLength(1);
  });
});

describe('createAnthropicModel: unknown prices', () => {
  it('prices a model with no known price at nothing and marks every token unpriced', async () => {
    h = await setup({ model: 'qwen3-coder:30b' });
    h.fake.reply(h.fake.text('ok'));
    const response = await h.model.complete(request());
    expect(response.costUsd).toBe(0);
    expect(response.usage.unpricedTokens).toBe(120);
  });

  it('prices it with the prices it is given', async () => {
    h = await setup({
      model: 'qwen3-coder:30b',
      pricing: { input: 1, output: 5, cacheWrite: 1, cacheRead: 1 },
    });
    h.fake.reply(h.fake.text('ok'));
    const response = await h.model.complete(request());
    expect(response.costUsd).toBeCloseTo((100 * 1 + 20 * 5) / 1e6, 12);
    expect(response.usage.unpricedTokens).toBeUndefined();
  });

  it('prices a gateway alias by the known model id the server answers with', async () => {
    h = await setup({ model: 'team-default' });
    h.fake.reply(h.fake.text('ok', { model: 'claude-sonnet-4-6' }));
    const response = await h.model.complete(request());
    expect(response.costUsd).toBeCloseTo((100 * 3 + 20 * 15) / 1e6, 12);
    expect(response.usage.unpricedTokens).toBeUndefined();
  });
});
