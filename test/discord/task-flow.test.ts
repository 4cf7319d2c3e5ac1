import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BotHarness, createBotHarness } from './bot-harness.ts';

let h: BotHarness;
beforeEach(async () => {
  h = await createBotHarness();
});
afterEach(async () => {
  await h.close();
});

describe('/task', () => {
  it('defers at once, opens a thread, edits progress and posts the answer', async () => {
    h.anthropic.reply(h.anthropic.code('return 6 * 7'), h.anthropic.text('The answer is **42**.'));
    const interaction = await h.discord.slashCommand({
      name: 'task',
      user: 'alice',
      options: { prompt: 'what is 6 times 7?' },
    });
    const callback = await h.discord.waitForCallback(interaction);
    expect(callback.type).toBe(5);

    const thread = await h.discord.waitFor(() => h.discord.threads()[0], 5000, 'a thread');
    expect(thread.name).toBe('what is 6 times 7?');
    const answer = await h.discord.waitFor(
      () => h.discord.messagesIn(thread.id).find((m) => m.content.includes('The answer is **42**.')),
      10_000,
      'the answer',
    );
    expect(answer.allowedMentions).toEqual({ parse: [] });
    const progress = h.discord.messagesIn(thread.id).find((m) => m.content.includes('step'));
    expect(progress?.content).toContain('✅ **Done**');
    expect(progress?.editCount).toBeGreaterThan(0);
    const originalId = h.discord.interaction(interaction).originalMessageId;
    expect(h.discord.getMessage(originalId ?? '')?.content).toContain(thread.id);
    expect(h.discord.unhandled).toEqual([]);
    expect(h.errors).toEqual([]);
  });
});
