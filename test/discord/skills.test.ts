/**
 * /skills and /tools against the real skill library (seeds, store, index, trust rules) through real
 * discord.js and the fake Discord: browsing, the allowlists on every command, who may delete, and
 * review with Approve / Reject buttons (the buttons under an answer are in answer-buttons.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type BotHarness, type BotHarnessOptions, createBotHarness } from './bot-harness.ts';
import { buttonIds, replyTo } from './bot-steps.ts';

let h: BotHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(options: BotHarnessOptions = {}): Promise<BotHarness> {
  h = await createBotHarness({ realSkills: true, ...options });
  return h;
}

/** Run /skills <sub> and return the (ephemeral) reply. */
async function skills(
  h: BotHarness,
  subcommand: string,
  options: Record<string, string | number | boolean> = {},
  user = 'alice',
  guildId?: string,
) {
  const interaction = await h.discord.slashCommand({
    name: 'skills',
    subcommand,
    options,
    user,
    ...(guildId ? { guildId } : {}),
  });
  const reply = await replyTo(h, interaction);
  expect(reply.ephemeral).toBe(true);
  return reply;
}

/** A proposed skill learned from bob's task in the first guild (as learning would save it). */
async function bobsProposal(h: BotHarness) {
  const library = h.app.skillLibrary;
  if (!library) throw new Error('no library');
  await library.save({
    name: 'triple-it',
    description: 'Triple a number.',
    signature: 'tripleIt(n: number): number',
    code: 'function tripleIt(n) {\n  return n * 3;\n}',
    task: 'triple 21 for the report',
    scope: h.discord.guildId,
    author: h.discord.user('bob').id,
    source: 'learned',
    checkResult: 'passed: tripleIt returned the expected value',
  });
}

