/**
 * Secrets never reach the model: a canary key that sandbox code printed (the observation sent back as
 * a tool result), in plain text, base64 or URL-encoded, is redacted from the request body the fake
 * Messages API receives, along with the API key itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src/model/types.ts';
import { type Harness, KEY, request, setup, user } from './harness.ts';

const CANARY = 'canary-secret-7f3a9c1e5b2d4f6a8c0e';

let h: Harness;
afterEach(async () => {
  await h?.fake.close();
});

describe('createAnthropicModel: redaction', () => {
  it('keeps configured secrets out of every request body, in every form', async () => {
    h = await setup({ secrets: [CANARY] });
    h.fake.reply(h.fake.text('done'));
    const printed = [
      `stdout: the key is ${CANARY}`,
      `base64: ${Buffer.from(`Authorization: Bearer ${CANARY}`).toString('base64')}`,
      `url: https://example.com/?token=${encodeURIComponent(CANARY)}`,
      `and the API key: ${KEY}`,
    ].join('\n');
    const messages: Message[] = [
      user(`use ${CANARY} to log in`),
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'run_code', input: { code: `console.log("${CANARY}")` } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', toolUseId: 'toolu_1', content: printed }] },
    ];
    await h.model.complete(request({ system: `Secrets: ${CANARY}`, messages }));
    const raw = h.fake.requests[0]?.raw ?? '';
    expect(raw).toContain('[redacted]');
    expect(raw).not.toContain(CANARY);
    expect(raw).not.toContain(KEY);
    expect(raw).not.toContain(Buffer.from(CANARY).toString('base64').slice(0, 20));
    expect(raw).not.toContain(encodeURIComponent(CANARY));
    // The request is still the conversation: only the secrets changed.
    expect(h.fake.requests[0]?.body?.messages).toHaveLength(3);
  });
});
