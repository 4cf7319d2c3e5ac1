/** Aborting and stalls: the real client and SDK against the fake Messages API. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Harness, recorder, rejection, request, setup } from './harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.fake.close();
});

describe('createAnthropicModel: abort', () => {
  it('stops a stalled stream at once when aborted, closes the request and does not retry', async () => {
    h = await setup();
    h.fake.reply(h.fake.stall(), h.fake.text('never sent'));
    const controller = new AbortController();
    const call = h.model.complete(request(), { signal: controller.signal });
    await h.fake.waitForRequests(1);
    controller.abort();
    const error = await rejection(call);
    expect(error.name).toBe('AbortError');
    await vi.waitFor(() => expect(h.fake.requests[0]?.clientClosed).toBe(true));
    expect(h.fake.requests).toHaveLength(1);
    expect(h.fake.pending()).toBe(1);
  });

  it('stops a request still waiting for its response headers', async () => {
    h = await setup();
    h.fake.reply(h.fake.stall({ afterHeaders: false }));
    const controller = new AbortController();
    const call = h.model.complete(request(), { signal: controller.signal });
    await h.fake.waitForRequests(1);
    controller.abort();
    expect((await rejection(call)).name).toBe('AbortError');
    await vi.waitFor(() => expect(h.fake.requests[0]?.clientClosed).toBe(true));
  });

  it('stops the backoff sleep when aborted during a retry wait', async () => {
    h = await setup();
    h.fake.reply(h.fake.overloaded({ retryAfter: 30 }), h.fake.text('never sent'));
    const controller = new AbortController();
    const rec = recorder();
    const call = h.model.complete(request(), {
      signal: controller.signal,
      onEvent: (event) => {
        rec.onEvent(event);
        if (event.type === 'retry') controller.abort();
      },
    });
    expect((await rejection(call)).name).toBe('AbortError');
    expect(rec.events).toEqual([{ type: 'retry', attempt: 1, delayMs: 30_000, reason: 'overloaded (529)' }]);
    expect(h.fake.requests).toHaveLength(1);
  });

  it('sends nothing when the signal is already aborted', async () => {
    h = await setup();
    h.fake.reply(h.fake.text('never sent'));
    const error = await rejection(h.model.complete(request(), { signal: AbortSignal.abort() }));
    expect(error.name).toBe('AbortError');
    expect(h.fake.requests).toHaveLength(0);
  });

  it('drops a stream that goes silent longer than idleTimeoutMs and retries it', async () => {
    h = await setup({ idleTimeoutMs: 150 });
    h.fake.reply(h.fake.stall({ before: [{ type: 'text', text: 'stuck' }] }), h.fake.text('fresh'));
    const rec = recorder();
    const response = await h.model.complete(request(), { onEvent: rec.onEvent });
    expect(response.content).toEqual([{ type: 'text', text: 'fresh' }]);
    expect(rec.events.map((event) => (event.type === 'retry' ? event.reason : event.text))).toEqual([
      'stuck',
      'no data from the API for 0.2 s',
      'fresh',
    ]);
    await vi.waitFor(() => expect(h.fake.requests[0]?.clientClosed).toBe(true));
  });

  it('keeps a slow stream that sends something within the idle limit', async () => {
    h = await setup({ idleTimeoutMs: 300 });
    h.fake.reply(h.fake.text('slow but alive', { chunkSize: 5, eventDelayMs: 40 }));
    const rec = recorder();
    const response = await h.model.complete(request(), { onEvent: rec.onEvent });
    expect(response.content).toEqual([{ type: 'text', text: 'slow but alive' }]);
    expect(rec.events.every((event) => event.type === 'text-delta')).toBe(true);
  });
});
