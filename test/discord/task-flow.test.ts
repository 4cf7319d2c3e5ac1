/**
 * /task end to end: deferred within Discord's window, a thread, a live progress message edited at
 * most about once per PROGRESS_EDIT_MS, the answer with its buttons, all posted with the bot token.
 */
import { describe } from 'vitest';
import { botTest as it } from './bot-harness.ts';
import {
  botMessages,
  buttonIds,
  dispatchTask,
  progressMessages,
  replyTo,
  startTask,
  waitForAnswers,
  webhookRequests,
} from './bot-steps.ts';

// Each test has its own bot, fakes and folder, so they run together.
describe.concurrent('/task', () => {
  it('defers at once, opens a thread, edits progress and posts the answer', async ({ bot, expect }) => {
    const h = await bot();
    h.anthropic.reply(h.anthropic.code('return 6 * 7'), h.anthropic.text('The answer is **42**.'));
    const { interaction, thread } = await startTask(h, { prompt: 'what is 6 times 7?', user: 'alice' });

    const callback = h.discord.interaction(interaction).callbacks.find((c) => c.accepted);
    expect(callback?.type).toBe(5);
    expect(callback?.ackMs).toBeLessThan(3000);
    expect(thread.name).toBe('what is 6 times 7?');
    expect(thread.type).toBe(11);
    expect(thread.parentId).toBe(h.discord.channelId('general'));

    const [answer] = await waitForAnswers(h, thread.id);
    expect(answer?.content).toBe('The answer is **42**.');
    expect(answer?.allowedMentions).toEqual({ parse: [] });
    expect(buttonIds(answer!)).toEqual([
      expect.stringMatching(/^vote:.*:up$/),
      expect.stringMatching(/^vote:.*:down$/),
    ]);

    const [progress] = progressMessages(h, thread.id);
    expect(progress?.content).toMatch(/^✅ \*\*Done\*\* · step 2\/12 · \d+ s · \$0\.\d{3}/);
    expect(progress?.content).toContain('```js\nreturn 6 * 7\n```');
    expect(progress?.content).toContain('Output:\n```\n=> 42\n```');
    expect(progress?.editCount).toBeGreaterThan(0);
    // the Stop button goes away when the step ends
    expect(buttonIds(progress!)).toEqual([]);
    expect(progress?.history[0]?.components).not.toEqual([]);

    // The thread shows who asked, then progress, then the answer.
    const posted = botMessages(h, thread.id);
    expect(posted[0]?.content).toBe(`<@${h.discord.user('alice').id}> asked:\n>>> what is 6 times 7?`);
    expect(posted[0]?.mentions).toEqual([]);

    const original = h.discord.getMessage(h.discord.interaction(interaction).originalMessageId ?? '');
    expect(original?.content).toContain(`/channels/${h.discord.guildId}/${thread.id}`);
    expect(original?.loading).toBe(false);

    // After the deferral, only one webhook call (the edit of the original reply); all else with the bot token.
    expect(webhookRequests(h).map((r) => `${r.method} ${r.route}`)).toEqual([
      'PATCH /webhooks/:applicationId/:token/messages/:messageId',
    ]);
    const threadPosts = h.discord.requests.filter((r) =>
      r.path.startsWith(`/channels/${thread.id}/messages`),
    );
    expect(threadPosts.length).toBeGreaterThanOrEqual(4);
    expect(threadPosts.every((r) => r.auth === 'bot')).toBe(true);
    expect(h.discord.unhandled).toEqual([]);
    expect(h.errors).toEqual([]);
  });

  it('opens a private thread when asked, with the member in it', async ({ bot, expect }) => {
    const h = await bot();
    h.anthropic.reply(h.anthropic.text('Private answer.'));
    const { thread } = await startTask(h, { prompt: 'a secret task', user: 'bob', private: true });
    expect(thread.type).toBe(12);
    await waitForAnswers(h, thread.id);
    expect(h.discord.threads().find((t) => t.id === thread.id)?.memberIds).toContain(
      h.discord.user('bob').id,
    );
    expect(h.discord.unhandled).toEqual([]);
  });

  it('/task inside a task thread opens its own thread in the parent channel', async ({ bot, expect }) => {
    const h = await bot();
    h.anthropic.reply(h.anthropic.text('first'), h.anthropic.text('second'));
    const { thread } = await startTask(h, { prompt: 'make a thread' });
    await waitForAnswers(h, thread.id);
    const nested = await startTask(h, { prompt: 'from inside a thread', channel: thread.id });
    expect(nested.thread.parentId).toBe(h.discord.channelId('general'));
    expect((await waitForAnswers(h, nested.thread.id))[0]?.content).toBe('second');
  });

  it('an empty prompt is refused ephemerally: no thread, no session, no model call, no rate-limit slot', async ({
    bot,
    expect,
  }) => {
    const h = await bot({ env: { RATE_LIMIT_PER_MINUTE: '1' } });
    const reply = await replyTo(h, await dispatchTask(h, { prompt: '   ' }));
    expect(reply.content).toBe(
      'The prompt is empty: say what the task is, e.g. `/task prompt: sum the amount column`.',
    );
    expect(reply.ephemeral).toBe(true);
    expect(h.discord.threads()).toEqual([]);
    expect(h.app.sessions.list()).toEqual([]);
    expect(h.anthropic.requests).toEqual([]);
    h.anthropic.reply(h.anthropic.text('Now with a prompt.'));
    const { thread } = await startTask(h, { prompt: 'a real prompt' });
    expect((await waitForAnswers(h, thread.id))[0]?.content).toBe('Now with a prompt.');
  });

  it('posts the answer of a task that outlives the interaction token (bot token only)', async ({
    bot,
    expect,
  }) => {
    const h = await bot({ discord: { interactionTokenTtlMs: 400 } });
    h.anthropic.reply(
      h.anthropic.code('await sleep(800); 1'),
      h.anthropic.text('Finished after the token died.'),
    );
    const { interaction, thread } = await startTask(h, { prompt: 'outlive the token' });
    const [answer] = await waitForAnswers(h, thread.id);
    expect(answer?.content).toBe('Finished after the token died.');
    expect(Date.now() - h.discord.interaction(interaction).createdAt).toBeGreaterThan(400);
    expect(h.discord.requests.filter((r) => r.status >= 400)).toEqual([]);
    expect(h.errors).toEqual([]);
  });

  it('still answers when a moderator deleted the progress message mid-task', async ({ bot, expect }) => {
    const h = await bot();
    // The answer waits until the progress message is gone, so it is deleted mid-task however slow the machine.
    const { promise: deleting, resolve: answer } = Promise.withResolvers<void>();
    h.anthropic.reply(h.anthropic.code('5'));
    h.anthropic.replyWith(async () => {
      await deleting;
      return h.anthropic.text('Five.');
    });
    const { thread } = await startTask(h, { prompt: 'lose the progress message' });
    const progress = await h.discord.waitFor(() => progressMessages(h, thread.id)[0], 5000, 'progress');
    await h.discord.waitFor(
      () => h.app.audit.list(thread.id).some((entry) => entry.kind === 'code'),
      5000,
      'the code to run',
    );
    const deleted = await fetch(`${h.discord.apiUrl}/v10/channels/${thread.id}/messages/${progress.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bot ${h.discord.token}` },
    });
    expect(deleted.status).toBe(204);
    answer();
    const [posted] = await waitForAnswers(h, thread.id);
    expect(posted?.content).toBe('Five.');
    expect(botMessages(h, thread.id).some((m) => m.content.startsWith('❌'))).toBe(false);
  });
});

