/**
 * /skills (list, search, show, delete, autocomplete) against a small in-memory skill library (the
 * buttons under an answer are in answer-buttons.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type BotHarness, createBotHarness } from './bot-harness.ts';
import { replyTo, startTask, waitForAnswers } from './bot-steps.ts';
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
