/**
 * Iteration in the thread: a member's message continues the task with the sandbox state of the
 * previous turns, messages sent while a step runs wait in order, and attachments join the workspace.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BotHarness, createBotHarness } from './bot-harness.ts';
import {
  botMessages,
  holdFirstReply,
  startTask,
  toolResults,
  userTexts,
  waitForAnswers,
  waitForIdle,
} from './bot-steps.ts';

let h: BotHarness;
beforeEach(async () => {
  h = await createBotHarness();
});
afterEach(async () => {
  await h.close();
});

describe('follow-ups in a task thread', () => {
  it('continue the task with the previous state: a variable from turn 1 is used in turn 2', async () => {
    h.anthropic.reply(
      h.anthropic.code('const total = [10, 12, 18].reduce((a, b) => a + b, 0); total'),
      h.anthropic.text('The total is 40.'),
    );
    const { thread } = await startTask(h, { prompt: 'add up 10, 12 and 18' });
    await waitForAnswers(h, thread.id);
    await waitForIdle(h, thread.id);

    h.anthropic.reply(h.anthropic.code('total + 2'), h.anthropic.text('With two more: 42.'));
    await h.discord.message({ channelId: thread.id, author: 'alice', content: 'and with 2 more?' });
    const answers = await waitForAnswers(h, thread.id, 2);
    expect(answers[1]?.content).toBe('With two more: 42.');

    // Turn 2's first request carries turn 1's conversation, then the new message.
    expect(h.anthropic.requests).toHaveLength(4);
    expect(userTexts(h, 2)).toEqual(['add up 10, 12 and 18', 'and with 2 more?']);
    expect(toolResults(h, 2)).toEqual(['=> 40']);
    // The code of turn 2 saw `total` from turn 1.
    expect(toolResults(h, 3)).toEqual(['=> 40', '=> 42']);
    expect(h.errors).toEqual([]);
  });

  it('queue messages sent while a step runs, and run them in order', async () => {
    // The first step holds its model call until both messages are queued.
    const release = holdFirstReply(h, h.anthropic.code('"slow done"'), [
      'First answer.',
      'Second answer.',
      'Third answer.',
    ]);
    const { thread } = await startTask(h, { prompt: 'a slow first step' });
    await h.discord.waitFor(() => h.anthropic.requests.length >= 1, 5000, 'the first model request');
    await h.discord.message({ channelId: thread.id, author: 'alice', content: 'second message' });
    await h.discord.message({ channelId: thread.id, author: 'bob', content: 'third message' });
    await h.discord.waitFor(() => h.discord.unhandled.length === 2, 5000, 'both messages marked as waiting');
    release();
    const answers = await waitForAnswers(h, thread.id, 3);
    expect(answers.map((m) => m.content)).toEqual(['First answer.', 'Second answer.', 'Third answer.']);
    expect(userTexts(h, 2)).toEqual(['a slow first step', 'second message']);
    expect(userTexts(h, 3)).toEqual(['a slow first step', 'second message', 'third message']);
    // One progress message per message, each finished.
    const progress = botMessages(h, thread.id).filter((m) => /· step \d+\/12 ·/.test(m.content));
    expect(progress.map((m) => m.content.split(' · ')[0])).toEqual([
      '✅ **Done**',
      '✅ **Done**',
      '✅ **Done**',
    ]);
    // The waiting messages were marked with a reaction (the fake has no reactions route: they are 404s).
    expect(h.discord.unhandled.map((r) => `${r.method} ${r.path.replace(/\d{6,}/g, ':id')}`)).toEqual(
      Array(2).fill('PUT /channels/:id/messages/:id/reactions/⏳/@me'),
    );
  });

  it('add the attachments of a follow-up to the workspace before the agent runs', async () => {
    h.anthropic.reply(h.anthropic.text('Send me the data.'));
    const { thread } = await startTask(h, { prompt: 'sum the numbers I will send' });
    await waitForAnswers(h, thread.id);
    await waitForIdle(h, thread.id);

    h.anthropic.reply(
      h.anthropic.code(
        "const { text } = await tools.workspace.readText({ path: 'numbers.txt' });\ntext.split('\\n').filter(Boolean).map(Number).reduce((a, b) => a + b, 0)",
      ),
      h.anthropic.text('They add up to 60.'),
    );
    await h.discord.message({
      channelId: thread.id,
      author: 'alice',
      content: '',
      attachments: [{ name: 'numbers.txt', content: '10\n20\n30\n' }],
    });
    await waitForAnswers(h, thread.id, 2);
    expect(userTexts(h, 1).at(-1)).toBe('I added numbers.txt to the workspace.');
    expect(toolResults(h, 2)).toEqual(['=> 60']);
    const workspace = h.app.sessions.get(thread.id)?.workspaceDir ?? '';
    expect(await readFile(path.join(workspace, 'numbers.txt'), 'utf8')).toBe('10\n20\n30\n');
  });

  it('ignore messages outside task threads and messages of bots', async () => {
    await h.discord.message({ channelId: 'general', author: 'alice', content: 'just chatting' });
    h.anthropic.reply(h.anthropic.text('Done.'));
    const { thread } = await startTask(h, { prompt: 'one task' });
    await waitForAnswers(h, thread.id);
    await waitForIdle(h, thread.id);
    // The bot's own messages in the thread (the answer) did not start anything: a member's message
    // after them, in the same session's queue, is the next request, with nothing in between.
    h.anthropic.reply(h.anthropic.text('Next.'));
    await h.discord.message({ channelId: thread.id, author: 'alice', content: 'and then?' });
    await waitForAnswers(h, thread.id, 2);
    expect(h.anthropic.requests).toHaveLength(2);
    expect(userTexts(h, 1)).toEqual(['one task', 'and then?']);
    // in #general the bot only answered the command (type 20: "Working on it in …")
    expect(botMessages(h, h.discord.channelId('general')).map((m) => m.type)).toEqual([20]);
  });
});