// Alone: the gaps between edits are timed where they arrive, which other tests' work would shift.
describe('/task progress', () => {
  it('edits the progress live, at most about once per PROGRESS_EDIT_MS (200 ms here)', async ({
    bot,
    expect,
  }) => {
    const h = await bot();
    const step = (n: number) =>
      h.anthropic.code(`const x${n} = ${n} * 10; console.log('step', ${n}); x${n}`, { delayMs: 120 });
    h.anthropic.reply(
      step(1),
      step(2),
      step(3),
      step(4),
      step(5),
      h.anthropic.text('Done: 150.', { delayMs: 120 }),
    );
    const { thread } = await startTask(h, { prompt: 'five small steps' });
    await waitForAnswers(h, thread.id);
    const [progress] = progressMessages(h, thread.id);
    if (!progress) throw new Error('no progress message');

    // Each edit replaced a version: `replacedAt` is when the edit arrived.
    const editTimes = progress.history.map((version) => version.replacedAt);
    const elapsed = (editTimes.at(-1) ?? 0) - progress.createdAt;
    expect(elapsed).toBeGreaterThan(600);
    expect(editTimes.length).toBeGreaterThanOrEqual(3);
    // Throttled: no more edits than intervals, plus the final one; and no two throttled edits close together.
    expect(editTimes.length).toBeLessThanOrEqual(Math.ceil(elapsed / 200) + 2);
    // The first edit waits an interval after the message was sent; the final one comes at once.
    const gaps = editTimes
      .slice(0, -1)
      .map((at, i) => at - (i === 0 ? progress.createdAt : (editTimes[i - 1] ?? 0)));
    // Gaps are seen where the edits arrive: REST latency on a busy machine shifts each by tens of ms
    // (148 ms was seen), while edits that were not throttled would come a few ms apart.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(100);
    // The states in between were seen: steps counted up while the task ran.
    const steps = progress.history.map((v) => Number(/step (\d+)\/12/.exec(v.content)?.[1] ?? 0));
    expect(Math.max(...steps)).toBeGreaterThanOrEqual(3);
    expect(progress.content).toMatch(/^✅ \*\*Done\*\* · step 6\/12/);
  });
});
