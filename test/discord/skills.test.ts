/**
 * /skills (list, search, show, delete, autocomplete) against a small in-memory skill library, and
 * the buttons under an answer: votes for the skills used and learned, and "show the learned skill".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type BotHarness, createBotHarness } from './bot-harness.ts';
import { buttonIds, replyTo, startTask, waitForAnswers } from './bot-steps.ts';
import { createMemorySkills, type MemorySkills } from './memory-skills.ts';

let h: BotHarness | undefined;
let library: MemorySkills;

async function start(options: { learnAs?: string; withAdmin?: boolean } = {}): Promise<BotHarness> {
  library = createMemorySkills(
    [
      {
        name: 'double-it',
        description: 'Doubles a number',
        signature: 'doubleIt(n: number): number',
        code: 'function doubleIt(n) { return n * 2; }',
      },
      {
        name: 'parse-csv',
        description: 'Parses CSV text into rows',
        signature: 'parseCsv(text: string): string[][]',
        code: "function parseCsv(text) { return text.trim().split('\\n').map((l) => l.split(',')); }",
      },
    ],
    options.learnAs ? { learnAs: options.learnAs } : {},
  );
  h = await createBotHarness({
    skillSource: library.source,
    ...(options.withAdmin === false ? {} : { skillAdmin: library.admin }),
  });
  return h;
}

afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Run /skills <sub> and return the (ephemeral) reply. */
async function skills(
  h: BotHarness,
  subcommand: string,
  options: Record<string, string> = {},
  user = 'alice',
) {
  const interaction = await h.discord.slashCommand({ name: 'skills', subcommand, options, user });
  const reply = await replyTo(h, interaction);
  expect(reply.ephemeral).toBe(true);
  return reply.content;
}

describe('/skills', () => {
  it('lists, searches and shows skills', async () => {
    const h = await start();
    const list = await skills(h, 'list');
    expect(list.split('\n')).toEqual([
      '• **double-it** (global) — Doubles a number · used 0, 0 ok, +0',
      '• **parse-csv** (global) — Parses CSV text into rows · used 0, 0 ok, +0',
    ]);
    expect(await skills(h, 'search', { query: 'csv rows' })).toBe(
      '• **parse-csv** (global) — Parses CSV text into rows · used 0, 0 ok, +0',
    );
    expect(await skills(h, 'search', { query: 'weather' })).toBe('No skills found.');
    expect(await skills(h, 'show', { name: 'double-it' })).toBe(
      '**double-it** v1 (seed, global) — Doubles a number\n`doubleIt(n: number): number`\n```js\nfunction doubleIt(n) { return n * 2; }\n```',
    );
    expect(await skills(h, 'show', { name: 'nope' })).toBe('No skill named nope.');
  });

  it('autocompletes skill names', async () => {
    const h = await start();
    const interaction = await h.discord.autocomplete({
      name: 'skills',
      subcommand: 'show',
      options: { name: 'PARSE' },
      focused: 'name',
    });
    const callback = await h.discord.waitForCallback(interaction);
    expect(callback.type).toBe(8);
    expect(callback.data).toEqual({ choices: [{ name: 'parse-csv', value: 'parse-csv' }] });
  });

  it('delete: refused for someone who is neither the author nor an admin; allowed for the author', async () => {
    const h = await start({ learnAs: 'triple-it' });
    h.anthropic.reply(h.anthropic.code('21 * 3'), h.anthropic.text('63'));
    const { thread } = await startTask(h, { prompt: 'triple 21', user: 'bob' });
    await waitForAnswers(h, thread.id);
    expect(library.skills.get(`${h.discord.guildId}/triple-it`)?.author).toBe(h.discord.user('bob').id);

    // a third member, not the author and not an admin
    expect(await skills(h, 'delete', { name: 'double-it' }, 'bob')).toBe(
      'Only the author of a skill or an admin can delete it.',
    );
    expect(library.skills.has('global/double-it')).toBe(true);
    // alice is an admin (Administrator): she may delete a seed
    expect(await skills(h, 'delete', { name: 'double-it' }, 'alice')).toBe('Deleted double-it.');
    expect(library.skills.has('global/double-it')).toBe(false);
    // bob deletes his own skill
    expect(await skills(h, 'delete', { name: 'triple-it' }, 'bob')).toBe('Deleted triple-it.');
    expect(await skills(h, 'list')).toBe(
      '• **parse-csv** (global) — Parses CSV text into rows · used 0, 0 ok, +0',
    );
  });

  it('says so when the bot has no skill library', async () => {
    const h = await start({ withAdmin: false });
    expect(await skills(h, 'list')).toBe('The skill library is not enabled on this bot.');
  });
});

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
    expect(buttonIds(answer)).toEqual([
      `vote:${thread.id}:up`,
      `vote:${thread.id}:down`,
      `skill:${thread.id}`,
    ]);
    expect(library.skills.get('global/double-it')).toMatchObject({ used: 1, succeeded: 1 });

    const up = await h.discord.clickButton({
      message: answer.id,
      customId: `vote:${thread.id}:up`,
      user: 'bob',
    });
    const thanks = await replyTo(h, up);
    expect(thanks.content).toBe('Thanks! Your vote counts for double-and-add, double-it.');
    expect(thanks.ephemeral).toBe(true);
    const down = await h.discord.clickButton({ message: answer.id, customId: `vote:${thread.id}:down` });
    await replyTo(h, down);
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

    const show = await h.discord.clickButton({ message: answer.id, customId: `skill:${thread.id}` });
    const shown = await replyTo(h, show);
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
    expect(answer && buttonIds(answer)).toEqual([`vote:${thread.id}:up`, `vote:${thread.id}:down`]);
    const up = await h.discord.clickButton({ message: answer?.id ?? '', customId: `vote:${thread.id}:up` });
    expect((await replyTo(h, up)).content).toBe('Thanks for the feedback!');
    expect(library.votes).toEqual([]);
  });
});
