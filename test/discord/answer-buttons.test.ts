/**
 * The buttons under an answer: votes for the skills that answer used and learned, one per member per
 * answer, for the answer clicked (not the thread's latest), after a restart too; "Skill" shows the
 * learned one. Members outside the allowlists are refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type BotHarness, createBotHarness } from './bot-harness.ts';
import { buttonIds, replyTo, startTask, waitForAnswers } from './bot-steps.ts';
import { createMemorySkills, type MemorySkills } from './memory-skills.ts';

let h: BotHarness | undefined;
let library: MemorySkills;

async function start(
  options: { learnAs?: string; env?: (d: BotHarness['discord']) => Record<string, string> } = {},
) {
  library = createMemorySkills(
    [
      {
        name: 'double-it',
        description: 'Doubles a number',
        signature: 'doubleIt(n: number): number',
        code: 'function doubleIt(n) { return n * 2; }',
      },
    ],
    options.learnAs ? { learnAs: options.learnAs } : {},
  );
  h = await createBotHarness({
    skillSource: library.source,
    skillAdmin: library.admin,
    ...(options.env ? { env: options.env } : {}),
  });
  return h;
}

afterEach(async () => {
  await h?.close();
  h = undefined;
});

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('answer buttons', () => {
  it('votes count for the skills used and learned; "Skill" shows the learned one', async () => {
    const h = await start({ learnAs: 'double-and-add' });
    h.anthropic.reply(
      h.anthropic.code('const doubled = await skills.doubleIt(20);\ndoubled + 2'),
      h.anthropic.text('42, using doubleIt.'),
    );
    const { thread } = await startTask(h, { prompt: 'double 20 and add 2', user: 'alice' });
    const [answer] = await waitForAnswers(h, thread.id);
    if (!answer) throw new Error('no answer');
    const [up, down, show] = buttonIds(answer);
    expect(up).toMatch(new RegExp(`^vote:${UUID}:up$`));
    expect(down).toMatch(new RegExp(`^vote:${UUID}:down$`));
    expect(show).toMatch(new RegExp(`^skill:${UUID}$`));
    expect(library.skills.get('global/double-it')).toMatchObject({ used: 1, succeeded: 1 });

    const thanks = await replyTo(
      h,
      await h.discord.clickButton({ message: answer.id, customId: up ?? '', user: 'bob' }),
    );
    expect(thanks.content).toBe('Thanks! Your vote counts for double-and-add, double-it.');
    expect(thanks.ephemeral).toBe(true);
    await replyTo(h, await h.discord.clickButton({ message: answer.id, customId: down ?? '' }));
    expect(library.votes).toEqual([
      { name: 'double-and-add', scope: h.discord.guildId, delta: 1 },
      { name: 'double-it', scope: h.discord.guildId, delta: 1 },
      { name: 'double-and-add', scope: h.discord.guildId, delta: -1 },
      { name: 'double-it', scope: h.discord.guildId, delta: -1 },
    ]);
    const votes = h.app.audit.list(thread.id).filter((entry) => entry.kind === 'vote');
    expect(votes.map((entry) => [entry.actor, entry.data.delta])).toEqual([
      [h.discord.user('bob').id, 1],
      [h.discord.user('alice').id, -1],
    ]);

    const shown = await replyTo(h, await h.discord.clickButton({ message: answer.id, customId: show ?? '' }));
    expect(shown.ephemeral).toBe(true);
    expect(shown.content).toBe(
      '**double-and-add** — Learned from: double 20 and add 2\n`doubleAndAdd()`\n```js\nconst doubled = await skills.doubleIt(20);\ndoubled + 2\n```',
    );
  });

  it('an answer that used and learned no skill still takes votes, counting for nothing', async () => {
    const h = await start();
    h.anthropic.reply(h.anthropic.text('Plain answer.'));
    const { thread } = await startTask(h, { prompt: 'no skills here' });
    const [answer] = await waitForAnswers(h, thread.id);
    const [up] = answer ? buttonIds(answer) : [];
    const click = await h.discord.clickButton({ message: answer?.id ?? '', customId: up ?? '' });
    expect((await replyTo(h, click)).content).toBe('Thanks for the feedback!');
    expect(library.votes).toEqual([]);
  });

  it('vote stuffing: 25 clicks by one member count once; a member outside ALLOWED_USERS is refused', async () => {
    const h = await start({ env: (d) => ({ ALLOWED_USERS: d.user('alice').id }) });
    h.anthropic.reply(h.anthropic.code('await skills.doubleIt(2)'), h.anthropic.text('4'));
    const { thread } = await startTask(h, { prompt: 'double 2', user: 'alice' });
    const [answer] = await waitForAnswers(h, thread.id);
    const [up] = answer ? buttonIds(answer) : [];
    const replies: string[] = [];
    for (let i = 0; i < 25; i++) {
      const click = await h.discord.clickButton({
        message: answer?.id ?? '',
        customId: up ?? '',
        user: 'alice',
      });
      replies.push((await replyTo(h, click)).content);
    }
    expect(replies[0]).toBe('Thanks! Your vote counts for double-it.');
    expect(new Set(replies.slice(1))).toEqual(new Set(['You already voted on this answer: one vote each.']));
    const outsider = await h.discord.clickButton({
      message: answer?.id ?? '',
      customId: up ?? '',
      user: 'bob',
    });
    expect((await replyTo(h, outsider)).content).toMatch(/not on the list/);
    expect(library.votes).toEqual([{ name: 'double-it', scope: h.discord.guildId, delta: 1 }]);
  });

  it('a vote goes to the answer clicked, not the thread’s latest, and still works after a restart', async () => {
    const h = await start();
    h.anthropic.reply(h.anthropic.code('await skills.doubleIt(2)'), h.anthropic.text('4'));
    const { thread } = await startTask(h, { prompt: 'double 2', user: 'alice' });
    const [first] = await waitForAnswers(h, thread.id);
    h.anthropic.reply(h.anthropic.text('no skill this time'));
    await h.discord.message({ channelId: thread.id, content: 'and now plain', author: 'alice' });
    await waitForAnswers(h, thread.id, 2);
    await h.restart();
    const [up] = first ? buttonIds(first) : [];
    const click = await h.discord.clickButton({ message: first?.id ?? '', customId: up ?? '', user: 'bob' });
    expect((await replyTo(h, click)).content).toBe('Thanks! Your vote counts for double-it.');
    expect(library.votes).toEqual([{ name: 'double-it', scope: h.discord.guildId, delta: 1 }]);
  });
});
