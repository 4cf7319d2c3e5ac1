/**
 * Stopping: the Stop button on the progress message and /stop in the thread cancel the running step
 * (running code or a model call), for the task's owner or an admin only; the thread stays usable.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BotHarness, createBotHarness } from './bot-harness.ts';
import {
  buttonIds,
  progressMessages,
  replyTo,
  startTask,
  toolResults,
  waitForAnswers,
  waitForIdle,
} from './bot-steps.ts';

let h: BotHarness;
beforeEach(async () => {
  // Stop reaches code in a sandbox worker process, as in production.
  h = await createBotHarness({ env: { SANDBOX_WORKERS: 'process' } });
});
afterEach(async () => {
  await h.close();
});

/** Wait until the thread's task is running code (the audit log has its code row). */
const codeRunning = (threadId: string) =>
  h.discord.waitFor(
    () => h.app.audit.list(threadId).some((entry) => entry.kind === 'code'),
    5000,
    'the code to start',
  );

describe('stop', () => {
  it('the Stop button cancels running code, and the thread then continues', async () => {
    h.anthropic.reply(
      h.anthropic.code(
        "const kept = 1;\nawait tools.workspace.write({ path: 'started.txt', content: 'yes' });\nawait sleep(20_000);\n'never'",
      ),
    );
    const { thread } = await startTask(h, { prompt: 'a step that never ends', user: 'alice' });
    // Past `kept = 1` for sure: the code's tool call is in the audit log (a sandbox process may still be
    // starting when the code row is written).
    await h.discord.waitFor(
      () => h.app.audit.list(thread.id).some((entry) => entry.kind === 'tool'),
      10_000,
      'the code to call its tool',
    );
    const [progress] = progressMessages(h, thread.id);
    if (!progress) throw new Error('no progress message');
    expect(buttonIds(progress)).toEqual([`stop:${thread.id}`]);

    const started = Date.now();
    const click = await h.discord.clickButton({
      message: progress.id,
      customId: `stop:${thread.id}`,
      user: 'alice',
    });
    const reply = await replyTo(h, click);
    expect(reply.content).toBe('Stopping the running step…');
    expect(reply.ephemeral).toBe(true);
    const [answer] = await waitForAnswers(h, thread.id);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(answer?.content).toBe('Stopped: the task was cancelled.');
    const stopped = h.discord.getMessage(progress.id);
    expect(stopped?.content).toMatch(/^⏹️ \*\*Stopped\*\*/);
    expect(stopped && buttonIds(stopped)).toEqual([]);
    expect(h.anthropic.requests).toHaveLength(1);
    await waitForIdle(h, thread.id);
    expect(h.app.audit.list(thread.id).find((e) => e.kind === 'outcome')?.data).toMatchObject({
      ok: false,
      stopReason: 'aborted',
    });

    h.anthropic.reply(h.anthropic.code('typeof kept'), h.anthropic.text('Back at work.'));
    await h.discord.message({ channelId: thread.id, author: 'alice', content: 'try again' });
    await waitForAnswers(h, thread.id, 2);
    // Stopped while it waited on a timer, the sandbox keeps its variables; stopped while the isolate was
    // busy (a slow machine), it was reset, and the agent is told so. Either way the agent knows.
    expect([
      "=> 'number'",
      "(note: the sandbox was reset before this run; variables from earlier runs are gone)\n=> 'undefined'",
    ]).toContain(toolResults(h, 2).at(-1));
    expect(h.errors).toEqual([]);
  });

  it('/stop in the thread cancels a model call in flight', async () => {
    h.anthropic.reply(h.anthropic.stall());
    const { thread } = await startTask(h, { prompt: 'the model hangs', user: 'bob' });
    await h.discord.waitFor(() => h.anthropic.requests.length === 1, 5000, 'the model request');
    const stop = await h.discord.slashCommand({ name: 'stop', channelId: thread.id, user: 'bob' });
    const reply = await replyTo(h, stop);
    expect(reply.content).toBe('Stopping the running step…');
    expect(reply.ephemeral).toBe(false);
    const [answer] = await waitForAnswers(h, thread.id);
    expect(answer?.content).toBe('Stopped: the task was cancelled.');
    await h.discord.waitFor(
      () => h.anthropic.requests[0]?.clientClosed,
      5000,
      'the model call to be aborted',
    );
  });

  it('only the owner or an admin may stop a task; others are told so and the task goes on', async () => {
    // The answer waits until the refusals are seen, so the task is surely still running for them.
    const { promise: refused, resolve: answer } = Promise.withResolvers<void>();
    h.anthropic.reply(h.anthropic.code('7'));
    h.anthropic.replyWith(async () => {
      await refused;
      return h.anthropic.text('Seven.');
    });
    const { thread } = await startTask(h, { prompt: "alice's task", user: 'alice' });
    await codeRunning(thread.id);
    const [progress] = progressMessages(h, thread.id);
    const click = await h.discord.clickButton({
      message: progress?.id ?? '',
      customId: `stop:${thread.id}`,
      user: 'bob',
    });
    expect((await replyTo(h, click)).content).toBe(
      'Only the person who started this task (or an admin) can stop it.',
    );
    const stop = await h.discord.slashCommand({ name: 'stop', channelId: thread.id, user: 'bob' });
    expect((await replyTo(h, stop)).content).toBe(
      'Only the person who started this task (or an admin) can stop it.',
    );
    answer();
    expect((await waitForAnswers(h, thread.id))[0]?.content).toBe('Seven.');

    // alice has Discord's Administrator permission: she may stop bob's task
    h.anthropic.reply(h.anthropic.code('await sleep(20_000)'));
    const bobs = await startTask(h, { prompt: "bob's task", user: 'bob' });
    await codeRunning(bobs.thread.id);
    const adminStop = await h.discord.slashCommand({
      name: 'stop',
      channelId: bobs.thread.id,
      user: 'alice',
    });
    expect((await replyTo(h, adminStop)).content).toBe('Stopping the running step…');
    expect((await waitForAnswers(h, bobs.thread.id))[0]?.content).toBe('Stopped: the task was cancelled.');
  });

  it('/stop says when nothing runs, and where it can be used', async () => {
    const outside = await h.discord.slashCommand({ name: 'stop', channelId: 'general' });
    const outsideReply = await replyTo(h, outside);
    expect(outsideReply.content).toBe('Use /stop inside a task thread.');
    expect(outsideReply.ephemeral).toBe(true);

    h.anthropic.reply(h.anthropic.text('Quick.'));
    const { thread } = await startTask(h, { prompt: 'a quick one' });
    await waitForAnswers(h, thread.id);
    await waitForIdle(h, thread.id);
    const idle = await h.discord.slashCommand({ name: 'stop', channelId: thread.id });
    const idleReply = await replyTo(h, idle);
    expect(idleReply.content).toBe('Nothing is running in this thread.');
    expect(idleReply.ephemeral).toBe(true);
  });
});
