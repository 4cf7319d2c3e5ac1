import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError, UsageError } from '../../src/errors.ts';
import { createLocalEmbedder } from '../../src/skills/embeddings/local-embedder.ts';
import { openSkillIndex } from '../../src/skills/index/open-skill-index.ts';
import { codeHash } from '../../src/skills/skill-name.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createSkillsRepo } from '../../src/store/skills-repo.ts';
import { createHarness, draft, type Harness, member, OPERATOR, REVIEWER_1 } from './library-helpers.ts';

const SEEDS = path.resolve(import.meta.dirname, '../../seed-skills');
let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  await h.cleanup();
});

const csvSkill = draft({
  name: 'parse-quoted-csv',
  description: 'Parse CSV text with quoted fields and embedded commas into row objects keyed by the header.',
  signature: 'parseQuotedCsv(text: string): object[]',
  code: 'function parseQuotedCsv(text) {\n  return text.split("\\n").map((line) => line.split(","));\n}',
  task: 'read the attached orders.csv and count the rows',
});

describe('saving and retrieving', () => {
  it('saves a skill and finds it again by a paraphrase, within its scope and global only', async () => {
    const library = await h.open();
    const saved = await library.save(draft());
    expect(saved.outcome).toBe('added');
    await library.save(csvSkill);
    await library.save(
      draft({
        ...csvSkill,
        name: 'other-guild-csv',
        scope: 'guild-2',
        code: csvSkill.code.replace('parseQuotedCsv', 'otherGuildCsv'),
      }),
    );
    // Learned skills are their author's until reviewed.
    expect(
      await library.retrieve({
        text: 'add up the amounts for each category',
        scope: 'guild-1',
        author: 'bo',
      }),
    ).toEqual([]);
    await library.approve('sum-by-group', 'guild-1', REVIEWER_1);
    await library.approve('parse-quoted-csv', 'guild-1', REVIEWER_1);
    await library.approve('other-guild-csv', 'guild-2', OPERATOR);

    const offered = await library.retrieve({
      text: 'add up the amounts for each category',
      scope: 'guild-1',
      author: 'bo',
    });
    expect(offered[0]).toMatchObject({
      name: 'sum-by-group',
      identifier: 'sumByGroup',
      signature: draft().signature,
    });
    expect(offered[0]?.provenance).toBe('learned from a task by ana, not used yet');
    expect(offered[0]?.code).toContain('function sumByGroup');

    const csv = await library.retrieve({
      text: 'load a comma separated file with quotes in cells',
      scope: 'guild-1',
      author: 'bo',
    });
    expect(csv.map((s) => s.name)).toContain('parse-quoted-csv');
    expect(csv.map((s) => s.name)).not.toContain('other-guild-csv');
    const elsewhere = await library.retrieve({
      text: 'add up the amounts for each category',
      scope: 'guild-2',
      author: 'cy',
    });
    expect(elsewhere.map((s) => s.name)).not.toContain('sum-by-group');
    expect(library.get('sum-by-group', ['guild-1'])?.retrieved).toBe(1);
  });

  it('offers global skills to every scope; a server skill with a global name waits for an override approval', async () => {
    const library = await h.open();
    await library.save(draft({ scope: 'global', author: 'admin', source: 'imported' }), OPERATOR);
    const guild = await library.save(draft({ description: `${draft().description} Guild version.` }));
    expect(guild.skill).toMatchObject({ name: 'sum-by-group', scope: 'guild-1', state: 'proposed' });
    const retrieveIn = (scope: string, author = 'bo') =>
      library.retrieve({ text: 'total a field per group', scope, author });
    // No shadowing: bo, and the author too, still get the global skill.
    for (const author of ['bo', 'ana']) {
      const found = await retrieveIn('guild-1', author);
      expect(found.filter((s) => s.name === 'sum-by-group')).toHaveLength(1);
      expect(found[0]?.description).not.toMatch(/Guild version/);
      expect(
        library.get('sumByGroup', ['guild-1', 'global'], { scope: 'guild-1', member: author })?.scope,
      ).toBe('global');
    }
    await expect(library.approve('sum-by-group', 'guild-1', REVIEWER_1)).rejects.toThrow(
      /name of a global skill/,
    );
    await library.approve('sum-by-group', 'guild-1', REVIEWER_1, { override: true });
    expect((await retrieveIn('guild-1'))[0]?.description).toMatch(/Guild version/);
    expect((await retrieveIn('guild-9'))[0]?.provenance).toMatch(
      /^imported by admin, shared with every server/,
    );
  });

  it('drops scores below the floor and zero-vector (NaN) queries, and returns nothing with topK 0', async () => {
    const library = await h.open({ minScore: 0.25 });
    await library.save(draft());
    expect(
      await library.retrieve({ text: 'convert celsius to fahrenheit', scope: 'guild-1', author: 'a' }),
    ).toEqual([]);
    expect(await library.retrieve({ text: 'the of and 42', scope: 'guild-1', author: 'a' })).toEqual([]);
    expect(await library.retrieve({ text: '   ', scope: 'guild-1', author: 'a' })).toEqual([]);
    const off = await h.open({ topK: 0, store: h.stores[0] });
    expect(await off.retrieve({ text: 'total per group', scope: 'guild-1', author: 'a' })).toEqual([]);
  });

  it('ranks a successful, well-voted skill a little higher than an equally near one', async () => {
    const library = await h.open();
    const twin = (name: string) =>
      draft({
        name,
        source: 'imported',
        code: draft().code.replace('sumByGroup', name === 'sum-by-group' ? 'sumByGroup' : 'totalByGroup'),
      });
    await library.save(twin('sum-by-group'), OPERATOR);
    await library.save(twin('total-by-group'), OPERATOR);
    const before = await library.search('total a numeric field per group', ['guild-1']);
    expect(before[0]?.similarity).toBeCloseTo(before[1]?.similarity ?? 0, 1);
    const loser = before[1]?.skill.name ?? '';
    library.vote({ answerId: 'a1', memberId: 'bo', skill: loser, scope: 'guild-1', delta: 1 });
    library.vote({ answerId: 'a1', memberId: 'cy', skill: loser, scope: 'guild-1', delta: 1 });
    const after = await library.retrieve({
      text: 'total a numeric field per group',
      scope: 'guild-1',
      author: 'a',
    });
    expect(after[0]?.name).toBe(loser);
    expect(after[0]?.provenance).toMatch(/votes \+2/);
  });

  it('rejects bad drafts with every problem named, and saves nothing', async () => {
    const library = await h.open();
    const bad = draft({ name: 'Bad Name', scope: 'no spaces allowed', description: ' ', code: 'function (' });
    const error = await library.save(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(String(error)).toMatch(/not a skill name.*not a scope.*description is empty/);
    await expect(library.save(draft({ code: 'function other() {}' }))).rejects.toThrow(
      /the function is named other, not sumByGroup/,
    );
    await expect(library.save(draft({ code: 'function sumByGroup( {' }))).rejects.toThrow(/does not compile/);
    expect(library.list()).toEqual([]);
    expect(await library.search('group', ['guild-1'])).toEqual([]);
  });

  it('votes one per member per answer, and deletes (author or reviewer only)', async () => {
    const library = await h.open();
    await library.save(draft({ source: 'imported' }), OPERATOR);
    const vote = (memberId: string, answerId: string, delta: 1 | -1) =>
      library.vote({ answerId, memberId, skill: 'sumByGroup', scope: 'guild-1', delta });
    expect(vote('bo', 'a1', -1).votes).toBe(-1);
    expect(vote('bo', 'a1', 1).votes).toBe(1);
    expect(() => vote('bo', 'a1', 5 as 1)).toThrow(/\+1 or -1/);
    expect(() =>
      library.vote({ answerId: 'a', memberId: 'b', skill: 'nope', scope: 'guild-1', delta: 1 }),
    ).toThrow(/no skill named nope/);
    await expect(library.delete('sum-by-group', 'guild-2', OPERATOR)).rejects.toThrow(/no skill named/);
    await expect(library.delete('sum-by-group', 'guild-1', member('bo'))).rejects.toThrow(/only the author/);
    await expect(
      library.delete('sum-by-group', 'guild-1', { id: 'x', operator: false, reviewerOf: ['guild-2'] }),
    ).rejects.toThrow(/only the author/);
    expect(await library.delete('sumByGroup', 'guild-1', REVIEWER_1)).toBe(true);
    expect(library.list()).toEqual([]);
    expect(await library.search('total per group', ['guild-1'])).toEqual([]);
  });
});

describe('dedupe', () => {
  it('the same code again (re-indented) changes nothing, counters included', async () => {
    const library = await h.open();
    const first = await library.save(draft());
    const again = await library.save(draft({ code: draft().code.replace(/\n\s*/g, '\n    ') }));
    expect(again.outcome).toBe('unchanged');
    expect(again.skill).toMatchObject({
      id: first.skill.id,
      name: 'sum-by-group',
      version: 1,
      used: 0,
      succeeded: 0,
    });
    expect(library.list()).toHaveLength(1);
  });

  it("a near-duplicate by the author of a proposed skill is its next version (author's own proposal)", async () => {
    const library = await h.open();
    const first = await library.save(draft());
    const newer = draft({ code: draft().code.replace('Number(row[field])', 'Number(row[field]) || 0') });
    const saved = await library.save(newer);
    expect(saved.outcome).toBe('updated');
    expect(saved.skill).toMatchObject({
      id: first.skill.id,
      version: 2,
      used: 0,
      code: newer.code,
      hash: codeHash(newer.code),
    });
    expect(library.list()).toHaveLength(1);
  });

  it('embeds a new learned skill once: the dedupe lookup vector becomes its index entry', async () => {
    const local = createLocalEmbedder();
    const embedded: string[] = [];
    const library = await h.open({
      embedder: {
        info: local.info,
        embed: (texts, kind) => {
          embedded.push(...texts);
          return local.embed(texts, kind);
        },
      },
    });
    await library.save(draft());
    expect(embedded).toHaveLength(1);
    const [hit] = await library.search('total the sales amount per region', ['guild-1'], 1);
    expect(hit?.skill.name).toBe('sum-by-group');
  });

  it('a different skill that happens to have a taken name gets a new name', async () => {
    const library = await h.open();
    await library.save(draft());
    const other = draft({
      description: 'Convert temperatures from Celsius to Fahrenheit.',
      task: 'convert the readings to fahrenheit',
      code: 'function sumByGroup(c) {\n  return c * 9 / 5 + 32;\n}',
    });
    const saved = await library.save(other);
    expect(saved).toMatchObject({ outcome: 'added', skill: { name: 'sum-by-group-v2' } });
  });

  it('50 concurrent saves: none lost, in the store or the index, after reopening', async () => {
    const library = await h.open();
    const topics = [
      'invoice',
      'weather',
      'roster',
      'ticket',
      'shipment',
      'payroll',
      'survey',
      'inventory',
      'booking',
      'grades',
    ];
    const drafts = Array.from({ length: 50 }, (_, i) => {
      const name = `skill-${topics[i % 10]}-n${Math.floor(i / 10)}x${i}`;
      const identifier = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      return draft({
        name,
        description: `Handle ${topics[i % 10]} records variant ${i} with rule ${i * 7919}.`,
        task: `task ${i} about ${topics[i % 10]}`,
        code: `function ${identifier}(x) {\n  return x + ${i};\n}`,
        source: 'imported',
      });
    });
    const results = await Promise.all(drafts.map((d) => library.save(d)));
    expect(results.every((r) => r.outcome === 'added')).toBe(true);
    await library.close();
    const index = await openSkillIndex({
      folder: h.indexDir,
      embedder: { provider: 'local', model: 'toolsmith-hash-v1', dimensions: 512 },
    });
    expect((await index.entries()).size).toBe(50);
    const reopened = await h.open({ store: h.stores[0] });
    expect(reopened.list()).toHaveLength(50);
    expect(h.logs.filter((line) => line.includes('caught up'))).toEqual([]);
  });
});

describe('start-up: seeds, missing, corrupt and mismatched indexes', () => {
  it('loads seed skills idempotently, and a changed seed becomes a new version', async () => {
    const first = await h.open({ seedsDir: SEEDS });
    const seeded = first.list(['global']);
    expect(seeded.map((s) => s.name)).toEqual(
      expect.arrayContaining(['parse-csv', 'clean-number', 'group-aggregate', 'format-table']),
    );
    await first.close();
    const second = await h.open({ seedsDir: SEEDS, store: h.stores[0] });
    expect(second.list(['global'])).toEqual(seeded);
    const found = await second.retrieve({
      text: 'read a csv file with quoted fields',
      scope: 'guild-1',
      author: 'a',
    });
    const parseCsv = found.find((skill) => skill.name === 'parse-csv');
    expect(parseCsv?.provenance).toMatch(/^seed skill shipped with Toolsmith/);
    await second.close();

    // A seed edited in a later release: same name, new code -> version 2, still one skill.
    const seedsDir = path.join(h.dir, 'seeds');
    mkdirSync(seedsDir);
    const original = readFileSync(path.join(SEEDS, 'to-csv.js'), 'utf8');
    writeFileSync(
      path.join(seedsDir, 'to-csv.js'),
      original.replace("options.delimiter ?? ','", "options.delimiter || ','"),
    );
    const third = await h.open({ seedsDir, store: h.stores[0] });
    expect(third.list(['global'])).toHaveLength(seeded.length);
    expect(third.get('to-csv', ['global'])).toMatchObject({ version: 2, source: 'seed' });
    expect(third.get('parse-csv', ['global'])?.version).toBe(1);
    // Seeds no longer shipped are disabled rather than left callable.
    expect(third.get('parse-csv', ['global'])?.state).toBe('disabled');
    expect(third.get('to-csv', ['global'])?.state).toBe('approved');
    expect(h.logs).toContainEqual('info: seed skill parse-csv is no longer shipped: disabled it');
  });

  it('checks a seed again only when it changed: a broken edit is skipped with a warning, the saved version stays', async () => {
    const seedsDir = path.join(h.dir, 'seeds');
    mkdirSync(seedsDir);
    const original = readFileSync(path.join(SEEDS, 'to-csv.js'), 'utf8');
    writeFileSync(path.join(seedsDir, 'to-csv.js'), original);
    const first = await h.open({ seedsDir });
    expect(first.get('to-csv', ['global'])).toMatchObject({ version: 1, state: 'approved' });
    await first.close();
    // The same file again: held as it is, nothing written.
    const same = await h.open({ seedsDir, store: h.stores[0] });
    expect(same.get('to-csv', ['global'])?.version).toBe(1);
    await same.close();
    // A release whose edit does not compile: the seed is skipped, the saved one stays in use.
    writeFileSync(path.join(seedsDir, 'to-csv.js'), original.replace('function toCsv(', 'function toCsv( {'));
    const broken = await h.open({ seedsDir, store: h.stores[0] });
    expect(broken.get('to-csv', ['global'])).toMatchObject({ version: 1, state: 'approved' });
    expect(h.logs).toContainEqual(
      expect.stringMatching(/^warn: seed skill skipped: to-csv\.js: the code does not compile/),
    );
  });

  it('does not let a seed overwrite an imported skill of the same name, and says so', async () => {
    const library = await h.open();
    await library.save(
      draft({
        name: 'to-csv',
        scope: 'global',
        source: 'imported',
        code: 'function toCsv(rows) {\n  return String(rows);\n}',
      }),
    );
    await library.close();
    const reopened = await h.open({ seedsDir: SEEDS, store: h.stores[0] });
    expect(reopened.get('to-csv', ['global'])?.source).toBe('imported');
    expect(h.logs).toContainEqual(
      'warn: seed skill to-csv not loaded: scope global already has a skill of that name (imported)',
    );
  });

  it('rebuilds a deleted index from the store at start-up, with a log line', async () => {
    const library = await h.open();
    await library.save(draft({ source: 'imported' }), OPERATOR);
    await library.save({ ...csvSkill, source: 'imported' }, OPERATOR);
    await library.close();
    rmSync(h.indexDir, { recursive: true });
    const reopened = await h.open({ store: h.stores[0] });
    expect(h.logs).toContainEqual(
      expect.stringMatching(/^info: skill index .* was missing; rebuilt it from 2 skills/),
    );
    const found = await reopened.retrieve({
      text: 'add up amounts per category',
      scope: 'guild-1',
      author: 'a',
    });
    expect(found[0]?.name).toBe('sum-by-group');
    expect(await reopened.reindex()).toBe(2);
  });

  it('rebuilds a corrupt index file at start-up instead of crashing, keeping the bad file', async () => {
    const library = await h.open();
    await library.save(draft());
    await library.close();
    const file = path.join(h.indexDir, 'index.json');
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 100));
    const reopened = await h.open({ store: h.stores[0] });
    expect(h.logs).toContainEqual(
      expect.stringMatching(
        /^warn: skill index .* was corrupt \(not valid JSON.*kept it aside and rebuilt it from 1 skills/,
      ),
    );
    expect((await reopened.search('total per group', ['guild-1']))[0]?.skill.name).toBe('sum-by-group');
  });

  it('refuses an index built by another embedder, with the fix; rebuild fixes it; nothing lost', async () => {
    const library = await h.open();
    await library.save(draft());
    await library.close();
    const error = await h
      .open({
        store: h.stores[0],
        embedder: {
          info: { provider: 'voyage', model: 'voyage-code-3', dimensions: 1024 },
          embed: async () => [],
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(String(error)).toMatch(
      /built with local\/toolsmith-hash-v1 .* configured embedder is voyage\/voyage-code-3 .*Run `toolsmith skills reindex`/,
    );
    const rebuilt = await h.open({ store: h.stores[0], rebuild: true });
    expect(rebuilt.list()).toHaveLength(1);
    expect((await rebuilt.search('total per group', ['guild-1']))[0]?.skill.name).toBe('sum-by-group');
  });

  it('catches the index up with skills the store has but the index lacks (a save killed half-way)', async () => {
    const library = await h.open();
    await library.save(draft());
    await library.close();
    const store = openStore({ dataDir: h.dir });
    createSkillsRepo(store).insert({
      ...csvSkill,
      tools: [],
      hash: codeHash(csvSkill.code),
      checkResult: '',
      note: 'learned',
      state: 'approved',
    });
    store.close();
    const reopened = await h.open({ store: h.stores[0] });
    expect(h.logs).toContainEqual(
      'info: skill index caught up with the store: 1 added or refreshed, 0 removed',
    );
    expect((await reopened.search('comma separated quoted cells', ['guild-1']))[0]?.skill.name).toBe(
      'parse-quoted-csv',
    );
  });
});
