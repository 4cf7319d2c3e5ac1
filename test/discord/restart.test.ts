/**
 * Restarts lose nothing: sessions live in the store, a follow-up after a restart continues the
 * transcript (the agent is told the sandbox state is gone), and a task that was running when the bot
 * stopped is marked interrupted and its thread told on the next start.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RESTORED_NOTE } from '../../src/agent/task-session.ts';
import { type BotHarness, createBotHarness } from './bot-harness.ts';
import {
  botMessages,
  buttonIds,
  progressMessages,
  startTask,
  toolResults,
  userTexts,
  waitForAnswers,
  waitForIdle,
  waitForMessage,
} from './bot-steps.ts';

let h: BotHarness;
beforeEach(async () => {
  h = await createBotHarness();
});
afterEach(async () => {
  await h.close();
});

describe('restarts', () => {
  it('a follow-up after a restart continues the transcript, and the agent is told the sandbox was reset', async () => {
    h.anthropic.reply(h.anthropic.code('const total = 40; total'), h.anthropic.text('Total: 40.'));
    const { thread } = await startTask(h, { prompt: 'compute the total', user: 'alice' });
    await waitForAnswers(h, thread.id);
    await waitForIdle(h, thread.id);

    await h.restart();
    expect(h.discord.sessions().filter((s) => s.connected)).toHaveLength(1);

    h.anthropic.reply(h.anthropic.code('typeof total'), h.anthropic.text('I recomputed it: 42.'));
    await h.discord.message({ channelId: thread.id, author: 'alice', content: 'add 2 to it' });
    const answers = await waitForAnswers(h, thread.id, 2);
    expect(answers[1]?.content).toBe('I recomputed it: 42.');

    // The request after the restart holds turn 1 as it was, then the note and the new message.
    const before = h.anthropic.requests[1]?.body?.messages ?? [];
    const after = h.anthropic.requests[2]?.body?.messages ?? [];
    expect(before).toHaveLength(3);
    expect(after).toHaveLength(5);
    const plain = (messages: typeof before) =>
      messages.map((m) => ({ ...m, content: stripCache(m.content) }));
    expect(plain(after.slice(0, 3))).toEqual(plain(before));
    expect(userTexts(h, 2)).toEqual(['compute the total', `[${RESTORED_NOTE}]\n\nadd 2 to it`]);
    expect(toolResults(h, 2)).toEqual(['=> 40']);
    // the sandbox state really is gone
    expect(toolResults(h, 3).at(-1)).toBe("=> 'undefined'");
    // the note is said once
    h.anthropic.reply(h.anthropic.text('Still here.'));
    await h.discord.message({ channelId: thread.id, author: 'alice', content: 'thanks' });
    await waitForAnswers(h, thread.id, 3);
    expect(userTexts(h, 4).filter((text) => text.includes(RESTORED_NOTE))).toHaveLength(1);
    // The message's work is over (saved, slot freed) before anything is said about its state or errors.
    await waitForIdle(h, thread.id);
    expect(h.app.sessions.get(thread.id)).toMatchObject({
      owner: h.discord.user('alice').id,
      status: 'idle',
    });
    expect(h.errors).toEqual([]);
  });

  it('a task running when the bot stops is marked interrupted, and its thread is told on the next start', async () => {
    h.anthropic.reply(h.anthropic.code('await sleep(20_000); "never"'));
    const { thread } = await startTask(h, { prompt: 'a long job', user: 'bob' });
    await h.discord.waitFor(
      () => h.app.audit.list(thread.id).some((entry) => entry.kind === 'code'),
      5000,
      'the code to run',
    );
    await h.restart();

    const notice = await waitForMessage(
      h,
      thread.id,
      (m) => m.content.includes('restarted while'),
      'the notice',
    );
    expect(notice.content).toBe(
      '⚠️ Toolsmith restarted while this task was running, so the step was interrupted. ' +
        'Send a message here to continue: the conversation and files are kept, the sandbox variables are not.',
    );
    expect(h.app.sessions.get(thread.id)?.status).toBe('interrupted');
    // The progress message does not claim to be working, and has no Stop button left.
    const [progress] = progressMessages(h, thread.id);
    expect(progress?.content).not.toMatch(/Working/);
    expect(progress && buttonIds(progress)).toEqual([]);
    // Told once: another restart says nothing more. The restart resolves once the new bot has told
    // every interrupted thread (its start awaits that), so nothing is left to come from it.
    const told = () => botMessages(h, thread.id).filter((m) => m.content.includes('restarted while'));
    await h.restart();
    expect(told()).toHaveLength(1);

    // The thread continues.
    h.anthropic.reply(h.anthropic.text('Picking up where we left off.'));
    await h.discord.message({ channelId: thread.id, author: 'bob', content: 'go on' });
    const answers = await waitForAnswers(h, thread.id);
    expect(answers.at(-1)?.content).toBe('Picking up where we left off.');
    expect(userTexts(h, 1).at(-1)).toBe(`[${RESTORED_NOTE}]\n\ngo on`);
    await waitForIdle(h, thread.id);
    expect(h.app.sessions.get(thread.id)?.status).toBe('idle');
    // Still told once, now that the new bot has long been at work in the thread.
    expect(told()).toHaveLength(1);
    expect(h.errors).toEqual([]);
  });

  it('two messages arriving together after a restart continue one session, in order', async () => {
    h.anthropic.reply(h.anthropic.text('Ready.'));
    const { thread } = await startTask(h, { prompt: 'before the restart', user: 'alice' });
    await waitForAnswers(h, thread.id);
    await waitForIdle(h, thread.id);
    await h.restart();
    h.anthropic.reply(h.anthropic.text('One.'), h.anthropic.text('Two.'));
    await Promise.all([
      h.discord.message({ channelId: thread.id, author: 'alice', content: 'first after restart' }),
      h.discord.message({ channelId: thread.id, author: 'bob', content: 'second after restart' }),
    ]);
    const answers = await waitForAnswers(h, thread.id, 3);
    expect(answers.map((m) => m.content)).toEqual(['Ready.', 'One.', 'Two.']);
    expect(userTexts(h, 2)).toEqual([
      'before the restart',
      `[${RESTORED_NOTE}]\n\nfirst after restart`,
      'second after restart',
    ]);
  });

  it('a corrupt session row neither keeps the bot from starting nor other threads from being told', async () => {
    h.anthropic.reply(h.anthropic.code('await sleep(20_000)'));
    const { thread } = await startTask(h, { prompt: 'running at the restart', user: 'alice' });
    await h.discord.waitFor(
      () => h.app.audit.list(thread.id).some((entry) => entry.kind === 'code'),
      5000,
      'the code to run',
    );
    const at = new Date().toISOString();
    h.app.store.db
      .prepare(
        `INSERT INTO sessions (id, scope, owner, channel_id, title, status, workspace_dir, snapshot, created_at, updated_at)
         VALUES ('999', 'g', 'u', '999', 'broken', 'running', '/nowhere', '{not json', ?, ?)`,
      )
      .run(at, at);
    await h.restart();
    await waitForMessage(h, thread.id, (m) => m.content.includes('restarted while'), 'the notice');
    expect(h.app.sessions.get(thread.id)?.status).toBe('interrupted');
    const broken = h.app.store.db.prepare("SELECT status FROM sessions WHERE id = '999'").get();
    expect(broken).toEqual({ status: 'interrupted' });
  });

  it('a follow-up in a thread whose saved conversation is unreadable gets a clear answer', async () => {
    h.anthropic.reply(h.anthropic.text('Saved.'));
    const { thread } = await startTask(h, { prompt: 'soon unreadable', user: 'alice' });
    await waitForAnswers(h, thread.id);
    await waitForIdle(h, thread.id);
    await h.restart();
    h.app.store.db.prepare("UPDATE sessions SET snapshot = '{not json' WHERE id = ?").run(thread.id);
    const message = await h.discord.message({ channelId: thread.id, author: 'alice', content: 'continue' });
    const reply = await h.discord.waitFor(
      () => botMessages(h, thread.id).find((m) => m.referenceId === message.id),
      5000,
      'the reply',
    );
    expect(reply.content).toBe(
      "⚠️ This task's saved conversation cannot be read, so it cannot go on here: start a new one with /task.",
    );
    // The operator's log says why, before the member was answered.
    expect(h.logs).toContain(
      `session ${thread.id} cannot be restored: the transcript of session ${thread.id} is not valid JSON`,
    );
    expect(h.errors).toEqual([]);
    expect(h.anthropic.requests).toHaveLength(1);
  });

  it('a message waiting behind a step when the bot stops is not dropped silently', async () => {
    h.anthropic.reply(h.anthropic.code('await sleep(20_000)'));
    const { thread } = await startTask(h, { prompt: 'busy when stopping', user: 'alice' });
    await h.discord.waitFor(
      () => h.app.audit.list(thread.id).some((entry) => entry.kind === 'code'),
      5000,
      'the code to run',
    );
    await h.discord.message({ channelId: thread.id, author: 'alice', content: 'and then this' });
    // the bot marks a message that waits with ⏳ (a request the fake does not serve) once it queued it
    await h.discord.waitFor(
      () => h.discord.unhandled.some((r) => r.path.includes('/reactions/')),
      5000,
      'the ⏳',
    );
    await h.restart();
    const said = botMessages(h, thread.id).map((m) => m.content);
    expect(said).toContain(
      '⚠️ Toolsmith is restarting, so this message was not worked on: send it again when the bot is back.',
    );
    const [progress] = progressMessages(h, thread.id);
    expect(progress?.content).toMatch(
      /^⚠️ \*\*Interrupted\*\*.*\n> Toolsmith is restarting: this step was interrupted\./,
    );
    expect(h.anthropic.requests).toHaveLength(1);
  });
});

/** The client marks the last block of a request with cache_control; compare without it. */
function stripCache(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  return content.map((block: unknown) =>
    typeof block === 'object' && block !== null
      ? Object.fromEntries(Object.entries(block).filter(([key]) => key !== 'cache_control'))
      : block,
  );
}
