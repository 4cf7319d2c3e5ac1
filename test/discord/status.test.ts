/**
 * /status: the queue and the memory live sandboxes hold, as a member of an allowed server sees them;
 * refused to members outside the allowlists.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type BotHarness, createBotHarness } from './bot-harness.ts';
import { holdFirstReply, replyTo, startTask, waitForAnswers } from './bot-steps.ts';

let h: BotHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('/status', () => {
  it('shows running and queued tasks of this server and the sandboxes’ memory', async () => {
    h = await createBotHarness({ env: { MAX_CONCURRENT_TASKS: '1', SANDBOX_WORKERS: 'process' } });
    const release = holdFirstReply(
      h,
      h.anthropic.code('globalThis.kept = Array.from({ length: 200_000 }, (_, i) => ({ i })); kept.length'),
      ['done', 'second done'],
    );
    const first = await startTask(h, { prompt: 'first', user: 'alice' });
    const second = await startTask(h, { prompt: 'second', user: 'bob' });
    await h.discord.waitFor(() => h?.app.service.status().queued === 1, 5000, 'the second task queued');
    const busy = await replyTo(h, await h.discord.slashCommand({ name: 'status', user: 'bob' }));
    expect(busy.ephemeral).toBe(true);
    expect(busy.content).toMatch(
      /^\*\*Tasks\*\*: 1 running of 1 slots, 1 queued \(this server: 1 running of at most 1, 1 queued\)\./,
    );
    release();
    await waitForAnswers(h, first.thread.id);
    await waitForAnswers(h, second.thread.id);
    // The heap figure is refreshed asynchronously: ask until the fresh one shows.
    let idle = await replyTo(h, await h.discord.slashCommand({ name: 'status' }));
    for (let i = 0; i < 10 && !/sandboxes hold \d+(\.\d+)? MB/.test(idle.content); i++)
      idle = await replyTo(h, await h.discord.slashCommand({ name: 'status' }));
    expect(idle.content).toContain('**Tasks**: 0 running of 1 slots, 0 queued');
    expect(idle.content).toContain('**Sessions**: 2 with a live sandbox (at most 64;');
    // The first task's isolate keeps 200,000 objects: megabytes of heap, shown in MB.
    expect(idle.content).toMatch(/sandboxes hold \d+(\.\d+)? MB/);
    // The first task's isolate lives in a worker process (the second ran no code: none placed).
    const [worker] = h.app.sandboxPool?.status() ?? [];
    expect(idle.content).toMatch(
      new RegExp(
        `^\\*\\*Sandbox processes\\*\\*: 1 sandbox process \\(pid ${worker?.pid}\\) holds 1 sandbox in \\d+(\\.\\d+)? MB resident\\.$`,
        'm',
      ),
    );
  });

  it('is refused to a member outside the allowlist', async () => {
    h = await createBotHarness({ env: (d) => ({ ALLOWED_USERS: d.user('alice').id }) });
    const reply = await replyTo(h, await h.discord.slashCommand({ name: 'status', user: 'bob' }));
    expect(reply.content).toMatch(/not on the list/);
  });
});

describe('/usage', () => {
  it('shows the caller’s and the server’s spend against the quotas; only admins see the top members', async () => {
    // In the fake's default server alice has the Administrator permission and bob does not.
    h = await createBotHarness({ env: { QUOTA_MEMBER_DAILY_USD: '5' } });
    h.anthropic.reply(h.anthropic.text('done'));
    const task = await startTask(h, { prompt: 'spend a little', user: 'bob' });
    await waitForAnswers(h, task.thread.id);
    const mine = await replyTo(h, await h.discord.slashCommand({ name: 'usage', user: 'bob' }));
    expect(mine.ephemeral).toBe(true);
    expect(mine.content).toMatch(/^\*\*You\*\*: \$\S+ of \$5\.00 today, \$\S+ this month\./);
    expect(mine.content).not.toContain('Top this month');
    const admin = await replyTo(h, await h.discord.slashCommand({ name: 'usage', user: 'alice' }));
    expect(admin.content).toContain(`**Top this month**: <@${h.discord.user('bob').id}>`);
    // Mentions are never pinged: the bot sends with mentions disabled.
    expect(admin.allowedMentions).toEqual({ parse: [] });
  });
});
