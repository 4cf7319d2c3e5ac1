/**
 * Channel profiles and model choice, end to end: a channel's profile puts its instructions, model and
 * tools into the request the Messages API receives; /profile shows what is in force; /model lists the
 * allowed models and switches a thread (its owner or an admin) or a channel (admins only).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BotHarness, createBotHarness } from './bot-harness.ts';
import { replyTo, startTask, waitForAnswers } from './bot-steps.ts';

let h: BotHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const systemText = (h: BotHarness, index: number) =>
  JSON.stringify(h.anthropic.requests[index]?.body?.system ?? '');

/** A bot whose PROFILES file maps #random to a `finance` profile (written once the fake's ids are known). */
async function start() {
  const file = path.join(tmpdir(), `profiles-${process.pid}-${Date.now()}.yaml`);
  h = await createBotHarness({
    env: (d) => {
      writeFileSync(
        file,
        [
          'profiles:',
          '  finance:',
          '    description: The finance team',
          '    prompt: Always answer in French.',
          '    model: claude-haiku-5-5',
          '    tools: [workspace]',
          '    maxSteps: 4',
          'channels:',
          `  "${d.channelId('random')}": finance`,
        ].join('\n'),
      );
      return {
        PROFILES: file,
        ALLOWED_MODELS: 'claude-sonnet-5-5,claude-haiku-5-5',
        ANTHROPIC_MODEL: 'claude-sonnet-5-5',
      };
    },
  });
  return h;
}

describe('channel profiles', () => {
  it("a channel's profile sets the instructions, model and tools the model gets; another channel keeps the defaults", async () => {
    const again = await start();
    again.anthropic.reply(again.anthropic.text('Bonjour.'), again.anthropic.text('Hello.'));
    const inRandom = await startTask(again, { prompt: 'greet', channel: 'random' });
    await waitForAnswers(again, inRandom.thread.id);
    expect(again.anthropic.requests[0]?.body?.model).toBe('claude-haiku-5-5');
    expect(systemText(again, 0)).toContain('Always answer in French.');
    expect(systemText(again, 0)).toContain('declare const tools');
    expect(systemText(again, 0)).not.toMatch(/web: \{/);
    const inGeneral = await startTask(again, { prompt: 'greet in general' });
    await waitForAnswers(again, inGeneral.thread.id);
    expect(again.anthropic.requests[1]?.body?.model).toBe('claude-sonnet-5-5');
    expect(systemText(again, 1)).not.toContain('Always answer in French.');

    const shown = await replyTo(
      again,
      await again.discord.slashCommand({ name: 'profile', channelId: 'random' }),
    );
    expect(shown.content).toContain('**Profile**: finance — The finance team');
    expect(shown.content).toContain('**Model**: `claude-haiku-5-5`');
    expect(shown.content).toContain('**Tools**: `workspace`');
    const none = await replyTo(again, await again.discord.slashCommand({ name: 'profile' }));
    expect(none.content).toMatch(/^No channel profile applies here/);
  });
});

describe('/model', () => {
  it('lists the allowed models; the owner switches a thread, a non-admin cannot switch a channel', async () => {
    h = await createBotHarness({
      env: { ALLOWED_MODELS: 'claude-sonnet-5-5,claude-haiku-5-5', ANTHROPIC_MODEL: 'claude-sonnet-5-5' },
    });
    h.anthropic.reply(h.anthropic.text('first'), h.anthropic.text('second'));
    const { thread } = await startTask(h, { prompt: 'hello', user: 'bob' });
    await waitForAnswers(h, thread.id);
    const list = await replyTo(
      h,
      await h.discord.slashCommand({ name: 'model', subcommand: 'list', channelId: thread.id, user: 'bob' }),
    );
    expect(list.content).toBe('• `claude-sonnet-5-5` (default) ← in use here\n• `claude-haiku-5-5`');
    const refused = await replyTo(
      h,
      await h.discord.slashCommand({
        name: 'model',
        subcommand: 'set',
        options: { model: 'gpt-9' },
        channelId: thread.id,
        user: 'bob',
      }),
    );
    expect(refused.content).toMatch(/not on the list/);
    const channelWide = await replyTo(
      h,
      await h.discord.slashCommand({
        name: 'model',
        subcommand: 'set',
        options: { model: 'claude-haiku-5-5', for: 'channel' },
        user: 'bob',
      }),
    );
    expect(channelWide.content).toMatch(/only admins a channel/);
    const set = await replyTo(
      h,
      await h.discord.slashCommand({
        name: 'model',
        subcommand: 'set',
        options: { model: 'claude-haiku-5-5' },
        channelId: thread.id,
        user: 'bob',
      }),
    );
    expect(set.content).toBe('From the next message, this task use `claude-haiku-5-5`.');
    await h.discord.message({ channelId: thread.id, author: 'bob', content: 'again' });
    await waitForAnswers(h, thread.id, 2);
    expect(h.anthropic.requests.map((r) => r.body?.model)).toEqual(['claude-sonnet-5-5', 'claude-haiku-5-5']);
  });
});
