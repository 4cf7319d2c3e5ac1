/**
 * Safety and fairness: allowlists refuse others with a short ephemeral message, the per-user rate
 * limit refuses a burst, and the global cap queues tasks with their position.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type BotHarness, type BotHarnessOptions, createBotHarness } from './bot-harness.ts';
import {
  botMessages,
  dispatchTask,
  holdFirstReply,
  progressMessages,
  replyTo,
  startTask,
  userTexts,
  waitForAnswers,
} from './bot-steps.ts';

let h: BotHarness | undefined;
const harness = async (options: BotHarnessOptions) => {
  h = await createBotHarness(options);
  return h;
};
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('who may use the bot', () => {
  it('a user not on ALLOWED_USERS gets an ephemeral refusal: no thread, no model call', async () => {
    const h = await harness({ env: (discord) => ({ ALLOWED_USERS: discord.user('alice').id }) });
    const interaction = await dispatchTask(h, { prompt: 'let me in', user: 'bob' });
    const reply = await replyTo(h, interaction);
    expect(reply.content).toBe('You are not on the list of people who may use Toolsmith here; ask an admin.');
    expect(reply.ephemeral).toBe(true);
    expect(h.discord.interaction(interaction).callbacks.map((c) => c.type)).toEqual([4]);
    expect(h.discord.threads()).toEqual([]);
    expect(h.anthropic.requests).toEqual([]);
    expect(h.app.sessions.list()).toEqual([]);
  });

  it("a refused member's message in a task thread is answered with the refusal and continues nothing", async () => {
    const h = await harness({ env: (discord) => ({ ALLOWED_USERS: discord.user('alice').id }) });
    h.anthropic.reply(h.anthropic.text("Alice's answer."));
    const { thread } = await startTask(h, { prompt: 'an allowed task', user: 'alice' });
    await waitForAnswers(h, thread.id);
    const message = await h.discord.message({ channelId: thread.id, author: 'bob', content: 'me too' });
    const refusal = await h.discord.waitFor(
      () => botMessages(h, thread.id).find((m) => m.referenceId === message.id),
      5000,
      'the refusal',
    );
    expect(refusal.content).toBe(
      'You are not on the list of people who may use Toolsmith here; ask an admin.',
    );
    expect(refusal.mentions).toEqual([]);
    expect(h.anthropic.requests).toHaveLength(1);
  });

  it('ALLOWED_ROLES lets members with the role in, by command and by message, and keeps others out', async () => {
    const h = await harness({
      discord: {
        users: [{ username: 'alice' }, { username: 'bob' }, { username: 'carol' }],
        guilds: [
          {
            roles: [{ name: 'admin', permissions: (1n << 3n).toString() }, { name: 'dev' }],
            members: [
              { user: 'alice', roles: ['admin'] },
              { user: 'bob', roles: ['dev'] },
              { user: 'carol' },
            ],
          },
        ],
      },
      env: (discord) => ({ ALLOWED_ROLES: discord.roleId('dev') }),
    });
    const refused = await replyTo(h, await dispatchTask(h, { prompt: 'carol tries', user: 'carol' }));
    expect(refused.content).toBe(
      'You are not on the list of people who may use Toolsmith here; ask an admin.',
    );

    h.anthropic.reply(h.anthropic.text('For bob.'), h.anthropic.text('Bob again.'));
    const { thread } = await startTask(h, { prompt: 'bob has the role', user: 'bob' });
    await waitForAnswers(h, thread.id);
    const carols = await h.discord.message({ channelId: thread.id, author: 'carol', content: 'me too' });
    await h.discord.waitFor(
      () => botMessages(h, thread.id).find((m) => m.referenceId === carols.id),
      5000,
      'the refusal of carol',
    );
    await h.discord.message({ channelId: thread.id, author: 'bob', content: 'and again' });
    expect((await waitForAnswers(h, thread.id, 2))[1]?.content).toBe('Bob again.');
    expect(userTexts(h, 1)).toEqual(['bob has the role', 'and again']);
  });

  it('a channel not on ALLOWED_CHANNELS is refused', async () => {
    const h = await harness({ env: (discord) => ({ ALLOWED_CHANNELS: discord.channelId('random') }) });
    const reply = await replyTo(h, await dispatchTask(h, { prompt: 'in general', channel: 'general' }));
    expect(reply.content).toBe('Toolsmith is not enabled in this channel.');
    expect(reply.ephemeral).toBe(true);
    h.anthropic.reply(h.anthropic.text('ok'));
    const { thread } = await startTask(h, { prompt: 'in random', channel: 'random' });
    expect(thread.parentId).toBe(h.discord.channelId('random'));
  });
});

describe('fairness', () => {
  it('RATE_LIMIT_PER_MINUTE=1: a second /task within the minute is refused ephemerally; others are not limited', async () => {
    const h = await harness({ env: { RATE_LIMIT_PER_MINUTE: '1' } });
    h.anthropic.reply(h.anthropic.text('one'), h.anthropic.text('bob one'));
    const { thread } = await startTask(h, { prompt: 'first task', user: 'alice' });
    const second = await dispatchTask(h, { prompt: 'second task', user: 'alice' });
    const reply = await replyTo(h, second);
    expect(reply.content).toMatch(
      /^Slow down: you can send 1 message to Toolsmith a minute \(tasks and follow-ups\)\. Try again in (59|60) s\.$/,
    );
    expect(reply.ephemeral).toBe(true);
    await waitForAnswers(h, thread.id);
    // Follow-ups in the thread count too: ten of them do not make ten model runs.
    const followUp = await h.discord.message({ channelId: thread.id, author: 'alice', content: 'and again' });
    const refusal = await h.discord.waitFor(
      () => botMessages(h, thread.id).find((m) => m.referenceId === followUp.id),
      5000,
      'the refusal of the follow-up',
    );
    expect(refusal.content).toMatch(/^Slow down: you can send 1 message/);
    const bobs = await startTask(h, { prompt: 'bob task', user: 'bob' });
    await waitForAnswers(h, bobs.thread.id);
    expect(h.discord.threads().map((t) => t.name)).toEqual(['first task', 'bob task']);
    expect(h.anthropic.requests.map((_, i) => userTexts(h, i)[0])).toEqual(['first task', 'bob task']);
  });

  it('MAX_CONCURRENT_TASKS=1: a second task says "Queued, position 1", then runs; a queued task can be stopped', async () => {
    const h = await harness({ env: { MAX_CONCURRENT_TASKS: '1' } });
    // The first task holds the only slot until the test lets its first model call answer.
    const release = holdFirstReply(h, h.anthropic.code('1'), ['slow done', 'second done']);
    const first = await startTask(h, { prompt: 'slow first', user: 'alice' });
    await h.discord.waitFor(() => h.anthropic.requests.length === 1, 5000, 'the first model call');

    const second = await startTask(h, { prompt: 'waits its turn', user: 'bob' });
    // The third is started once the second is in the queue, so their order is known.
    const queued = await h.discord.waitFor(() => progressMessages(h, second.thread.id)[0], 5000, 'progress');
    expect(queued.content).toBe('⏳ Queued, position 1. The task starts when a slot frees up.');
    const third = await startTask(h, { prompt: 'stopped while waiting', user: 'alice' });
    const waiting = await h.discord.waitFor(() => progressMessages(h, third.thread.id)[0], 5000, 'progress');
    expect(waiting.content).toBe('⏳ Queued, position 2. The task starts when a slot frees up.');

    // stopping the third while it waits: it never runs, and the second moves up
    const stop = await h.discord.clickButton({ message: waiting.id, customId: `stop:${third.thread.id}` });
    expect((await replyTo(h, stop)).content).toBe('Stopping the running step…');
    const stopped = await h.discord.waitFor(
      () => h.discord.getMessage(waiting.id)?.content.startsWith('⏹️') && h.discord.getMessage(waiting.id),
      5000,
      'the stopped progress',
    );
    expect(stopped.content).toContain('Stopped before it started.');

    release();
    await waitForAnswers(h, first.thread.id);
    const [answer] = await waitForAnswers(h, second.thread.id);
    expect(answer?.content).toBe('second done');
    const secondProgress = h.discord.getMessage(queued.id);
    expect(secondProgress?.content).toMatch(/^✅ \*\*Done\*\*/);
    // it started only after the first task ended; the stopped one never reached the model
    expect(h.anthropic.requests.map((_, i) => userTexts(h, i)[0])).toEqual([
      'slow first',
      'slow first',
      'waits its turn',
    ]);
    expect(botMessages(h, third.thread.id).some((m) => m.content.includes('Stopped: the task'))).toBe(false);
    expect(h.app.service.status().running).toBe(0);
  });
});
