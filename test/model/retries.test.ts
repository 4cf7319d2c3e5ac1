/** Retries and the errors of giving up: the real client and SDK against the fake Messages API. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/errors.ts';
import { createAnthropicModel } from '../../src/model/create-anthropic-model.ts';
import { type Harness, KEY, MODEL, recorder, rejection, request, setup } from './harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.fake.close();
});

const retries = (events: ReturnType<typeof recorder>['events']) =>
  events.filter((event) => event.type === 'retry');

describe('createAnthropicModel: retries', () => {
  it('retries a 529 overloaded error and then answers, telling the caller about the retry', async () => {
    h = await setup({ random: () => 0.5, backoff: { baseDelayMs: 40 } });
    h.fake.reply(h.fake.overloaded(), h.fake.text('done'));
    const rec = recorder();
    const response = await h.model.complete(request(), { onEvent: rec.onEvent });
    expect(response.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(retries(rec.events)).toEqual([
      { type: 'retry', attempt: 1, delayMs: 20, reason: 'overloaded (529)' },
    ]);
    expect(h.fake.requests).toHaveLength(2);
  });

  it('waits what retry-after-ms asks for before the next attempt', async () => {
    h = await setup();
    h.fake.reply(h.fake.overloaded({ retryAfterMs: 60 }), h.fake.text('done'));
    const rec = recorder();
    const started = Date.now();
    await h.model.complete(request(), { onEvent: rec.onEvent });
    expect(retries(rec.events)).toEqual([
      { type: 'retry', attempt: 1, delayMs: 60, reason: 'overloaded (529)' },
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('honours retry-after in seconds on a 429', async () => {
    h = await setup({ fakeSleep: true });
    h.fake.reply(h.fake.rateLimited(7), h.fake.rateLimited(1), h.fake.text('done'));
    const rec = recorder();
    await h.model.complete(request(), { onEvent: rec.onEvent });
    expect(h.sleeps).toEqual([7000, 1000]);
    expect(retries(rec.events)).toEqual([
      { type: 'retry', attempt: 1, delayMs: 7000, reason: 'rate limited (429)' },
      { type: 'retry', attempt: 2, delayMs: 1000, reason: 'rate limited (429)' },
    ]);
  });

  it('backs off exponentially with full jitter up to the ceiling when no retry-after is sent', async () => {
    h = await setup({
      fakeSleep: true,
      random: () => 0.999,
      backoff: { baseDelayMs: 1000, maxDelayMs: 3000 },
    });
    h.fake.reply(
      h.fake.overloaded(),
      h.fake.httpError(500),
      h.fake.httpError(503),
      h.fake.overloaded(),
      h.fake.text('ok'),
    );
    await h.model.complete(request());
    expect(h.sleeps).toEqual([999, 1998, 2997, 2997]);
  });

  it('gives up after maxRetries with a clear ServiceError, having used the whole script', async () => {
    h = await setup({ maxRetries: 2 });
    h.fake.reply(h.fake.overloaded(), h.fake.overloaded(), h.fake.overloaded());
    const rec = recorder();
    const error = await rejection(h.model.complete(request(), { onEvent: rec.onEvent }));
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.message).toBe(
      'Anthropic API: overloaded (529) after 2 retries: Overloaded. Try again in a few minutes; ANTHROPIC_MAX_RETRIES sets how often to retry',
    );
    expect(retries(rec.events).map((event) => event.attempt)).toEqual([1, 2]);
    expect(h.fake.requests).toHaveLength(3);
    expect(h.fake.pending()).toBe(0);
  });

  it('does not retry when maxRetries is 0, and says so', async () => {
    h = await setup({ maxRetries: 0 });
    h.fake.reply(h.fake.httpError(500, { message: 'boom' }));
    const error = await rejection(h.model.complete(request()));
    expect(error.message).toMatch(
      /^Anthropic API: server error \(500\) not retried \(ANTHROPIC_MAX_RETRIES=0\): boom\./,
    );
    expect(h.fake.requests).toHaveLength(1);
  });

  it('fails at once when retry-after asks for longer than the client waits', async () => {
    h = await setup({ fakeSleep: true });
    h.fake.reply(h.fake.rateLimited(600), h.fake.text('never sent'));
    const error = await rejection(h.model.complete(request()));
    expect(error.message).toBe(
      'Anthropic API: rate limited (429): the API asks to wait 600 s, longer than the 60 s this client waits. Try again later',
    );
    expect(h.sleeps).toEqual([]);
    expect(h.fake.pending()).toBe(1);
  });

  it('retries an overloaded_error that arrives mid-stream; text streamed before it is void', async () => {
    h = await setup();
    h.fake.reply(
      h.fake.streamError('overloaded_error', { before: [{ type: 'text', text: 'partial' }] }),
      h.fake.text('whole'),
    );
    const rec = recorder();
    const response = await h.model.complete(request(), { onEvent: rec.onEvent });
    expect(response.content).toEqual([{ type: 'text', text: 'whole' }]);
    expect(
      rec.events.map((event) => (event.type === 'retry' ? `retry: ${event.reason}` : event.text)),
    ).toEqual(['partial', 'retry: overloaded (overloaded_error, mid-stream)', 'whole']);
  });

  it('does not retry an invalid_request_error that arrives mid-stream', async () => {
    h = await setup();
    h.fake.reply(
      h.fake.streamError('invalid_request_error', { message: 'bad thing' }),
      h.fake.text('never sent'),
    );
    const error = await rejection(h.model.complete(request()));
    expect(error.message).toBe('Anthropic API: rejected the request (400 invalid_request_error): bad thing');
    expect(h.fake.requests).toHaveLength(1);
  });

  it('retries a connection that breaks mid-stream and a stream that ends without message_stop', async () => {
    h = await setup();
    h.fake.reply(
      h.fake.drop({ before: [{ type: 'text', text: 'half' }] }),
      h.fake.truncate({ before: [{ type: 'text', text: 'half' }] }),
      h.fake.text('whole'),
    );
    const rec = recorder();
    const response = await h.model.complete(request(), { onEvent: rec.onEvent });
    expect(response.content).toEqual([{ type: 'text', text: 'whole' }]);
    const seen = rec.events.map((event) => (event.type === 'retry' ? `retry: ${event.reason}` : event.text));
    expect(seen).toHaveLength(5);
    expect(seen[0]).toBe('half');
    expect(seen[1]).toMatch(/^retry: connection lost mid-stream \(.+\)$/);
    expect(seen.slice(2)).toEqual(['half', 'retry: the stream ended before message_stop', 'whole']);
  });

  it('says where it could not connect, after its retries', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const model = createAnthropicModel({
      apiKey: KEY,
      baseUrl: `http://127.0.0.1:${port}/`,
      model: MODEL,
      maxRetries: 1,
      sleep: async () => {},
    });
    const error = await rejection(model.complete(request()));
    expect(error.message).toBe(
      `Anthropic API: connection failed (ECONNREFUSED) reaching http://127.0.0.1:${port} after 1 retry. Check the network and ANTHROPIC_BASE_URL`,
    );
  });

  it('stops at once on the fake’s empty script instead of retrying its 500', async () => {
    h = await setup();
    const error = await rejection(h.model.complete(request()));
    expect(error.message).toMatch(/fake-anthropic has no scripted reply for request #0/);
    expect(h.fake.requests).toHaveLength(1);
  });
});

describe('createAnthropicModel: errors that are not retried', () => {
  it('says ANTHROPIC_API_KEY was rejected on a 401, without the key anywhere', async () => {
    h = await setup({ apiKey: 'sk-ant-wrong-key-000000000000' });
    h.fake.reply(h.fake.text('never sent'));
    const error = await rejection(h.model.complete(request()));
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.message).toBe(
      'Anthropic API: ANTHROPIC_API_KEY was rejected (401 authentication_error). Check ANTHROPIC_API_KEY in .env or the environment (a key from console.anthropic.com)',
    );
    const everything = JSON.stringify({
      message: error.message,
      cause: String(error.cause),
      stack: error.stack,
    });
    expect(everything).not.toContain('sk-ant-wrong-key');
    expect(h.fake.requests).toHaveLength(1);
    expect(h.fake.pending()).toBe(1);
  });

  it('carries the API’s message on a 400, with the key redacted if the server echoes it', async () => {
    h = await setup();
    h.fake.reply(h.fake.httpError(400, { message: `max_tokens: too large for key ${KEY}` }));
    const error = await rejection(h.model.complete(request()));
    expect(error.message).toBe(
      'Anthropic API: rejected the request (400 invalid_request_error): max_tokens: too large for key [redacted]',
    );
    expect(String((error.cause as Error).message)).not.toContain(KEY);
  });

  it('carries the fake’s own validation message (a tool_result with no tool_use)', async () => {
    h = await setup();
    const messages = request().messages;
    messages.push(
      { role: 'assistant', content: [{ type: 'text', text: 'hm' }] },
      { role: 'user', content: [{ type: 'tool_result', toolUseId: 'nope', content: 'x' }] },
    );
    const error = await rejection(h.model.complete(request({ messages })));
    expect(error.message).toMatch(
      /\(400 invalid_request_error\): messages.2.content.0: unexpected `tool_use_id`/,
    );
  });

  it('points at ANTHROPIC_MODEL and ANTHROPIC_BASE_URL on a 404', async () => {
    h = await setup();
    h.fake.reply(h.fake.httpError(404, { message: 'model: claude-nope' }));
    const error = await rejection(h.model.complete(request({ model: 'claude-nope' })));
    expect(error.message).toBe(
      `Anthropic API: not found (404): model: claude-nope. Check ANTHROPIC_MODEL (now "claude-nope") and ANTHROPIC_BASE_URL (now ${h.fake.url})`,
    );
  });

  it('passes an error thrown by the onEvent listener through as is', async () => {
    h = await setup();
    h.fake.reply(h.fake.text('hello'), h.fake.text('again'));
    const bug = new TypeError('front end bug');
    await expect(
      h.model.complete(request(), {
        onEvent: () => {
          throw bug;
        },
      }),
    ).rejects.toBe(bug);
    expect(h.fake.requests).toHaveLength(1);
    expect(h.fake.pending()).toBe(1);
  });
});