describe('/skills', () => {
  it('lists, searches and shows skills (by name or camelCase), with tools and the resolution order', async () => {
    const h = await start();
    const list = (await skills(h, 'list')).content;
    expect(list).toMatch(/^• \*\*clean-number\*\* \(global\) — /m);
    expect(list).toMatch(/^• \*\*parse-csv\*\* \(global\) — /m);
    expect((await skills(h, 'search', { query: 'read a csv file with quoted fields' })).content).toMatch(
      /\*\*parse-csv\*\*/,
    );
    const shown = (await skills(h, 'show', { name: 'parseCsv' })).content;
    expect(shown).toMatch(/^\*\*parse-csv\*\* v1 by toolsmith \(seed, global, approved\)/);
    expect(shown).toContain('Tools: none');
    expect(shown).toContain(
      "skills.<name> resolves to: this server's skill approved as an override, else the global skill",
    );
    expect(shown).toContain('function parseCsv(text, options = {})');
    expect((await skills(h, 'show', { name: 'nope' })).content).toBe('No skill named nope.');
  });

  it('every /skills and /tools call checks the allowlists', async () => {
    const h = await start({ env: (discord) => ({ ALLOWED_USERS: discord.user('alice').id }) });
    const refusal = 'You are not on the list of people who may use Toolsmith here; ask an admin.';
    for (const sub of ['list', 'review']) expect((await skills(h, sub, {}, 'bob')).content).toBe(refusal);
    expect((await skills(h, 'show', { name: 'parse-csv' }, 'bob')).content).toBe(refusal);
    expect((await skills(h, 'delete', { name: 'parse-csv' }, 'bob')).content).toBe(refusal);
    const tools = await replyTo(h, await h.discord.slashCommand({ name: 'tools', user: 'bob' }));
    expect(tools.content).toBe(refusal);
    const complete = await h.discord.autocomplete({
      name: 'skills',
      subcommand: 'show',
      options: { name: 'parse' },
      focused: 'name',
      user: 'bob',
    });
    expect((await h.discord.waitForCallback(complete)).data).toEqual({ choices: [] });
    // alice is on the list
    expect((await skills(h, 'list', {}, 'alice')).content).toMatch(/parse-csv/);
    expect(
      (await replyTo(h, await h.discord.slashCommand({ name: 'tools', user: 'alice' }))).content,
    ).toMatch(/workspace/);
  });

  it('cross-guild delete: an Administrator of a guild outside ALLOWED_GUILDS cannot remove a global skill', async () => {
    const h = await start({
      discord: {
        users: [{ username: 'alice' }, { username: 'bob' }, { username: 'mallory' }],
        guilds: [
          {
            name: 'Team',
            roles: [{ name: 'admin', permissions: (1n << 3n).toString() }],
            members: [{ user: 'alice', roles: ['admin'] }, { user: 'bob' }],
          },
          {
            name: 'Elsewhere',
            roles: [{ name: 'boss', permissions: (1n << 3n).toString() }],
            members: [{ user: 'mallory', roles: ['boss'] }],
          },
        ],
      },
      env: (discord) => ({ ALLOWED_GUILDS: discord.guildId }),
    });
    expect((await skills(h, 'delete', { name: 'parse-csv' }, 'mallory', 'Elsewhere')).content).toBe(
      'Toolsmith is not enabled in this server.',
    );
    // An Administrator of an allowed server still cannot remove a global skill: operators own them.
    expect((await skills(h, 'delete', { name: 'parse-csv' }, 'alice')).content).toMatch(
      /only an operator can remove a global skill/,
    );
    expect(h.app.skillLibrary?.get('parse-csv', ['global'])?.state).toBe('approved');
  });

  it('an operator (OPERATOR_USERS) may disable a seed; it stays disabled after a restart', async () => {
    const h = await start({ env: (discord) => ({ OPERATOR_USERS: discord.user('bob').id }) });
    expect((await skills(h, 'delete', { name: 'parse-csv' }, 'bob')).content).toBe(
      'Disabled parse-csv (a seed: it stays disabled).',
    );
    await h.restart();
    expect(h.app.skillLibrary?.get('parse-csv', ['global'])?.state).toBe('disabled');
    expect((await skills(h, 'show', { name: 'parse-csv' }, 'alice')).content).toBe(
      'No skill named parse-csv.',
    );
  });

  it('review: a proposal is shown to reviewers with its code, task and check, and Approve shares it', async () => {
    const h = await start();
    await bobsProposal(h);
    // Visible to its author, not to others, until approved.
    expect((await skills(h, 'show', { name: 'tripleIt' }, 'bob')).content).toMatch(/proposed/);
    expect((await skills(h, 'show', { name: 'tripleIt' }, 'alice')).content).toBe('No skill named tripleIt.');
    expect((await skills(h, 'review', {}, 'bob')).content).toMatch(/only a reviewer/);

    const review = await skills(h, 'review', {}, 'alice');
    expect(review.content).toContain('**triple-it** v1 (this server) — new skill by');
    expect(review.content).toContain('Task: triple 21 for the report');
    expect(review.content).toContain('Check: passed: tripleIt returned the expected value');
    expect(review.content).toContain('return n * 3;');
    const ids = buttonIds(review);
    expect(ids).toEqual([
      `review:approve:${h.discord.guildId}:1:triple-it`,
      `review:reject:${h.discord.guildId}:1:triple-it`,
    ]);
    // bob (not a reviewer) presses Approve: refused, nothing changes.
    const bobClick = await h.discord.clickButton({ message: review.id, customId: ids[0] ?? '', user: 'bob' });
    expect((await replyTo(h, bobClick)).content).toMatch(/only a reviewer/);
    expect(h.app.skillLibrary?.get('triple-it', [h.discord.guildId])?.state).toBe('proposed');
    const click = await h.discord.clickButton({ message: review.id, customId: ids[0] ?? '', user: 'alice' });
    expect((await replyTo(h, click)).content).toBe('Approved triple-it v1: it is shared in this server.');
    expect((await skills(h, 'show', { name: 'triple-it' }, 'alice')).content).toMatch(/approved/);
    expect((await skills(h, 'review', {}, 'alice')).content).toBe('Nothing to review.');
    const history = (await skills(h, 'history', { name: 'triple-it' }, 'alice')).content;
    expect(history).toMatch(/^v1 approved \(in use\) — by \d+, .*learned · check: passed/m);
  });

  it('review: a server skill taking a global name offers Approve as override, and only that approves it', async () => {
    const h = await start();
    const library = h.app.skillLibrary;
    await library?.save({
      name: 'parse-csv',
      description: 'Parse CSV our way.',
      signature: 'parseCsv(text: string): string[][]',
      code: "function parseCsv(text) {\n  return text.split('\\n').map((l) => l.split(';'));\n}",
      task: 'parse the semicolon export',
      scope: h.discord.guildId,
      author: h.discord.user('bob').id,
      source: 'learned',
      checkResult: 'passed',
    });
    const review = await skills(h, 'review', {}, 'alice');
    expect(review.content).toContain('takes the name of a global skill and would hide it in this server');
    const override = `review:override:${h.discord.guildId}:1:parse-csv`;
    expect(buttonIds(review)).toEqual([override, `review:reject:${h.discord.guildId}:1:parse-csv`]);
    // A plain approve (the command without override) cannot slip the shadowing through.
    expect((await skills(h, 'approve', { name: 'parse-csv' }, 'alice')).content).toMatch(
      /has the name of a global skill.*Approve it as an override/s,
    );
    // bob (its author, not a reviewer) cannot approve it as an override either.
    const bobClick = await h.discord.clickButton({ message: review.id, customId: override, user: 'bob' });
    expect((await replyTo(h, bobClick)).content).toMatch(/only a reviewer/);
    expect(library?.get('parse-csv', [h.discord.guildId])?.state).toBe('proposed');

    const click = await h.discord.clickButton({ message: review.id, customId: override, user: 'alice' });
    expect((await replyTo(h, click)).content).toBe('Approved parse-csv v1: it is shared in this server.');
    expect((await skills(h, 'show', { name: 'parse-csv' }, 'alice')).content).toContain("l.split(';')");
    expect(library?.get('parse-csv', ['global'])?.state).toBe('approved');
  });

  it('reject by command, and a SKILL_REVIEWER_ROLE member reviews without being an admin', async () => {
    const h = await start({
      discord: {
        guilds: [
          {
            roles: [{ name: 'reviewers' }],
            members: [{ user: 'alice', roles: ['reviewers'] }, { user: 'bob' }],
          },
        ],
      },
      env: (discord) => ({ SKILL_REVIEWER_ROLE: discord.roleId('reviewers') }),
    });
    await bobsProposal(h);
    expect((await skills(h, 'reject', { name: 'triple-it' }, 'alice')).content).toBe(
      'Rejected v1 of triple-it.',
    );
    expect((await skills(h, 'show', { name: 'triple-it' }, 'bob')).content).toBe('No skill named triple-it.');
    expect((await skills(h, 'approve', { name: 'parse-csv' }, 'alice')).content).toMatch(/only an operator/);
  });
});
